"""An Azure platform's managed datastores: MySQL Flexible Server (and its read replica in the paired region) and
Azure Managed Redis, each on its own key through its own identity, private to the platform's network."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pulumi

from ..azure.keyvault import AzureKeyVault
from ..azure.mysql import AzureMysql, AzureMysqlArgs, GeoBackupKey
from ..azure.mysql_replica import AzureMysqlReplica, AzureMysqlReplicaArgs
from ..azure.network import AzureNetwork
from ..azure.redis import AzureManagedRedis, AzureManagedRedisArgs
from .azure_args import mysql_tier
from .dr import copies
from .sizes import AzureSize

BACKUP_DAYS = 14


@dataclass(frozen=True)
class AzurePlacement:
    """Where the platform puts its datastores, and how it tags them."""

    name: str  # the platform's logical name
    group: Any  # the resource group's name
    network: AzureNetwork
    identities: dict  # service -> its user-assigned identity
    keys: AzureKeyVault
    tags: dict[str, str]
    opts: pulumi.ResourceOptions


def azure_datastores(
    args,
    placed: AzurePlacement,
    *,
    size: AzureSize,
    names: Callable[[str, int], pulumi.Output[str]],
    geo_key: GeoBackupKey | None,
) -> tuple[AzureMysql | None, AzureManagedRedis | None]:
    """Flexible Server (geo-redundant backups and a replica in the pair with `geo_key`) and Azure Managed Redis
    where they are managed. `names(suffix, max_length)`: a name unique across Azure."""
    network, identities, keys = placed.network, placed.identities, placed.keys
    mysql = None
    if args.mysql.mode == "managed":
        mysql = AzureMysql(
            f"{placed.name}-mysql",
            AzureMysqlArgs(
                resource_group_name=placed.group,
                location=args.location,
                server_name=names("mysql", 63),
                delegated_subnet_id=network.subnet_ids["mysql"],
                vnet_id=network.vnet.id,
                identity_id=identities["mysql"].id,
                key_uri=keys.key_uri("mysql"),
                sku_name=size.mysql_tier,
                tier=mysql_tier(size.mysql_tier),
                version=args.mysql.version,
                backup_retention_days=args.mysql.backup_retention_days or BACKUP_DAYS,
                high_availability=args.high_availability,
                geo_backup=geo_key,
                database=args.mysql.database,
                user=args.mysql.user,
                protect=args.protect,
                depends_on=keys.grants["mysql"],
                tags=placed.tags,
            ),
            placed.opts,
        )
        if geo_key is not None and copies(args)["mysql"]:
            AzureMysqlReplica(
                f"{placed.name}-dr-replica",
                AzureMysqlReplicaArgs(
                    resource_group_name=placed.group,
                    location=args.dr.secondary_region,
                    server_name=names("mysql-dr", 63),
                    source=mysql.server,
                    source_vnet=network.vnet,
                    zone=mysql.zone,
                    key=geo_key,
                    sku_name=size.mysql_tier,
                    tier=mysql_tier(size.mysql_tier),
                    vnet_cidr=args.dr.vpc_cidr,
                    protect=args.protect,
                    tags=placed.tags,
                ),
                placed.opts,
            )
    redis = None
    if args.redis.mode == "managed":
        redis = AzureManagedRedis(
            f"{placed.name}-redis",
            AzureManagedRedisArgs(
                resource_group_name=placed.group,
                location=args.location,
                cluster_name=names("redis", 60),
                identity_id=identities["redis"].id,
                key_url_with_version=keys.key_uri_with_version("redis"),
                endpoint_subnet_id=network.subnet_ids["endpoints"],
                vnet_id=network.vnet.id,
                sku=size.redis_sku,
                high_availability=args.high_availability,
                protect=args.protect,
                depends_on=keys.grants["redis"],
                tags=placed.tags,
            ),
            placed.opts,
        )
    return mysql, redis
