"""What the Azure platform takes, and every problem with it before anything is created. No `from __future__
import annotations`: Pulumi infers the component's schema from these annotations."""

import re
from dataclasses import dataclass, field

from ..azure.layout import ZONES, subnet_layout
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
from .sizes import sized
from .validation import (
    azure_pair_problem,
    common_problems,
    dr_problems,
    internet_problem,
    kafka_problems,
    kubernetes_version_problem,
    overlap_problem,
)

MAX_BACKUP_DAYS = 35  # Flexible Server's most
MYSQL_SKU = r"Standard_(B|D|E)[0-9]+[a-z]*s_v[0-9]+"  # Burstable, General Purpose, Memory Optimized


@dataclass(kw_only=True, frozen=True)
class AzureWandbPlatformArgs(Args):
    """Everything the Azure platform takes; the defaults are production's."""

    location: str
    """The Azure region of everything the platform creates."""
    wandb: WandbArgs
    """W&B itself."""
    mysql: MysqlArgs | None = field(default_factory=MysqlArgs)
    """`managed` is Azure Database for MySQL Flexible Server."""
    redis: RedisArgs | None = field(default_factory=RedisArgs)
    """`managed` is Azure Managed Redis."""
    bucket: BucketArgs | None = field(default_factory=BucketArgs)
    """`managed` is a storage account with one blob container."""
    ingress: IngressArgs | None = field(default_factory=IngressArgs)
    """Application Gateway for Containers, HTTPS with a certificate from cert-manager or a Secret of yours."""
    clickhouse: ClickHouseArgs | None = field(default_factory=ClickHouseArgs)
    """Weave\'s ClickHouse: none, in the cluster (one server or replicated), or yours."""
    kafka: KafkaArgs | None = field(default_factory=KafkaArgs)
    """W&B\'s event stream: in the cluster (Strimzi), yours, or none."""
    secrets: SecretsArgs | None = field(default_factory=SecretsArgs)
    """Where W&B\'s credentials live: Kubernetes Secrets, or a Vault of yours they are synced from."""
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
    makes once Vault holds what it needs."""
    sizes: NodeSizeArgs | None = field(default_factory=NodeSizeArgs)
    """Overrides of the preset that `wandb.size` picks."""
    protect: bool | None = True
    """Deletion protection on the cluster, database, cache, storage and keys."""
    high_availability: bool | None = True
    """Zone-redundant MySQL with geo-redundant backups, and highly available Redis."""
    tags: dict[str, str] | None = field(default_factory=dict)
    """Tags on every resource that takes them."""
    name_prefix: str | None = ""
    """Prefix of names that must be unique in Azure (Key Vault, storage account, MySQL, Redis); empty uses the
    component's name."""
    resource_group_name: str | None = ""
    """A resource group of yours to create everything in; empty creates one."""
    zones: list[str] | None = field(default_factory=lambda: list(ZONES))
    """The availability zones the node pools span."""
    vnet_cidr: str | None = "10.30.0.0/16"
    """The virtual network's private range, /16 to /19."""
    pod_cidr: str | None = "10.244.0.0/16"
    """The pods' overlay range (outside the network)."""
    service_cidr: str | None = "10.40.0.0/16"
    """The services' range (outside the network); its tenth address serves DNS."""
    kubernetes_version: str | None = "1.35"
    """The AKS version, 1.34 or newer; patches are applied automatically."""
    api_authorized_ips: list[str] | None = field(default_factory=list)
    """CIDRs allowed to reach a public API server; empty keeps the API server private."""
    admin_group_ids: list[str] | None = field(default_factory=list)
    """Entra ID groups (object ids) made cluster admins."""
    log_retention_days: int | None = 90
    """Days the Log Analytics workspace keeps control-plane, audit and container logs (30 to 730)."""
    key_rotation_days: int | None = 90
    """Days between automatic rotations of every key."""
    storage_allowed_ips: list[str] | None = field(default_factory=list)
    """Public CIDRs of browsers and SDKs that fetch W&B's pre-signed URLs; empty keeps the account private."""
    tls_secret_name: str | None = ""
    """A `kubernetes.io/tls` Secret of yours for the host in W&B's namespace; or give `acme_email`."""
    acme_email: str | None = ""
    """Let's Encrypt's contact: cert-manager issues and renews the host's certificate (HTTP-01)."""
    alb_controller_chart_version: str | None = "1.13.0"
    """Chart `alb-controller` from oci://mcr.microsoft.com/application-lb/charts."""
    cert_manager_chart_version: str | None = "v1.21.1"
    """Chart `cert-manager` from https://charts.jetstack.io (with `acme_email`)."""


