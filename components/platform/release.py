"""Where a target's endpoints meet W&B: the one place W&B's arguments and the endpoints a target made become
the W&B release, on any target. No `from __future__ import annotations`: `WandbPlatform` outputs feed
Pulumi's schema inference."""

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import pulumi

from ..contracts import (
    BackupStore,
    BucketInfo,
    ClickHouseEndpoint,
    ClusterInfo,
    IngressSettings,
    KafkaEndpoint,
    MysqlEndpoint,
    NetworkIsolation,
    Peer,
    RedisEndpoint,
    RemotePrometheus,
    SpotNodes,
    WorkloadIdentity,
)
from ..k8s.clickhouse import InClusterClickHouse, InClusterClickHouseArgs
from ..k8s.clickhouse_replicated import ReplicatedClickHouse, ReplicatedClickHouseArgs
from ..k8s.cloud_metrics import CloudMetrics
from ..k8s.credentials import KubernetesSecrets
from ..k8s.images import Registry
from ..k8s.kafka import InClusterKafka, InClusterKafkaArgs
from ..k8s.network_isolation import isolate_namespace
from ..k8s.observability import METRICS_PORT
from ..k8s.vault_cluster import VaultCluster
from ..k8s.wandb_release import WandbRelease, WandbReleaseArgs
from ..k8s.wandb_values import OidcSettings, ValuesInput, run_updates_topic, weave_topics
from .args import BucketArgs, ClickHouseArgs, KafkaArgs, MysqlArgs, RedisArgs, WandbArgs
from .monitoring import observability, scraper_namespace, trace_export
from .registry import platform_registry
from .sizes import CLICKHOUSE_SIZES, KAFKA_BROKERS
from .vault import secrets_backend


@dataclass
class TargetEndpoints:
    """What a target provides; datastores left None fall back to the arguments' external or in-cluster mode."""

    cluster: ClusterInfo
    cloud_provider: str  # gcp | aws | azure | "" (no cloud-specific chart behaviour)
    bucket: BucketInfo | None
    mysql: MysqlEndpoint | None = None
    redis: RedisEndpoint | None = None
    clickhouse: ClickHouseEndpoint | None = None
    kafka: KafkaEndpoint | None = None
    identity: WorkloadIdentity = field(default_factory=WorkloadIdentity)
    ingress: IngressSettings = field(default_factory=lambda: IngressSettings(ingress_class=""))
    wait_for: list[pulumi.Resource] = field(default_factory=list)  # running before W&B: controllers, stores
    isolation: NetworkIsolation | None = None  # W&B's namespace closed but for these (None: left open)
    spot: SpotNodes | None = None  # the cluster's spot nodes (None: none)
    cloud_metrics: CloudMetrics | None = None  # the cloud's exporter for in-cluster monitoring (None: none)
    remote_prometheus: RemotePrometheus | None = None  # `cloud` on a target whose managed Prometheus takes writes
    clickhouse_backups: BackupStore | None = None  # where a replicated ClickHouse backs up (None: no backups)


def host_name(host: str) -> str:
    return urlsplit(host).hostname or ""


def _secret(value: pulumi.Input[str]) -> pulumi.Output[str]:
    return pulumi.Output.secret(value)


def external_mysql(mysql: MysqlArgs) -> MysqlEndpoint | None:
    if mysql.mode != "external":
        return None
    return MysqlEndpoint(
        host=mysql.host,
        port=mysql.port,
        database=mysql.database,
        user=mysql.user,
        password=_secret(mysql.password),
    )


def external_redis(redis: RedisArgs) -> RedisEndpoint | None:
    if redis.mode != "external":
        return None
    return RedisEndpoint(
        host=redis.host,
        port=redis.port,
        password=_secret(redis.password) if redis.password else None,
        tls=redis.tls,
        ca_cert=pulumi.Output.secret(redis.ca_cert) if redis.ca_cert else None,
    )


