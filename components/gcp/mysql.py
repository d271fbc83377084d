"""Cloud SQL for MySQL 8.4 as W&B needs it: private IP only, TLS required, PITR backups, CMEK."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_gcp as gcp
import pulumi_random as random

from ..contracts import MysqlAdmin, MysqlEndpoint
from .private_service import PrivateServiceArgs

TOKEN = "wandb-platform:index:CloudSqlMysql"
MAX_LOG_RETENTION_DAYS = 7  # Cloud SQL Enterprise keeps binary logs (point-in-time recovery) 1-7 days

# W&B's flags for Cloud SQL (from W&B's own GCP module). Cloud SQL supports each on MYSQL_8_4 as on MYSQL_8_0.
WANDB_MYSQL_FLAGS: dict[str, str] = {
    "binlog_row_image": "minimal",
    "binlog_row_value_options": "PARTIAL_JSON",
    "innodb_autoinc_lock_mode": "2",
    "innodb_lru_scan_depth": "100",
    "innodb_print_all_deadlocks": "off",
    "local_infile": "on",
    "long_query_time": "1",
    "max_prepared_stmt_count": "1048576",
    "max_execution_time": "60000",
    "slow_query_log": "on",
    "sort_buffer_size": "67108864",
    "skip_show_database": "on",
}


@dataclass(kw_only=True)
class CloudSqlArgs(PrivateServiceArgs):
    tier: str
    database_version: str = "MYSQL_8_4"  # MYSQL_8_0 only to adopt an instance that runs it
    backup_retention_days: int = 7
    database: str = "wandb_local"
    user: str = "wandb"
    admin_user: str = ""  # a second user for Vault to rotate `user`'s password with; "" = none


class CloudSqlMysql(pulumi.ComponentResource):
    """Exposes `endpoint` (MysqlEndpoint). Its password resolves only once the user exists."""

    def __init__(self, name: str, args: CloudSqlArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__(TOKEN, name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        stateful = pulumi.ResourceOptions(parent=self, protect=args.deletion_protection)
        instance = gcp.sql.DatabaseInstance(
            f"{name}-mysql",
            project=args.project,
            region=args.region,
            database_version=args.database_version,
            encryption_key_name=args.kms_key_id,
            deletion_protection=args.deletion_protection,
            settings={
                "tier": args.tier,
                "edition": "ENTERPRISE",  # MYSQL_8_4 defaults to ENTERPRISE_PLUS; the db-n1-* tiers are Enterprise
                "availability_type": "REGIONAL" if args.high_availability else "ZONAL",
                "disk_type": "PD_SSD",
                "disk_autoresize": True,
                "deletion_protection_enabled": args.deletion_protection,
                "ip_configuration": {
                    "ipv4_enabled": False,
                    "private_network": args.network_id,
                    "ssl_mode": "ENCRYPTED_ONLY",
                },
                "backup_configuration": {
                    "enabled": True,
                    "binary_log_enabled": True,
                    "start_time": "02:00",
                    "transaction_log_retention_days": min(args.backup_retention_days, MAX_LOG_RETENTION_DAYS),
                    "backup_retention_settings": {
                        "retained_backups": args.backup_retention_days,
                        "retention_unit": "COUNT",
                    },
                },
                "database_flags": [{"name": k, "value": v} for k, v in WANDB_MYSQL_FLAGS.items()],
                "maintenance_window": {"day": 7, "hour": 3, "update_track": "stable"},
                "insights_config": {"query_insights_enabled": True},
                "user_labels": dict(args.labels),
            },
            opts=pulumi.ResourceOptions.merge(stateful, pulumi.ResourceOptions(depends_on=list(args.depends_on))),
        )
        database = gcp.sql.Database(
            f"{name}-db",
            project=args.project,
            instance=instance.name,
            name=args.database,
            charset="utf8mb4",
            collation="utf8mb4_general_ci",
            opts=stateful,
        )
        password = random.RandomPassword(f"{name}-password", length=32, special=False, opts=child)
        rotated = bool(args.admin_user)  # Vault changes the password from now on: later runs leave it be
        user = gcp.sql.User(
            f"{name}-user",
            project=args.project,
            instance=instance.name,
            name=args.user,
            host="%",
            password=password.result,
            opts=pulumi.ResourceOptions(
                parent=self, depends_on=[database], ignore_changes=["password"] if rotated else None
            ),
        )
        admin = self._admin(name, args, instance) if rotated else None
        self.instance = instance
        self.endpoint = MysqlEndpoint(
            host=instance.private_ip_address,
            port=3306,
            database=database.name,
            user=user.name,
            password=pulumi.Output.secret(pulumi.Output.all(user.id, password.result).apply(lambda a: a[1])),
            ca_cert=pulumi.Output.secret(instance.server_ca_certs.apply(lambda certs: certs[0].cert if certs else "")),
            admin=admin,
        )
        self.register_outputs({"host": instance.private_ip_address, "connectionName": instance.connection_name})

    def _admin(self, name: str, args: CloudSqlArgs, instance: gcp.sql.DatabaseInstance) -> MysqlAdmin:
        """Cloud SQL's users made through its API hold `cloudsqlsuperuser`, enough to change another user's
        password; W&B never sees this one."""
        password = random.RandomPassword(
            f"{name}-admin-password", length=32, special=False, opts=pulumi.ResourceOptions(parent=self)
        )
        admin = gcp.sql.User(
            f"{name}-admin",
            project=args.project,
            instance=instance.name,
            name=args.admin_user,
            host="%",
            password=password.result,
            opts=pulumi.ResourceOptions(parent=self),
        )
        return MysqlAdmin(
            user=admin.name,
            password=pulumi.Output.secret(pulumi.Output.all(admin.id, password.result).apply(lambda a: a[1])),
        )
