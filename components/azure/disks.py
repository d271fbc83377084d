"""A disk encryption set: what AKS encrypts node OS disks and volumes with, using the platform's key. Azure
creates new sets with a system-assigned identity only; that identity gets Key Vault Crypto Service Encryption
User on this one key, and the set follows the key's rotations."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi
import pulumi_azure_native as azure

from .roles import KEY_VAULT_CRYPTO_SERVICE_ENCRYPTION_USER, grant

TOKEN = "wandb-platform:index:AzureDiskEncryptionSet"


@dataclass
class AzureDiskEncryptionSetArgs:
    resource_group_name: pulumi.Input[str]
    location: str
    subscription_id: pulumi.Input[str]
    key_vault_id: pulumi.Input[str]
    key_id: pulumi.Input[str]  # the key's resource id (its grant's scope)
    key_url_with_version: pulumi.Input[str]  # a disk encryption set takes a versioned key URL
    protect: bool = True
    tags: Mapping[str, str] = field(default_factory=dict)


class AzureDiskEncryptionSet(pulumi.ComponentResource):
    """Exposes `id` and `grant`: what a cluster using the set must wait for."""

    def __init__(self, name: str, args: AzureDiskEncryptionSetArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__(TOKEN, name, None, opts)
        encryption_set = azure.compute.DiskEncryptionSet(
            f"{name}-set",
            resource_group_name=args.resource_group_name,
            location=args.location,
            encryption_type="EncryptionAtRestWithCustomerKey",
            active_key={"key_url": args.key_url_with_version, "source_vault": {"id": args.key_vault_id}},
            identity={"type": "SystemAssigned"},
            rotation_to_latest_key_version_enabled=True,
            tags=dict(args.tags),
            opts=pulumi.ResourceOptions(parent=self, protect=args.protect),
        )
        self.grant = grant(
            f"{name}-key-user",
            principal_id=encryption_set.identity.apply(lambda i: i.principal_id if i else ""),
            subscription_id=args.subscription_id,
            role=KEY_VAULT_CRYPTO_SERVICE_ENCRYPTION_USER,
            scope=args.key_id,
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.id = encryption_set.id
        self.register_outputs({"id": self.id})
