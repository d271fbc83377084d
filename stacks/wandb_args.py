"""What every target's platform arguments share, from the validated config: W&B, datastores, ingress, sizes."""

from __future__ import annotations

import pulumi
from pydantic import SecretStr

from components.naming import StackNames
from components.platform.args import (
    BucketArgs,
    ClickHouseArgs,
    DrArgs,
    ImagesArgs,
    IngressArgs,
    KafkaArgs,
    MysqlArgs,
    NodeSizeArgs,
    ObservabilityArgs,
    OidcArgs,
    RedisArgs,
    SecretsArgs,
    SpotArgs,
    VaultArgs,
    WandbArgs,
)
from stacks.config import PlatformConfig


def secret(value: SecretStr | None) -> pulumi.Output[str] | None:
    return pulumi.Output.secret(value.get_secret_value()) if value is not None else None


def wandb_args(cfg: PlatformConfig) -> WandbArgs:
    oidc = None
    if cfg.oidc is not None:
        o = cfg.oidc
        oidc = OidcArgs(client_id=o.client_id, issuer=o.issuer, auth_method=o.auth_method, secret=secret(o.secret))
    return WandbArgs(
        host=cfg.host,
        license=secret(cfg.license),
        instance_name=cfg.instance_name,
        namespace=cfg.namespace,
        size=cfg.size,
        operator_chart_version=cfg.operator.chart_version,
        operator_image_tag=cfg.operator.image_tag,
        wandb_chart_version=cfg.operator.wandb_chart_version,
        server_version=cfg.operator.wandb_version,
        console_version=cfg.operator.console_version,
        console_access=cfg.operator.console_access,
        oidc=oidc,
        values=cfg.values,
    )


def mysql_args(cfg: PlatformConfig) -> MysqlArgs:
    m = cfg.mysql
    return MysqlArgs(
        mode=m.mode,
        version=m.version,
        host=m.host,
        port=m.port,
        database=m.database,
        user=m.user,
        password=secret(m.password),
        backup_retention_days=m.backup_retention_days,
    )


def redis_args(cfg: PlatformConfig) -> RedisArgs:
    r = cfg.redis
    return RedisArgs(mode=r.mode, host=r.host, port=r.port, password=secret(r.password), tls=r.tls, ca_cert=r.ca_cert)


def bucket_args(cfg: PlatformConfig) -> BucketArgs:
    b = cfg.bucket
    return BucketArgs(
        mode=b.mode,
        provider=cfg.bucket_provider,
        name=b.name,
        region=b.region,
        path=b.path,
        kms_key=b.kms_key,
        endpoint=b.endpoint,
        tls=b.tls,
        access_key=secret(b.access_key),
        secret_key=secret(b.secret_key),
        noncurrent_version_days=b.noncurrent_version_days,
        storage_gb=b.storage_gb,
    )


def ingress_args(cfg: PlatformConfig) -> IngressArgs:
    i = cfg.ingress
    return IngressArgs(create=i.create, tls=i.tls, static_ip_name=i.static_ip_name, annotations=dict(i.annotations))


def clickhouse_args(cfg: PlatformConfig) -> ClickHouseArgs:
    c = cfg.clickhouse
    return ClickHouseArgs(
        mode=c.mode,
        version=c.version,
        replicas=c.replicas,
        backup_schedule=c.backup_schedule,
        backup_increment_schedule=c.backup_increment_schedule,
        backup_retention_days=c.backup_retention_days,
        storage_gb=c.storage_gb,
        storage_class=c.storage_class,
        host=c.host,
        port=c.port,
        tls=c.tls,
        database=c.database,
        user=c.user,
        password=secret(c.password),
        ca_cert=c.ca_cert,
        replicated=c.replicated,
        cluster=c.cluster,
        organization_id=c.organization_id,
        api_key_id=c.api_key_id,
        api_key_secret=secret(c.api_key_secret),
        min_memory_gb=c.min_memory_gb,
        max_memory_gb=c.max_memory_gb,
    )


