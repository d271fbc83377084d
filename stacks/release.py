"""Where a target's endpoints meet the W&B release: the one place config becomes W&B values input."""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi

from components.contracts import (
    BucketInfo,
    ClusterInfo,
    IngressSettings,
    MysqlEndpoint,
    RedisEndpoint,
    WorkloadIdentity,
)
from components.k8s.wandb_release import WandbRelease, WandbReleaseArgs
from components.k8s.wandb_values import OidcSettings, ValuesInput
from stacks.config import MysqlConfig, PlatformConfig, RedisConfig


@dataclass
class ReleaseInputs:
    """What a target provides; datastores left None fall back to the stack's external or in-cluster mode."""

    cluster: ClusterInfo
    cloud_provider: str
    bucket: BucketInfo | None
    mysql: MysqlEndpoint | None = None
    redis: RedisEndpoint | None = None
    identity: WorkloadIdentity = field(default_factory=WorkloadIdentity)
    ingress: IngressSettings = field(default_factory=lambda: IngressSettings(ingress_class=""))
    wait_for: list[pulumi.Resource] = field(default_factory=list)  # running before W&B: controllers, stores


def _secret(value) -> pulumi.Output[str]:
    return pulumi.Output.secret(value.get_secret_value())


def external_mysql(mysql: MysqlConfig) -> MysqlEndpoint | None:
    if mysql.mode != "external":
        return None
    assert mysql.password is not None  # config validation requires it
    return MysqlEndpoint(
        host=mysql.host,
        port=mysql.port,
        database=mysql.database,
        user=mysql.user,
        password=_secret(mysql.password),
    )


def external_redis(redis: RedisConfig) -> RedisEndpoint | None:
    if redis.mode != "external":
        return None
    return RedisEndpoint(
        host=redis.host,
        port=redis.port,
        password=_secret(redis.password) if redis.password else None,
        tls=redis.tls,
        ca_cert=pulumi.Output.secret(redis.ca_cert) if redis.ca_cert else None,
    )


def external_bucket(cfg: PlatformConfig) -> BucketInfo:
    """Your bucket. With static keys and no endpoint, S3 is reached at AWS's regional endpoint."""
    b = cfg.bucket
    endpoint = b.endpoint
    if b.has_keys and not endpoint and cfg.bucket_provider == "s3":
        endpoint = f"s3.{b.region}.amazonaws.com"
    return BucketInfo(
        cfg.bucket_provider,
        b.name,
        b.region,
        b.kms_key,
        b.path,
        endpoint=endpoint,
        tls=b.tls,
        access_key=_secret(b.access_key) if b.access_key else None,
        secret_key=_secret(b.secret_key) if b.secret_key else None,
    )


def wandb_release(cfg: PlatformConfig, prefix: str, inputs: ReleaseInputs) -> WandbRelease:
    oidc = None
    if cfg.oidc is not None:
        oidc = OidcSettings(cfg.oidc.client_id, cfg.oidc.issuer, cfg.oidc.auth_method, cfg.oidc.secret is not None)
    values = ValuesInput(
        host=cfg.host,
        instance_name=cfg.instance_name,
        namespace=cfg.namespace,
        size=cfg.size,
        cloud_provider=inputs.cloud_provider,
        mysql=inputs.mysql or external_mysql(cfg.mysql),
        redis=inputs.redis or external_redis(cfg.redis),
        bucket=inputs.bucket,
        identity=inputs.identity,
        ingress=inputs.ingress,
        oidc=oidc,
        cluster_oidc_issuer=inputs.cluster.oidc_issuer,
        extra_values=cfg.values,
        mysql_version=cfg.mysql.version,
    )
    return WandbRelease(
        f"{prefix}-wandb",
        WandbReleaseArgs(
            values=values,
            license=_secret(cfg.license),
            oidc_secret=_secret(cfg.oidc.secret) if cfg.oidc and cfg.oidc.secret else None,
            operator_chart_version=cfg.operator.chart_version,
            operator_image_tag=cfg.operator.image_tag,
            wandb_chart_version=cfg.operator.wandb_chart_version,
            wait_for=inputs.wait_for,
        ),
        opts=pulumi.ResourceOptions(providers=[inputs.cluster.k8s_provider]),
    )


def install_wandb(cfg: PlatformConfig, prefix: str, inputs: ReleaseInputs) -> dict[str, pulumi.Input]:
    """The W&B release on a target's cluster, and the stack outputs every target exports."""
    release = wandb_release(cfg, prefix, inputs)
    outputs: dict[str, pulumi.Input] = {
        "url": cfg.host,
        "namespace": release.namespace,
        "clusterName": inputs.cluster.name,
    }
    if inputs.cluster.kubeconfig is not None:
        outputs["kubeconfig"] = inputs.cluster.kubeconfig
    if inputs.bucket is not None:
        outputs["bucket"] = inputs.bucket.name
    return outputs
