"""W&B on a Kubernetes cluster you already run, as one component: nothing outside the cluster. Datastores run
in the cluster or are yours (`external`); the object store is SeaweedFS in the cluster or your bucket. No
`from __future__ import annotations` here: Pulumi infers the component's schema from these annotations.
"""

import os
from dataclasses import dataclass, field

import pulumi
import pulumi_kubernetes as k8s

from ..contracts import BucketInfo, ClusterInfo, IngressSettings, WorkloadIdentity
from ..k8s.object_store import InClusterObjectStore, InClusterObjectStoreArgs
from ..k8s.volume_snapshots import VolumeSnapshots, VolumeSnapshotsArgs
from .args import (
    Args,
    BucketArgs,
    ClickHouseArgs,
    ImagesArgs,
    IngressArgs,
    KafkaArgs,
    MysqlArgs,
    ObservabilityArgs,
    RedisArgs,
    SecretsArgs,
    WandbArgs,
)
from .registry import platform_registry
from .release import TargetEndpoints, WandbPlatform, external_bucket, host_name, install_wandb
from .validation import common_problems, kafka_problems, raise_problems

TOKEN = "wandb-platform:index:ExistingClusterWandb"
BUCKET_PROVIDERS = ("s3", "gcs", "az")


@dataclass(kw_only=True, frozen=True)
class ExistingClusterWandbArgs(Args):
    """Everything W&B on your cluster takes; by default every datastore runs in the cluster."""

    wandb: WandbArgs
    """W&B itself."""
    mysql: MysqlArgs | None = field(default_factory=lambda: MysqlArgs(mode="in-cluster"))
    """`in-cluster` (the chart's MySQL) or `external`."""
    redis: RedisArgs | None = field(default_factory=lambda: RedisArgs(mode="in-cluster"))
    """`in-cluster` (the chart's Redis) or `external`."""
    bucket: BucketArgs | None = field(default_factory=lambda: BucketArgs(mode="in-cluster", provider="s3"))
    """`in-cluster` (SeaweedFS) or `external` (with its `provider`)."""
    ingress: IngressArgs | None = field(default_factory=IngressArgs)
    """An Ingress of `ingress_class` with the TLS Secret `tls_secret_name`, or none (`create: false`)."""
    clickhouse: ClickHouseArgs | None = field(default_factory=ClickHouseArgs)
    """Weave\'s ClickHouse: none, in the cluster, or yours."""
    kafka: KafkaArgs | None = field(default_factory=KafkaArgs)
    """W&B\'s event stream: yours, or none."""
    secrets: SecretsArgs | None = field(default_factory=SecretsArgs)
    """Where W&B\'s credentials live: Kubernetes Secrets, or a Vault they are synced from."""
    observability: ObservabilityArgs | None = field(default_factory=ObservabilityArgs)
    """Metrics, alerts and dashboards: none, or in the cluster."""
    images: ImagesArgs | None = field(default_factory=ImagesArgs)
    """Every image and chart from their own registries, or from a mirror."""
    kubeconfig: str | None = ""
    """A kubeconfig file; empty uses $KUBECONFIG, else ~/.kube/config."""
    context: str | None = ""
    """The kubeconfig's context; empty uses its current context."""
    ingress_class: str | None = ""
    """The IngressClass of W&B's Ingress; empty uses the cluster's default."""
    tls_secret_name: str | None = ""
    """A `kubernetes.io/tls` Secret for the host in W&B's namespace; required while `ingress.tls` is on."""
    oidc_issuer: str | None = ""
    """The cluster's service-account token issuer, for W&B's internal JWTs; empty sets none."""
    storage_class: str | None = ""
    """The in-cluster store's StorageClass; empty uses the cluster's default."""
    object_store_chart_version: str | None = "4.44.0"
    """Chart `seaweedfs` from https://seaweedfs.github.io/seaweedfs/helm."""
    service_account_annotations: dict[str, str] | None = field(default_factory=dict)
    """Annotations on every W&B service account, for the cluster's workload identity (e.g.
    `iam.gke.io/gcp-service-account`, `eks.amazonaws.com/role-arn`) when the bucket is reached without keys."""
    cloud_provider: str | None = ""
    """`gcp`, `aws` or `azure` when the cluster runs there (W&B's cloud-specific chart settings); empty for none."""
    snapshot_class: str | None = ""
    """A VolumeSnapshotClass of the cluster's CSI driver: the in-cluster stores' volumes are snapshotted with it on
    `snapshot_schedule`; empty takes none."""
    snapshot_schedule: str | None = "*/30 * * * *"
    """When (cron, UTC) every volume of the in-cluster stores is snapshotted."""
    snapshots_kept: int | None = 48
    """Snapshots kept of each volume (48 every half hour: a day)."""


