"""W&B's MySQL on Azure: Azure Database for MySQL Flexible Server 8.4, zone-redundant high availability and
geo-redundant backups in the paired region, encrypted there with a key and identity of that region (both chosen
at creation), reached only inside the network (VNet integration in a
delegated subnet, with its own private DNS zone), encrypted with the platform's key through a user-assigned
identity, TLS required, and W&B's server parameters.

Flexible Server takes one parameter write at a time (parallel writes fail) and the SDK has no batch call, so
the parameters are written one after another, beside W&B rather than before it: the endpoint resolves once the
database exists, not once every parameter is written.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_azure_native as azure
import pulumi_random as random

from ..contracts import MysqlEndpoint

TOKEN = "wandb-platform:index:AzureMysql"
PORT = 3306
# W&B's own Azure module's parameters but `max_binlog_size`, whose 1 GiB is MySQL's default (a write costs a
# minute on a server that takes one at a time), and TLS-only connections (Azure's default, set explicitly).
WANDB_MYSQL_PARAMETERS = {
    "require_secure_transport": "ON",
    "binlog_row_image": "minimal",
    "long_query_time": "4",
    "max_execution_time": "600000",
    "slow_query_log": "ON",
    "sort_buffer_size": "524288",
}


@dataclass(frozen=True)
class GeoBackupKey:
    """The paired region's key for geo-redundant backups, and the identity there that may use it."""

    identity_id: pulumi.Input[str]
    key_uri: pulumi.Input[str]
    ready: Sequence[pulumi.Resource] = ()  # the identity's grant on the key


@dataclass
class AzureMysqlArgs:
    resource_group_name: pulumi.Input[str]
    location: str
    server_name: pulumi.Input[str]  # unique in Azure: 3-63 lowercase letters, digits and hyphens
    delegated_subnet_id: pulumi.Input[str]  # a subnet delegated to Microsoft.DBforMySQL/flexibleServers
    vnet_id: pulumi.Input[str]
    identity_id: pulumi.Input[str]  # a user-assigned identity allowed to use `key_uri`
    key_uri: pulumi.Input[str]  # the platform's key (versionless: the server follows its rotations)
    sku_name: str = "Standard_D4ads_v5"
    tier: str = "GeneralPurpose"
    version: str = "8.4"
    storage_gb: int = 128
    backup_retention_days: int = 14
    high_availability: bool = True
    geo_backup: GeoBackupKey | None = None  # backups copied to the paired region (None: kept in the region)
    database: str = "wandb_local"
    user: str = "wandb"
    protect: bool = True
    depends_on: Sequence[pulumi.Resource] = ()  # the identity's grant on the key
    tags: Mapping[str, str] = field(default_factory=dict)


class AzureMysql(pulumi.ComponentResource):
    """Exposes `endpoint` (MysqlEndpoint) and `server`."""

    def __init__(self, name: str, args: AzureMysqlArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__(TOKEN, name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        group = args.resource_group_name
        self.zone = zone = azure.privatedns.PrivateZone(
            f"{name}-zone",
            resource_group_name=group,
            location="global",
            private_zone_name=pulumi.Output.concat(args.server_name, ".private.mysql.database.azure.com"),
            opts=child,
        )
        link = azure.privatedns.VirtualNetworkLink(
            f"{name}-zone-link",
            resource_group_name=group,
            private_zone_name=zone.name,
            location="global",
            virtual_network={"id": args.vnet_id},
            registration_enabled=False,
            opts=child,
        )
        password = random.RandomPassword(f"{name}-password", length=32, special=False, opts=child)
        geo = args.geo_backup
        encryption: dict = {
            "type": "AzureKeyVault",
            "primary_user_assigned_identity_id": args.identity_id,
            "primary_key_uri": args.key_uri,
        }
        if geo is not None:
            encryption |= {"geo_backup_user_assigned_identity_id": geo.identity_id, "geo_backup_key_uri": geo.key_uri}
        self.server = azure.dbformysql.Server(
            f"{name}-server",
            resource_group_name=group,
            location=args.location,
            server_name=args.server_name,
            version=args.version,
            administrator_login=args.user,
            administrator_login_password=pulumi.Output.secret(password.result),
            sku={"name": args.sku_name, "tier": args.tier},
            storage={"storage_size_gb": args.storage_gb, "auto_grow": "Enabled", "auto_io_scaling": "Enabled"},
            backup={
                "backup_retention_days": args.backup_retention_days,
                "geo_redundant_backup": "Enabled" if geo is not None else "Disabled",
            },
            high_availability={"mode": "ZoneRedundant" if args.high_availability else "Disabled"},
            network={
                "delegated_subnet_resource_id": args.delegated_subnet_id,
                "private_dns_zone_resource_id": zone.id,
                "public_network_access": "Disabled",
            },
            identity={
                "type": "UserAssigned",
                "user_assigned_identities": [args.identity_id, *([geo.identity_id] if geo is not None else [])],
            },
            data_encryption=encryption,
            maintenance_window={"custom_window": "Enabled", "day_of_week": 0, "start_hour": 3, "start_minute": 0},
            tags=dict(args.tags),
            opts=pulumi.ResourceOptions(
                parent=self,
                protect=args.protect,
                depends_on=[link, *args.depends_on, *(geo.ready if geo is not None else [])],
            ),
        )
        database = azure.dbformysql.Database(
            f"{name}-db",
            resource_group_name=group,
            server_name=self.server.name,
            database_name=args.database,
            charset="utf8mb4",
            collation="utf8mb4_general_ci",
            opts=pulumi.ResourceOptions(parent=self, protect=args.protect),
        )
        previous: list[pulumi.Resource] = []
        for parameter, value in WANDB_MYSQL_PARAMETERS.items():
            previous = [
                azure.dbformysql.Configuration(
                    f"{name}-{parameter.replace('_', '-')}",
                    resource_group_name=group,
                    server_name=self.server.name,
                    configuration_name=parameter,
                    value=value,
                    source="user-override",
                    opts=pulumi.ResourceOptions(parent=self, depends_on=previous),
                )
            ]
        self.endpoint = MysqlEndpoint(
            host=self.server.fully_qualified_domain_name,
            port=PORT,
            database=args.database,
            user=args.user,
            password=pulumi.Output.secret(pulumi.Output.all(database.id, password.result).apply(lambda a: a[1])),
        )
        self.register_outputs({"host": self.server.fully_qualified_domain_name})
