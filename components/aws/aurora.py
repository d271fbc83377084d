"""Aurora MySQL 8.4 for W&B: W&B's parameters plus TLS-only connections, CMK-encrypted storage and Performance
Insights, 14 days of backups, a final snapshot on delete, and a reader in another zone when HA. Aurora MySQL 8.0
(version 3) is still accepted, to adopt a cluster that runs it."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws
import pulumi_random as random

from ..contracts import MysqlEndpoint
from .account import AwsAccount
from .datastore import PrivateDatastoreArgs, nodes_only_security_group
from .policies import as_json, service_trust_policy

TOKEN = "wandb-platform:index:AuroraMysql"
PORT = 3306
LOG_EXPORTS = ["audit", "error", "slowquery"]
STATIC = "pending-reboot"  # AWS refuses `immediate` for static parameters; a new cluster starts with them anyway

# W&B's Aurora parameters (from W&B's own AWS module), plus TLS-only connections. `binlog_format` is deprecated
# in MySQL 8.4, where ROW is already the default: it is set on 8.0 only.
WANDB_CLUSTER_PARAMETERS = {
    "binlog_row_image": ("minimal", STATIC),
    "innodb_online_alter_log_max_size": ("268435456", "immediate"),
    "require_secure_transport": ("ON", "immediate"),
}
MYSQL_80_CLUSTER_PARAMETERS = {"binlog_format": ("ROW", STATIC)}
WANDB_INSTANCE_PARAMETERS = {
    "performance_schema": ("1", STATIC),
    "slow_query_log": ("1", "immediate"),
    "long_query_time": ("4", "immediate"),
    "max_prepared_stmt_count": ("1048576", "immediate"),
    "max_execution_time": ("60000", "immediate"),
    "sort_buffer_size": ("67108864", "immediate"),
    "innodb_lru_scan_depth": ("128", "immediate"),
}


def mysql_version(engine_version: str) -> str:
    """`8.4` of `8.4.mysql_aurora.8.4.12`, `8.0` of `8.0.mysql_aurora.3.10.4`."""
    return engine_version.split(".mysql_aurora.")[0]


def parameter_family(engine_version: str) -> str:
    return f"aurora-mysql{mysql_version(engine_version)}"


def cluster_parameters(engine_version: str) -> dict[str, tuple[str, str]]:
    extra = MYSQL_80_CLUSTER_PARAMETERS if mysql_version(engine_version) == "8.0" else {}
    return {**extra, **WANDB_CLUSTER_PARAMETERS}


def _parameters(table: dict[str, tuple[str, str]]) -> list[dict]:
    return [{"name": k, "value": v, "apply_method": m} for k, (v, m) in table.items()]


def parameter_groups(
    name: str, engine_version: str, tags: dict, opts: pulumi.ResourceOptions
) -> tuple[aws.rds.ClusterParameterGroup, aws.rds.ParameterGroup]:
    """W&B's cluster and instance parameters, for a cluster of `engine_version` (and its replica elsewhere)."""
    cluster = aws.rds.ClusterParameterGroup(
        f"{name}-cluster",
        family=parameter_family(engine_version),
        parameters=_parameters(cluster_parameters(engine_version)),
        tags=tags,
        opts=opts,
    )
    instance = aws.rds.ParameterGroup(
        f"{name}-instance",
        family=parameter_family(engine_version),
        parameters=_parameters(WANDB_INSTANCE_PARAMETERS),
        tags=tags,
        opts=opts,
    )
    return cluster, instance


def cluster_instance(
    name: str,
    *,
    cluster: pulumi.Input[str],
    instance_class: str,
    parameters: pulumi.Input[str],
    kms_key_arn: pulumi.Input[str],
    monitoring_role_arn: pulumi.Input[str],
    tags: dict,
    opts: pulumi.ResourceOptions,
    **placement,
) -> aws.rds.ClusterInstance:
    """An instance of W&B's cluster: private, W&B's parameters, Performance Insights on the cluster's key,
    Enhanced Monitoring, minor upgrades in the maintenance window."""
    return aws.rds.ClusterInstance(
        name,
        cluster_identifier=cluster,
        engine="aurora-mysql",
        instance_class=instance_class,
        db_parameter_group_name=parameters,
        publicly_accessible=False,
        performance_insights_enabled=True,
        performance_insights_kms_key_id=kms_key_arn,
        monitoring_interval=60,
        monitoring_role_arn=monitoring_role_arn,
        auto_minor_version_upgrade=True,
        tags=tags,
        opts=opts,
        **placement,
    )