def kafka_endpoint(
    name: str,
    wandb: WandbArgs,
    kafka: KafkaArgs,
    clickhouse: ClickHouseArgs,
    target: TargetEndpoints,
    parent: pulumi.Resource,
    metrics_namespace: str = "",
    registry: Registry | None = None,
) -> tuple[KafkaEndpoint | None, list[pulumi.Resource]]:
    """W&B's Kafka for the arguments (a managed one comes from the target), and what W&B must wait for; an
    in-cluster one exports its metrics to `metrics_namespace` when given."""
    cluster = target.cluster
    if target.kafka is not None:
        return target.kafka, []
    if kafka.mode == "external":
        return KafkaEndpoint(broker_host=kafka.host, partitions=kafka.partitions), []
    if kafka.mode != "in-cluster":
        return None, []
    brokers = InClusterKafka(
        f"{name}-kafka",
        InClusterKafkaArgs(
            namespace=f"{wandb.namespace}-kafka",
            clients_namespace=wandb.namespace,
            topic=run_updates_topic(wandb.instance_name),
            brokers=kafka.brokers or KAFKA_BROKERS[wandb.size],
            partitions=kafka.partitions,
            weave_topics=weave_topics(clickhouse.mode != "none"),
            storage_gb=kafka.storage_gb,
            storage_class=kafka.storage_class or cluster.storage_class,
            metrics_namespace=metrics_namespace,
            registry=registry or Registry(),
        ),
        pulumi.ResourceOptions(parent=parent, providers=[cluster.k8s_provider]),
    )
    return brokers.endpoint, list(brokers.ready)


def external_bucket(bucket: BucketArgs, provider: str) -> BucketInfo:
    """Your bucket. With static keys and no endpoint, S3 is reached at AWS's regional endpoint."""
    endpoint = bucket.endpoint
    if bucket.access_key is not None and not endpoint and provider == "s3":
        endpoint = f"s3.{bucket.region}.amazonaws.com"
    return BucketInfo(
        provider,
        bucket.name,
        bucket.region,
        bucket.kms_key,
        bucket.path,
        endpoint=endpoint,
        tls=bucket.tls,
        access_key=_secret(bucket.access_key) if bucket.access_key else None,
        secret_key=_secret(bucket.secret_key) if bucket.secret_key else None,
    )


class WandbPlatform(pulumi.ComponentResource):
    """What every whole-platform component exposes; each target adds its own outputs."""

    url: pulumi.Output[str]
    """W&B's URL."""
    namespace: pulumi.Output[str]
    """The namespace of W&B's Secrets and resource."""
    cluster_name: pulumi.Output[str]
    """The cluster W&B runs on."""
    bucket: pulumi.Output[str]
    """The bucket W&B keeps its objects in."""

    def _wandb_outputs(self, host: str, release: WandbRelease, cluster: ClusterInfo, bucket: BucketInfo) -> None:
        self.url = pulumi.Output.from_input(host)
        self.namespace = release.namespace
        self.cluster_name = pulumi.Output.from_input(cluster.name)
        self.bucket = pulumi.Output.from_input(bucket.name)
        self._handoff: dict[str, pulumi.Input] = {}

    def _handoff_outputs(self, release: WandbRelease, vault: VaultCluster | None) -> None:
        """With stack role `platform`: what the `wandb` stack reads through its StackReference."""
        if release.handoff is None:
            return
        self._handoff = {"wandbValues": release.handoff.values, "wandbCredentials": release.handoff.credentials}
        if release.handoff.rotation is not None:
            self._handoff["wandbRotation"] = release.handoff.rotation
            self._handoff["wandbRotationPassword"] = pulumi.Output.secret(release.handoff.rotation_password)
        if vault is not None:
            self._handoff.update({"vaultAddress": vault.address, "vaultCaCert": vault.ca_cert})

    def stack_outputs(self) -> dict[str, pulumi.Input]:
        """The outputs a stack of this platform exports, by their stack output names."""
        return {
            "url": self.url,
            "namespace": self.namespace,
            "clusterName": self.cluster_name,
            "bucket": self.bucket,
            **self._handoff,
        }