def existing_problems(args: ExistingClusterWandbArgs) -> list[tuple[str, str | None]]:
    """Every problem with the arguments, by argument path; None where that argument is fine."""
    problems = [*common_problems(args, cloud_here=False), *kafka_problems(args.kafka, managed_here=False)]
    for key, mode in (("mysql", args.mysql.mode), ("redis", args.redis.mode), ("bucket", args.bucket.mode)):
        if mode == "managed":
            problems.append((f"{key}.mode", "'managed' needs a cloud; here: 'in-cluster' or 'external'"))
    if args.cloud_provider not in ("", "gcp", "aws", "azure"):
        problems.append(("cloud_provider", "must be gcp, aws, azure or empty"))
    if args.bucket.mode == "external" and args.bucket.provider not in BUCKET_PROVIDERS:
        problems.append(("bucket.provider", f"an external bucket needs one of {', '.join(BUCKET_PROVIDERS)}"))
    if (
        args.snapshot_class
        and "in-cluster" not in (args.mysql.mode, args.redis.mode, args.bucket.mode)
        and (args.clickhouse.mode != "in-cluster")
    ):
        problems.append(("snapshot_class", "snapshots the in-cluster stores' volumes, and none runs in the cluster"))
    if len(args.snapshot_schedule.split()) != 5:
        problems.append(("snapshot_schedule", "must be a cron schedule of five fields"))
    if args.snapshots_kept < 1:
        problems.append(("snapshots_kept", "must be at least 1"))
    if args.ingress.create and args.ingress.tls and not args.tls_secret_name:
        problems.append(("tls_secret_name", "required while ingress.tls is on (or set ingress.tls false)"))
    return problems


class ExistingClusterWandb(WandbPlatform):
    """The W&B release on a Kubernetes cluster you already run: Secrets, the W&B operator and its
    `WeightsAndBiases` resource, with MySQL, Redis and an S3-compatible store in the cluster or your own endpoints
    (and your cluster's workload identity through service account annotations), and nothing created outside the
    cluster. Give the cluster as a Kubernetes provider in the resource options, or name a kubeconfig and context."""

    def __init__(self, name: str, args: ExistingClusterWandbArgs, opts: pulumi.ResourceOptions | None = None):
        args = ExistingClusterWandbArgs.of(args)
        raise_problems("ExistingClusterWandb", existing_problems(args))
        super().__init__(TOKEN, name, None, opts)
        provider = self._cluster_provider(name, args)
        cluster = ClusterInfo(
            name=args.context or "current-context", kubeconfig=None, k8s_provider=provider, oidc_issuer=args.oidc_issuer
        )
        bucket: BucketInfo
        wait_for: list[pulumi.Resource] = []
        if args.bucket.mode == "in-cluster":
            store = InClusterObjectStore(
                f"{name}-objects",
                InClusterObjectStoreArgs(
                    namespace=f"{args.wandb.namespace}-objects",
                    size_gb=args.bucket.storage_gb,
                    storage_class=args.storage_class,
                    chart_version=args.object_store_chart_version,
                    registry=platform_registry(args),
                ),
                pulumi.ResourceOptions(parent=self, providers=[provider]),
            )
            bucket, wait_for = store.info, [store.release]
        else:
            bucket = external_bucket(args.bucket, args.bucket.provider)
        tls = [{"hosts": [host_name(args.wandb.host)], "secretName": args.tls_secret_name}] if args.ingress.tls else []
        ingress = IngressSettings(
            ingress_class=args.ingress_class,
            annotations=dict(args.ingress.annotations),
            tls=tls,
            create=args.ingress.create,
        )
        release = install_wandb(
            name,
            args,
            TargetEndpoints(
                cluster=cluster,
                cloud_provider=args.cloud_provider,
                bucket=bucket,
                identity=WorkloadIdentity(dict(args.service_account_annotations)),
                ingress=ingress,
                wait_for=wait_for,
            ),
            self,
        )
        if args.snapshot_class:
            self._snapshots(name, args, provider, release)
        self._wandb_outputs(args.wandb.host, release, cluster, bucket)
        self.register_outputs(self.stack_outputs())

    def _snapshots(self, name: str, args: ExistingClusterWandbArgs, provider, release: pulumi.Resource) -> None:
        """Snapshots of every volume of the stores that run in the cluster: W&B's namespace (the chart's MySQL
        and Redis), SeaweedFS's, a single ClickHouse's."""
        ns = args.wandb.namespace
        stores = {
            ns: "in-cluster" in (args.mysql.mode, args.redis.mode),
            f"{ns}-objects": args.bucket.mode == "in-cluster",
            f"{ns}-clickhouse": args.clickhouse.mode == "in-cluster",
        }
        VolumeSnapshots(
            f"{name}-snapshots",
            VolumeSnapshotsArgs(
                namespace=f"{ns}-snapshots",
                namespaces=[n for n, runs_a_store in stores.items() if runs_a_store],
                snapshot_class=args.snapshot_class,
                schedule=args.snapshot_schedule,
                keep=args.snapshots_kept,
                registry=platform_registry(args),
            ),
            pulumi.ResourceOptions(parent=self, providers=[provider], depends_on=[release]),
        )

    def _cluster_provider(self, name: str, args: ExistingClusterWandbArgs) -> pulumi.ProviderResource:
        """The Kubernetes provider given through `opts` (how another program hands over its cluster), unless a
        kubeconfig or context is named; else one for the kubeconfig and context as they are."""
        given = self.get_provider("kubernetes:core/v1:Namespace")
        if given is not None and not (args.kubeconfig or args.context):
            return given
        return k8s.Provider(
            f"{name}-k8s",
            kubeconfig=os.path.expanduser(args.kubeconfig) if args.kubeconfig else None,  # None: $KUBECONFIG
            context=args.context or None,
            opts=pulumi.ResourceOptions(parent=self),
        )