def azure_problems(args: AzureWandbPlatformArgs) -> list[tuple[str, str | None]]:
    """Every problem with the arguments, by argument path; None where that argument is fine."""
    size, size_problems = sized("azure", args.wandb.size, args.sizes.given())
    days = args.mysql.backup_retention_days
    problems = [
        *common_problems(args, cloud_here=False, api_server_known=True),
        *kafka_problems(args.kafka, managed_here=False),
        ("kubernetes_version", kubernetes_version_problem(args.kubernetes_version)),
        *[("sizes", p) for p in size_problems],
        ("network", _network_problem(args)),
        ("zones", _zones_problem(args.zones)),
        ("bucket.provider", None if args.bucket.provider in ("", "az") else "Azure reaches only its own store: az"),
        *dr_problems(args, args.location, built=True),
        (
            "dr.secondary_region",
            args.dr.secondary_region and azure_pair_problem(args.location, args.dr.secondary_region),
        ),
        ("mysql.backup_retention_days", f"at most {MAX_BACKUP_DAYS}" if days and days > MAX_BACKUP_DAYS else None),
        ("tls_secret_name", _certificate_problem(args)),
        ("api_authorized_ips", internet_problem(args.api_authorized_ips, "the API server")),
        ("log_retention_days", None if 30 <= args.log_retention_days <= 730 else "from 30 to 730"),
        ("storage_allowed_ips", internet_problem(args.storage_allowed_ips, "the storage account")),
    ]
    replica = bool(args.dr.secondary_region and args.dr.mysql and args.mysql.mode == "managed")
    if replica:  # the standby network is peered with the platform's
        problems.append(
            ("dr.vpc_cidr", overlap_problem({"vnet_cidr": args.vnet_cidr, "dr.vpc_cidr": args.dr.vpc_cidr}))
        )
    if size is not None:
        problems.append(("sizes.mysql_tier", _mysql_sku_problem(size.mysql_tier, args.high_availability)))
        if replica and mysql_tier(size.mysql_tier) == "Burstable":
            problems.append(("dr.mysql", "a read replica needs a General Purpose or Memory Optimized SKU"))
    return problems


def _network_problem(args: AzureWandbPlatformArgs) -> str | None:
    try:
        subnet_layout(args.vnet_cidr)
    except ValueError as exc:
        return str(exc)
    ranges = {"vnet_cidr": args.vnet_cidr, "pod_cidr": args.pod_cidr, "service_cidr": args.service_cidr}
    return overlap_problem(ranges)


def _zones_problem(zones: list[str]) -> str | None:
    if not zones or len(set(zones)) != len(zones) or set(zones) - set(ZONES):
        return f"distinct zones among {', '.join(ZONES)}"
    return None


def _certificate_problem(args: AzureWandbPlatformArgs) -> str | None:
    if not args.ingress.tls:
        given = [k for k in ("tls_secret_name", "acme_email") if getattr(args, k)]
        return f"{', '.join(given)} only apply while ingress.tls is on" if given else None
    if bool(args.tls_secret_name) == bool(args.acme_email):
        return "with ingress.tls give exactly one certificate source: tls_secret_name, or acme_email for cert-manager"
    return None


def _mysql_sku_problem(sku: str, high_availability: bool) -> str | None:
    if not re.fullmatch(MYSQL_SKU, sku):
        return f"a Flexible Server SKU such as Standard_E4ds_v5 (got {sku!r})"
    if high_availability and mysql_tier(sku) == "Burstable":
        return "Burstable SKUs have no zone-redundant high availability: choose a D or E SKU, or turn HA off"
    return None


def mysql_tier(sku: str) -> str:
    """The Flexible Server compute tier a SKU belongs to."""
    return {"B": "Burstable", "D": "GeneralPurpose", "E": "MemoryOptimized"}[sku.removeprefix("Standard_")[0]]