def clickhouse_endpoint(
    name: str,
    wandb: WandbArgs,
    clickhouse: ClickHouseArgs,
    target: TargetEndpoints,
    parent: pulumi.Resource,
    metrics_namespace: str = "",
    registry: Registry | None = None,
) -> tuple[ClickHouseEndpoint | None, list[pulumi.Resource]]:
    """Weave's ClickHouse for the arguments, and what W&B must wait for: ClickHouse Cloud (from the target),
    servers in the cluster (on the cluster's encrypted class unless told otherwise; a replicated one exports
    its metrics to `metrics_namespace` when given), yours, or none."""
    cluster, registry = target.cluster, registry or Registry()
    if target.clickhouse is not None:
        return target.clickhouse, []
    if clickhouse.mode == "external":
        endpoint = ClickHouseEndpoint(
            host=clickhouse.host,
            port=clickhouse.port,
            database=clickhouse.database,
            user=clickhouse.user,
            password=_secret(clickhouse.password),
            replicated=clickhouse.replicated,
            cluster=clickhouse.cluster,
            ca_cert=clickhouse.ca_cert or None,
        )
        return endpoint, []
    if clickhouse.mode == "replicated":
        size = CLICKHOUSE_SIZES[wandb.size]
        replicated = ReplicatedClickHouse(
            f"{name}-clickhouse",
            ReplicatedClickHouseArgs(
                namespace=f"{wandb.namespace}-clickhouse",
                clients_namespace=wandb.namespace,
                replicas=clickhouse.replicas or size.replicas,
                version=clickhouse.version,
                cpu=size.cpu,
                memory=size.memory,
                storage_gb=clickhouse.storage_gb,
                storage_class=clickhouse.storage_class or cluster.storage_class,
                metrics_namespace=metrics_namespace,
                backup=target.clickhouse_backups,
                backup_schedule=clickhouse.backup_schedule,
                backup_increment_schedule=clickhouse.backup_increment_schedule,
                backup_retention_days=clickhouse.backup_retention_days,
                registry=registry,
            ),
            pulumi.ResourceOptions(parent=parent, providers=[cluster.k8s_provider]),
        )
        return replicated.endpoint, list(replicated.ready)
    if clickhouse.mode != "in-cluster":
        return None, []
    server = InClusterClickHouse(
        f"{name}-clickhouse",
        InClusterClickHouseArgs(
            namespace=f"{wandb.namespace}-clickhouse",
            clients_namespace=wandb.namespace,
            version=clickhouse.version,
            storage_gb=clickhouse.storage_gb,
            storage_class=clickhouse.storage_class or cluster.storage_class,
            registry=registry,
        ),
        pulumi.ResourceOptions(parent=parent, providers=[cluster.k8s_provider]),
    )
    return server.endpoint, [server.server]


ANYWHERE = ("0.0.0.0/0",)


def isolation_with_datastores(
    target: TargetEndpoints, platform: Any, weave: ClickHouseEndpoint | None, stream: KafkaEndpoint | None
) -> NetworkIsolation:
    """The target's isolation plus the datastores the release itself knows: ClickHouse and Kafka in their own
    namespaces, and endpoints of yours (whose addresses only DNS knows: their port, anywhere)."""
    namespace = platform.wandb.namespace
    peers: list[Peer] = []
    if weave is not None and platform.clickhouse.mode in ("in-cluster", "replicated"):
        peers.append(Peer(ports=(weave.port,), namespace=f"{namespace}-clickhouse"))
    if stream is not None and platform.kafka.mode == "in-cluster":
        peers.append(Peer(ports=(9092,), namespace=f"{namespace}-kafka"))
    external = {
        "mysql": (platform.mysql, 3306),
        "redis": (platform.redis, 6379),
        "clickhouse": (platform.clickhouse, 8443),
        "kafka": (platform.kafka, 9092),
    }
    peers += [
        Peer(ports=(args.port or port,), cidrs=ANYWHERE) for args, port in external.values() if args.mode == "external"
    ]
    traces = trace_export(platform.observability)
    if traces is not None:  # a collector in the cluster by its namespace, else its port anywhere
        collector, port = traces.in_cluster_namespace, (traces.port,)
        peers.append(Peer(ports=port, namespace=collector) if collector else Peer(ports=port, cidrs=ANYWHERE))
    scraper = scraper_namespace(platform, target)
    scrapers = (Peer(ports=(METRICS_PORT,), namespace=scraper),) if scraper else ()
    return NetworkIsolation((*target.isolation.ingress_from, *scrapers), (*target.isolation.egress_to, *peers))