def kafka_args(cfg: PlatformConfig) -> KafkaArgs:
    k = cfg.kafka
    return KafkaArgs(
        mode=k.mode,
        host=k.host,
        port=k.port,
        partitions=k.partitions,
        brokers=k.brokers,
        storage_gb=k.storage_gb,
        storage_class=k.storage_class,
    )


def secrets_args(cfg: PlatformConfig, names: StackNames) -> SecretsArgs:
    """The backend; a Vault's mounts are named after the stack's physical prefix unless given, so that stacks
    sharing a Vault keep apart."""
    v = cfg.vault
    if cfg.secrets.backend != "vault" or v is None:
        return SecretsArgs(backend=cfg.secrets.backend)

    def shared(mount: str) -> str:
        """A Vault other platforms may share takes the stack's names; an in-cluster one, the component's."""
        return mount if v.mode == "external" else ""

    return SecretsArgs(
        backend="vault",
        vault=VaultArgs(
            mode=v.mode,
            address=v.deployer_address if v.mode == "in-cluster" else v.address,
            replicas=v.replicas,
            storage_gb=v.storage_gb,
            chart_version=v.chart_version,
            snapshot_retention_days=v.snapshot_retention_days,
            namespace=v.namespace,
            ca_cert=v.ca_cert,
            kv_mount=v.kv_mount or shared(names.physical),
            auth_mount=v.auth_mount or shared(f"kubernetes-{names.physical}"),
            kubernetes_host=v.kubernetes_host,
            kubernetes_ca_cert=v.kubernetes_ca_cert,
            login_mount=v.login_mount,
            login_role=v.login_role,
            rotation_period_hours=v.rotation_period_hours,
            secrets_operator_chart_version=v.secrets_operator_chart_version,
        ),
    )


def common_args(cfg: PlatformConfig, names: StackNames) -> dict:
    """The arguments every platform component takes, by their names there."""
    return dict(
        secrets=secrets_args(cfg, names),
        wandb=wandb_args(cfg),
        mysql=mysql_args(cfg),
        redis=redis_args(cfg),
        bucket=bucket_args(cfg),
        ingress=ingress_args(cfg),
        clickhouse=clickhouse_args(cfg),
        kafka=kafka_args(cfg),
        observability=observability_args(cfg),
        images=images_args(cfg),
    )


def images_args(cfg: PlatformConfig) -> ImagesArgs:
    i = cfg.images
    return ImagesArgs(registry=i.registry, pull_secret=secret(i.pull_secret), chart_repository=i.chart_repository)


def observability_args(cfg: PlatformConfig) -> ObservabilityArgs:
    o = cfg.observability
    return ObservabilityArgs(
        mode=o.mode,
        retention_days=o.retention_days,
        storage_gb=o.storage_gb,
        receiver=o.alert_receiver,
        receiver_secret=secret(o.alert_secret),
        slack_channel=o.slack_channel,
        chart_version=o.chart_version,
        traces_endpoint=o.traces_endpoint,
        traces_protocol=o.traces_protocol,
        trace_ratio=o.trace_ratio,
    )


def cloud_args(cfg: PlatformConfig, names: StackNames) -> dict:
    """What every cloud platform takes besides `common_args`: the stack role, sizes, spot pool, protection and
    availability, and the prefix of its cloud names (its labels or tags each names itself)."""
    return dict(
        **common_args(cfg, names),
        stack_role=cfg.stack_role,
        sizes=size_args(cfg),
        spot=spot_args(cfg),
        dr=dr_args(cfg),
        protect=cfg.protect,
        high_availability=cfg.ha,
        name_prefix=names.physical,
    )


def dr_args(cfg: PlatformConfig) -> DrArgs:
    d = cfg.dr
    return DrArgs(
        secondary_region=d.secondary_region,
        bucket=d.bucket,
        mysql=d.mysql,
        retention_days=d.retention_days,
        vpc_cidr=str(d.vpc_cidr),
    )


def spot_args(cfg: PlatformConfig) -> SpotArgs:
    return SpotArgs(max_nodes=cfg.spot.max_nodes, node_type=cfg.spot.node_type)


def size_args(cfg: PlatformConfig) -> NodeSizeArgs:
    return NodeSizeArgs(**cfg.size_overrides.given())
