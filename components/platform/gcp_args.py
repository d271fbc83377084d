"""What the GCP platform takes, and every problem with it before anything is created. No `from __future__
import annotations`: Pulumi infers the component's schema from these annotations."""

from dataclasses import dataclass, field

from .args import (
    Args,
    BucketArgs,
    ClickHouseArgs,
    DrArgs,
    ImagesArgs,
    IngressArgs,
    KafkaArgs,
    MysqlArgs,
    NodeSizeArgs,
    ObservabilityArgs,
    RedisArgs,
    SecretsArgs,
    SpotArgs,
    WandbArgs,
)
from .clickhouse_cloud import memory_problems
from .sizes import sized
from .validation import (
    common_problems,
    dr_problems,
    kafka_problems,
    kubernetes_version_problem,
    overlap_problem,
)


@dataclass(kw_only=True, frozen=True)
class AuthorizedNetworkArgs(Args):
    """A network allowed to reach the GKE control plane."""

    cidr: str
    """An IPv4 CIDR; never 0.0.0.0/0."""
    name: str | None = ""
    """A label for it; empty uses the CIDR."""


@dataclass(kw_only=True, frozen=True)
class GcpWandbPlatformArgs(Args):
    """Everything the GCP platform takes; the defaults are production's."""

    project: str
    """The GCP project id."""
    wandb: WandbArgs
    """W&B itself."""
    region: str | None = "us-central1"
    """Where the cluster, datastores, bucket and keys live."""
    mysql: MysqlArgs | None = field(default_factory=MysqlArgs)
    """`managed` is Cloud SQL for MySQL."""
    redis: RedisArgs | None = field(default_factory=RedisArgs)
    """`managed` is Memorystore for Redis."""
    bucket: BucketArgs | None = field(default_factory=BucketArgs)
    """`managed` is a GCS bucket."""
    ingress: IngressArgs | None = field(default_factory=IngressArgs)
    """The GKE Ingress, with a Google-managed certificate when `tls`."""
    clickhouse: ClickHouseArgs | None = field(default_factory=ClickHouseArgs)
    """Weave\'s ClickHouse: none, in the cluster, ClickHouse Cloud over Private Service Connect, or yours."""
    kafka: KafkaArgs | None = field(default_factory=KafkaArgs)
    """W&B\'s event stream: in the cluster, yours, or none."""
    secrets: SecretsArgs | None = field(default_factory=SecretsArgs)
    """Where W&B\'s credentials live: Kubernetes Secrets, or a Vault they are synced from."""
    observability: ObservabilityArgs | None = field(default_factory=ObservabilityArgs)
    """Metrics, alerts and dashboards: none, or in the cluster."""
    spot: SpotArgs | None = field(default_factory=SpotArgs)
    """A spot node pool for W&B\'s queue workers; none by default."""
    dr: DrArgs | None = field(default_factory=DrArgs)
    """Copies of the bucket and MySQL in a second region; none by default."""
    images: ImagesArgs | None = field(default_factory=ImagesArgs)
    """Every image and chart from their own registries, or from a mirror."""
    stack_role: str | None = "all"
    """`all`, or `platform`: everything but W&B\'s credentials and resource, which a `wandb` stack (WandbOnPlatform)
    makes once Vault is initialised."""
    sizes: NodeSizeArgs | None = field(default_factory=NodeSizeArgs)
    """Overrides of the preset that `wandb.size` picks."""
    protect: bool | None = True
    """Deletion protection on the cluster, database, bucket and keys."""
    high_availability: bool | None = True
    """Regional Cloud SQL and Memorystore STANDARD_HA."""
    labels: dict[str, str] | None = field(default_factory=dict)
    """Labels on every resource that takes them."""
    name_prefix: str | None = ""
    """Prefix of names that must be unique in the project (service accounts); empty uses the component's name."""
    subnet_cidr: str | None = "10.10.0.0/20"
    """The nodes' range."""
    pods_cidr: str | None = "10.16.0.0/14"
    """The pods' secondary range."""
    services_cidr: str | None = "10.20.0.0/20"
    """The services' secondary range."""
    master_cidr: str | None = "172.16.0.32/28"
    """The control plane's /28."""
    private_services_prefix_length: int | None = 16
    """The range reserved for private service access (Cloud SQL, Memorystore)."""
    authorized_networks: list[AuthorizedNetworkArgs] | None = field(default_factory=list)
    """Networks allowed to reach the control plane; none by default."""
    private_endpoint: bool | None = False
    """A private control-plane endpoint only."""
    release_channel: str | None = "REGULAR"
    """`RAPID`, `REGULAR`, `STABLE` or `EXTENDED`."""
    kubernetes_version: str | None = "1.35"
    """The control plane's minimum version (1.34 or newer); the channel upgrades it from there."""
    rbac_security_group: str | None = ""
    """`gke-security-groups@<domain>` for Google Groups RBAC."""
    log_retention_days: int | None = 0
    """Days the project's `_Default` log bucket keeps logs (the cluster's included), 1 to 3650; 0 leaves it."""
    kms_rotation_days: int | None = 90
    """Rotation period of every key."""
    enable_apis: bool | None = True
    """Enable the APIs the platform uses (never disabled on destroy)."""


def gcp_problems(args: GcpWandbPlatformArgs) -> list[tuple[str, str | None]]:
    """Every problem with the arguments, by argument path; None where that argument is fine."""
    _, size_problems = sized("gcp", args.wandb.size, args.sizes.given())
    ranges = {
        "subnet_cidr": args.subnet_cidr,
        "pods_cidr": args.pods_cidr,
        "services_cidr": args.services_cidr,
        "master_cidr": args.master_cidr,
    }
    return [
        *common_problems(args, cloud_here=True, seal_here=True, managed_monitoring_here=True),
        *memory_problems(args.wandb, args.clickhouse),
        *kafka_problems(args.kafka, managed_here=False),
        ("kubernetes_version", kubernetes_version_problem(args.kubernetes_version)),
        *[("sizes", p) for p in size_problems],
        ("network", overlap_problem(ranges)),
        ("bucket.provider", None if args.bucket.provider in ("", "gcs") else "GCP reaches only a gcs bucket"),
        *dr_problems(args, args.region, built=True),
        (
            "log_retention_days",
            None if 0 <= args.log_retention_days <= 3650 else "must be 1 to 3650 days, or 0 to leave the bucket",
        ),
    ]