def install_wandb(name: str, platform: Any, target: TargetEndpoints, parent: pulumi.Resource) -> WandbRelease:
    """The W&B release on the target's cluster, through the cluster's Kubernetes provider, for a platform's
    arguments (`wandb`, `mysql`, `redis`, `clickhouse`, `kafka`, `secrets`, and `stack_role` where the target
    splits); with stack role `platform`, everything but the credentials and the custom resource, which it hands
    to the `wandb` stack."""
    wandb, mysql, redis = platform.wandb, platform.mysql, platform.redis
    clickhouse, kafka, secrets = platform.clickhouse, platform.kafka, platform.secrets
    hand_off = getattr(platform, "stack_role", "all") == "platform"
    scraper, registry = scraper_namespace(platform, target), platform_registry(platform)
    weave, weave_ready = clickhouse_endpoint(name, wandb, clickhouse, target, parent, scraper, registry)
    stream, stream_ready = kafka_endpoint(name, wandb, kafka, clickhouse, target, parent, scraper, registry)
    oidc = None
    if wandb.oidc is not None:
        o = wandb.oidc
        oidc = OidcSettings(o.client_id, o.issuer, o.auth_method, o.secret is not None)
    values = ValuesInput(
        host=wandb.host,
        instance_name=wandb.instance_name,
        namespace=wandb.namespace,
        size=wandb.size,
        cloud_provider=target.cloud_provider,
        mysql=target.mysql or external_mysql(mysql),
        redis=target.redis or external_redis(redis),
        bucket=target.bucket,
        identity=target.identity,
        ingress=target.ingress,
        oidc=oidc,
        cluster_oidc_issuer=target.cluster.oidc_issuer,
        extra_values=wandb.values,
        mysql_version=mysql.version,
        clickhouse=weave,
        kafka=stream,
        spot=target.spot,
        traces=trace_export(platform.observability),
        console_access=wandb.console_access,
        chart_version=wandb.wandb_chart_version,
        server_version=wandb.server_version,
        console_version=wandb.console_version,
        registry=registry,
    )
    release = WandbRelease(
        f"{name}-wandb",
        WandbReleaseArgs(
            values=values,
            license=_secret(wandb.license),
            oidc_secret=_secret(wandb.oidc.secret) if wandb.oidc and wandb.oidc.secret else None,
            operator_chart_version=wandb.operator_chart_version,
            operator_image_tag=wandb.operator_image_tag,
            wait_for=[*target.wait_for, *weave_ready, *stream_ready],
            secrets=KubernetesSecrets()
            if hand_off
            else secrets_backend(name, wandb, secrets, target.cluster, parent, registry),
            hand_off=hand_off,
        ),
        opts=pulumi.ResourceOptions(parent=parent, providers=[target.cluster.k8s_provider]),
    )
    observability(name, platform, target, parent)
    if target.isolation is not None:
        isolate_namespace(
            f"{name}-wandb-network",
            release.namespace,
            isolation_with_datastores(target, platform, weave, stream),
            pulumi.ResourceOptions(parent=release),
        )
    return release