@dataclass(kw_only=True)
class AuroraArgs(PrivateDatastoreArgs):
    engine_version: str
    instance_class: str
    account: AwsAccount
    backup_retention_days: int = 14
    database: str = "wandb_local"
    user: str = "wandb"
    password_rotated: bool = False  # Vault changes the master's password from now on: later runs leave it be
    global_database: bool = False  # the primary of a global database: AWS sets its global cluster id


class AuroraMysql(pulumi.ComponentResource):
    """`endpoint` resolves once the instances exist, so W&B never starts against a cluster with no writer."""

    def __init__(self, name: str, args: AuroraArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__(TOKEN, name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        stateful = pulumi.ResourceOptions(parent=self, protect=args.deletion_protection)
        tags = dict(args.tags)
        group = nodes_only_security_group(name, args, PORT, "Aurora MySQL", child)
        subnets = aws.rds.SubnetGroup(f"{name}-subnets", subnet_ids=list(args.subnet_ids), tags=tags, opts=child)
        cluster_params, instance_params = parameter_groups(name, args.engine_version, tags, child)
        self.monitoring_role = monitoring = aws.iam.Role(
            f"{name}-monitoring",
            assume_role_policy=as_json(service_trust_policy, "monitoring.rds"),
            tags=tags,
            opts=child,
        )
        aws.iam.RolePolicyAttachment(
            f"{name}-monitoring",
            role=monitoring.name,
            policy_arn=args.account.managed_policy("service-role/AmazonRDSEnhancedMonitoringRole"),
            opts=child,
        )
        # Unique per cluster lifetime: a second destroy must not collide with the first one's final snapshot.
        snapshot_suffix = random.RandomId(f"{name}-final-snapshot", byte_length=4, opts=child)
        password = random.RandomPassword(f"{name}-password", length=32, special=False, opts=child)
        cluster = aws.rds.Cluster(
            f"{name}-cluster",
            engine="aurora-mysql",
            engine_version=args.engine_version,
            database_name=args.database,
            master_username=args.user,
            master_password=password.result,
            port=PORT,
            db_subnet_group_name=subnets.name,
            vpc_security_group_ids=[group.id],
            db_cluster_parameter_group_name=cluster_params.name,
            storage_encrypted=True,
            kms_key_id=args.kms_key_arn,
            backup_retention_period=args.backup_retention_days,
            preferred_backup_window="03:00-04:00",
            preferred_maintenance_window="sun:04:30-sun:05:30",
            copy_tags_to_snapshot=True,
            skip_final_snapshot=False,
            final_snapshot_identifier=snapshot_suffix.hex.apply(lambda h: f"{args.identifier or name}-final-{h}"),
            deletion_protection=args.deletion_protection,
            iam_database_authentication_enabled=True,
            enabled_cloudwatch_logs_exports=LOG_EXPORTS,
            tags=tags,
            # AWS applies minor upgrades in the maintenance window; the configured version is where it starts.
            opts=pulumi.ResourceOptions.merge(
                stateful,
                pulumi.ResourceOptions(
                    ignore_changes=[
                        "engineVersion",
                        *(["masterPassword"] if args.password_rotated else []),
                        *(["globalClusterIdentifier"] if args.global_database else []),
                    ]
                ),
            ),
        )
        instances = [
            cluster_instance(
                f"{name}-{i}",
                cluster=cluster.id,
                instance_class=args.instance_class,
                parameters=instance_params.name,
                kms_key_arn=args.kms_key_arn,
                monitoring_role_arn=monitoring.arn,
                tags=tags,
                opts=stateful,
                availability_zone=args.zones[i % len(args.zones)],
                promotion_tier=i,
            )
            for i in range(2 if args.high_availability else 1)
        ]
        self.cluster = cluster
        self.instances = instances
        self.endpoint = MysqlEndpoint(
            host=pulumi.Output.all(cluster.endpoint, *[i.id for i in instances]).apply(lambda a: a[0]),
            port=PORT,
            database=args.database,
            user=args.user,
            password=pulumi.Output.secret(password.result),
        )
        self.register_outputs({"endpoint": cluster.endpoint, "readerEndpoint": cluster.reader_endpoint})
