"""W&B's object store on Azure: a zone-redundant StorageV2 account and one private container. TLS 1.2 and HTTPS
only, no anonymous access, infrastructure encryption plus the platform's key (versionless: the account follows
its rotations) through a user-assigned identity, versioning (old versions expire) with soft delete of blobs and
containers, W&B's CORS rule for browser uploads, and a private endpoint. Browsers and SDKs receive pre-signed
URLs to the account, so public network access stays on only for `allowed_ips` (empty: off; then only the
network's clients and W&B's proxy reach it).

Shared-key access is off: W&B reaches the account with its workload identity (as W&B's own secure storage
connector module grants its app), and signs URLs with a user delegation key rather than the account key.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_azure_native as azure

from ..contracts import BucketInfo
from .network import private_endpoint

TOKEN = "wandb-platform:index:AzureBlobStorage"
CORS = {
    "allowed_origins": ["*"],
    "allowed_methods": ["GET", "HEAD", "PUT"],
    "allowed_headers": ["*"],
    "exposed_headers": ["*"],
    "max_age_in_seconds": 3600,
}


@dataclass
class AzureBlobStorageArgs:
    resource_group_name: pulumi.Input[str]
    location: str
    account_name: pulumi.Input[str]  # unique in Azure: 3-24 lowercase letters and digits
    identity_id: pulumi.Input[str]  # a user-assigned identity allowed to use the key
    key_vault_uri: pulumi.Input[str]
    key_name: pulumi.Input[str]
    endpoint_subnet_id: pulumi.Input[str]
    vnet_id: pulumi.Input[str]
    container: str = "wandb"
    allowed_ips: Sequence[str] = ()  # browsers and SDKs that fetch pre-signed URLs from outside the network
    soft_delete_days: int = 30
    noncurrent_version_days: int = 30  # then a replaced or deleted object's old version is deleted
    geo_redundant: bool = False  # also copied to the paired region, readable there (RA-GZRS)
    protect: bool = True
    depends_on: Sequence[pulumi.Resource] = ()  # the identity's grant on the key
    tags: Mapping[str, str] = field(default_factory=dict)


class AzureBlobStorage(pulumi.ComponentResource):
    """Exposes `account`, `container` and `info` (BucketInfo: provider `az`, the account as `name`, the container
    as `path`)."""

    def __init__(self, name: str, args: AzureBlobStorageArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__(TOKEN, name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        stateful = pulumi.ResourceOptions(parent=self, protect=args.protect)
        self.account = azure.storage.StorageAccount(
            f"{name}-account",
            resource_group_name=args.resource_group_name,
            location=args.location,
            account_name=args.account_name,
            kind="StorageV2",
            sku={"name": "Standard_RAGZRS" if args.geo_redundant else "Standard_ZRS"},
            minimum_tls_version="TLS1_2",
            enable_https_traffic_only=True,
            allow_blob_public_access=False,
            allow_shared_key_access=False,  # Entra ID only: W&B signs URLs with a user delegation key
            allow_cross_tenant_replication=False,
            default_to_o_auth_authentication=True,
            public_network_access="Enabled" if args.allowed_ips else "Disabled",
            network_rule_set={
                "default_action": "Deny",
                "bypass": "None",
                "ip_rules": [{"i_p_address_or_range": ip, "action": "Allow"} for ip in args.allowed_ips],
            },
            identity={"type": "UserAssigned", "user_assigned_identities": [args.identity_id]},
            encryption={
                "require_infrastructure_encryption": True,
                "key_source": "Microsoft.Keyvault",
                "key_vault_properties": {"key_name": args.key_name, "key_vault_uri": args.key_vault_uri},
                "encryption_identity": {"encryption_user_assigned_identity": args.identity_id},
                "services": {"blob": {"enabled": True, "key_type": "Account"}},
            },
            tags=dict(args.tags),
            opts=pulumi.ResourceOptions.merge(stateful, pulumi.ResourceOptions(depends_on=list(args.depends_on))),
        )
        retention = {"enabled": True, "days": args.soft_delete_days}
        azure.storage.BlobServiceProperties(
            f"{name}-blob-service",
            resource_group_name=args.resource_group_name,
            account_name=self.account.name,
            blob_services_name="default",
            is_versioning_enabled=True,
            delete_retention_policy=retention,
            container_delete_retention_policy=retention,
            cors={"cors_rules": [CORS]},
            opts=child,
        )
        days = args.noncurrent_version_days
        azure.storage.ManagementPolicy(
            f"{name}-lifecycle",
            resource_group_name=args.resource_group_name,
            account_name=self.account.name,
            management_policy_name="default",
            policy={
                "rules": [
                    {
                        "name": "expire-noncurrent-versions",
                        "enabled": True,
                        "type": "Lifecycle",
                        "definition": {
                            "filters": {"blob_types": ["blockBlob"]},
                            "actions": {"version": {"delete": {"days_after_creation_greater_than": days}}},
                        },
                    }
                ]
            },
            opts=child,
        )
        self.container = azure.storage.BlobContainer(
            f"{name}-container",
            resource_group_name=args.resource_group_name,
            account_name=self.account.name,
            container_name=args.container,
            public_access="None",
            opts=stateful,
        )
        private_endpoint(
            f"{name}-private",
            resource_group_name=args.resource_group_name,
            location=args.location,
            subnet_id=args.endpoint_subnet_id,
            vnet_id=args.vnet_id,
            target_id=self.account.id,
            group="blob",
            zone="privatelink.blob.core.windows.net",
            opts=child,
        )
        self.info = BucketInfo(provider="az", name=self.account.name, region=args.location, path=self.container.name)
        self.register_outputs({"account": self.account.name})
