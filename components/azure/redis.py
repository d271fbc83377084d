"""W&B's Redis on Azure: Azure Managed Redis (the successor of Azure Cache for Redis, which is retiring and
refuses new caches), one database with TLS on port 10000, `NoCluster` (W&B's client expects one endpoint),
access keys (W&B authenticates with a password), high availability, RDB persistence, encrypted with the
platform's key through a user-assigned identity, and no public network access: a private endpoint only."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_azure_native as azure

from ..contracts import RedisEndpoint
from .network import private_endpoint

TOKEN = "wandb-platform:index:AzureManagedRedis"
PORT = 10000  # Azure Managed Redis serves TLS here
DATABASE = "default"


@dataclass
class AzureManagedRedisArgs:
    resource_group_name: pulumi.Input[str]
    location: str
    cluster_name: pulumi.Input[str]  # unique in Azure
    identity_id: pulumi.Input[str]  # a user-assigned identity allowed to use the key
    key_url_with_version: pulumi.Input[str]  # Azure Managed Redis takes a versioned key URL
    endpoint_subnet_id: pulumi.Input[str]
    vnet_id: pulumi.Input[str]
    sku: str = "Balanced_B5"
    high_availability: bool = True
    protect: bool = True
    depends_on: Sequence[pulumi.Resource] = ()  # the identity's grant on the key
    tags: Mapping[str, str] = field(default_factory=dict)


class AzureManagedRedis(pulumi.ComponentResource):
    """Exposes `endpoint` (RedisEndpoint, TLS, no CA: Azure's certificates chain to public roots)."""

    def __init__(self, name: str, args: AzureManagedRedisArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__(TOKEN, name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        stateful = pulumi.ResourceOptions(parent=self, protect=args.protect)
        cluster = azure.redisenterprise.RedisEnterprise(
            f"{name}-cluster",
            resource_group_name=args.resource_group_name,
            location=args.location,
            cluster_name=args.cluster_name,
            sku={"name": args.sku},
            high_availability="Enabled" if args.high_availability else "Disabled",
            minimum_tls_version="1.2",
            public_network_access="Disabled",
            identity={"type": "UserAssigned", "user_assigned_identities": [args.identity_id]},
            encryption={
                "customer_managed_key_encryption": {
                    "key_encryption_key_url": args.key_url_with_version,
                    "key_encryption_key_identity": {
                        "identity_type": "userAssignedIdentity",
                        "user_assigned_identity_resource_id": args.identity_id,
                    },
                }
            },
            tags=dict(args.tags),
            opts=pulumi.ResourceOptions.merge(stateful, pulumi.ResourceOptions(depends_on=list(args.depends_on))),
        )
        database = azure.redisenterprise.Database(
            f"{name}-database",
            resource_group_name=args.resource_group_name,
            cluster_name=cluster.name,
            database_name=DATABASE,
            client_protocol="Encrypted",
            port=PORT,
            clustering_policy="NoCluster",
            access_keys_authentication="Enabled",
            eviction_policy="VolatileLRU",
            persistence={"rdb_enabled": True, "rdb_frequency": "1h"},
            opts=stateful,
        )
        private_endpoint(
            f"{name}-private",
            resource_group_name=args.resource_group_name,
            location=args.location,
            subnet_id=args.endpoint_subnet_id,
            vnet_id=args.vnet_id,
            target_id=cluster.id,
            group="redisEnterprise",
            zone="privatelink.redis.azure.net",
            opts=child,
        )
        keys = azure.redisenterprise.list_database_keys_output(
            resource_group_name=args.resource_group_name,
            cluster_name=cluster.name,
            database_name=database.name,
            opts=pulumi.InvokeOutputOptions(parent=self),
        )
        self.id = cluster.id
        self.endpoint = RedisEndpoint(
            host=cluster.host_name,
            port=PORT,
            password=pulumi.Output.secret(keys.primary_key),
            tls=True,
        )
        self.register_outputs({"host": cluster.host_name})
