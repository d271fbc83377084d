"""What the AWS platform takes, and every problem with it before anything is created. No `from __future__
import annotations`: Pulumi infers the component's schema from these annotations."""

from dataclasses import dataclass, field

from ..aws.policies import KeyUse
from ..naming import bounded_name
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
    internet_problem,
    kafka_problems,
    kubernetes_version_problem,
    overlap_problem,
)
from .versions import AURORA_VERSIONS, CLUSTER_AUTOSCALER_IMAGES

MAX_BACKUP_DAYS = 35  # Aurora's most
AUTOSCALING_ROLE = "aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling"
IAM_ROLE_NAME_MAX = 64
VAULT_SEAL_KEY = "vault-seal"


@dataclass(kw_only=True, frozen=True)
class AwsWandbPlatformArgs(Args):
    """Everything the AWS platform takes; the defaults are production's."""

    region: str
    """The AWS region of everything the platform creates."""
    wandb: WandbArgs
    """W&B itself."""
    mysql: MysqlArgs | None = field(default_factory=MysqlArgs)
    """`managed` is Aurora MySQL."""
    redis: RedisArgs | None = field(default_factory=RedisArgs)
    """`managed` is ElastiCache for Redis."""
    bucket: BucketArgs | None = field(default_factory=BucketArgs)
    """`managed` is an S3 bucket."""
    ingress: IngressArgs | None = field(default_factory=IngressArgs)
    """An ALB through the AWS Load Balancer Controller, HTTPS with an ACM certificate when `tls`."""
    clickhouse: ClickHouseArgs | None = field(default_factory=ClickHouseArgs)
    """Weave\'s ClickHouse: none, in the cluster, ClickHouse Cloud over PrivateLink, or yours."""
    kafka: KafkaArgs | None = field(default_factory=KafkaArgs)
    """W&B\'s event stream: Amazon MSK (`managed`), yours, or none."""
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
    """Deletion protection on the cluster, database, cache, bucket and keys."""
    high_availability: bool | None = True
    """Three zones, a NAT gateway per zone, an Aurora reader and an ElastiCache replica."""
    tags: dict[str, str] | None = field(default_factory=dict)
    """Tags on every resource that takes them."""
    name_prefix: str | None = ""
    """Prefix of names that must be unique in the account (EKS, ALB, KMS aliases, snapshots); empty uses the
    component's name."""
    availability_zones: list[str] | None = field(default_factory=list)
    """Zone names; empty takes the region's first `az_count` zones."""
    az_count: int | None = 0
    """Zones to span; 0 means three with high availability, else two."""
    vpc_cidr: str | None = "10.0.0.0/16"
    """A private range from /16 to /19."""
    vpc_id: str | None = ""
    """A VPC of yours (with the subnet ids below); empty creates one."""
    public_subnet_ids: list[str] | None = field(default_factory=list)
    """With `vpc_id`: subnets for an internet-facing ALB."""
    private_subnet_ids: list[str] | None = field(default_factory=list)
    """With `vpc_id`: subnets for the nodes."""
    database_subnet_ids: list[str] | None = field(default_factory=list)
    """With `vpc_id`: subnets for Aurora and ElastiCache."""
    flow_logs: bool | None = True
    """VPC flow logs to a KMS-encrypted log group."""
    log_retention_days: int | None = 365
    """A CloudWatch retention period for flow logs, control-plane logs and containers' logs."""
    container_logs: bool | None = True
    """Containers' and nodes' logs and Container Insights to CloudWatch (the CloudWatch Observability add-on)."""
    kubernetes_version: str | None = "1.35"
    """The EKS version, 1.34 or newer."""
    api_access_cidrs: list[str] | None = field(default_factory=list)
    """CIDRs allowed to reach the EKS public endpoint; empty keeps the endpoint private."""
    admin_principal_arns: list[str] | None = field(default_factory=list)
    """IAM roles or users made cluster admins, besides the deployer."""
    certificate_arn: str | None = ""
    """An ACM certificate for the host; or give `route53_zone_id`."""
    route53_zone_id: str | None = ""
    """The host's public hosted zone, to issue and validate a certificate in."""
    ingress_cidrs: list[str] | None = field(default_factory=lambda: ["0.0.0.0/0"])
    """CIDRs the ALB admits."""
    load_balancer_scheme: str | None = "internet-facing"
    """`internet-facing` or `internal`."""
    kms_deletion_window_days: int | None = 30
    """Days before a deleted key is gone (7 to 30)."""
    aurora_version: str | None = ""
    """The Aurora engine version to create; empty takes the pinned one for `mysql.version`."""
    redis_version: str | None = "7.1"
    """The ElastiCache Redis OSS engine."""
    lb_controller_chart_version: str | None = "3.5.0"
    """Chart `aws-load-balancer-controller`."""
    cluster_autoscaler_chart_version: str | None = "9.59.0"
    """Chart `cluster-autoscaler` from https://kubernetes.github.io/autoscaler; its image follows the cluster's
    minor version."""
    msk_version: str | None = "3.9.x"
    """`kafka.mode` managed: the MSK Kafka version."""
    msk_instance_type: str | None = "kafka.m7g.large"
    """`kafka.mode` managed: the brokers' instance type."""
    msk_volume_gb: int | None = 500
    """`kafka.mode` managed: each broker's storage."""


def aurora_version(args: AwsWandbPlatformArgs) -> str:
    return args.aurora_version or AURORA_VERSIONS.get(args.mysql.version, "")


def aws_problems(args: AwsWandbPlatformArgs) -> list[tuple[str, str | None]]:
    """Every problem with the arguments, by argument path; None where that argument is fine."""
    _, size_problems = sized("aws", args.wandb.size, args.sizes.given())
    version, days = args.mysql.version, args.mysql.backup_retention_days
    problems = [
        *common_problems(args, cloud_here=True, seal_here=True, managed_monitoring_here=True),
        *memory_problems(args.wandb, args.clickhouse),
        *kafka_problems(args.kafka, managed_here=True),
        ("kubernetes_version", kubernetes_version_problem(args.kubernetes_version)),
        *[("sizes", p) for p in size_problems],
    ]
    if not aurora_version(args).startswith(f"{version}."):
        problems.append(("aurora_version", f"{aurora_version(args)} is not MySQL {version} (mysql.version)"))
    if days and days > MAX_BACKUP_DAYS:
        problems.append(("mysql.backup_retention_days", f"Aurora keeps at most {MAX_BACKUP_DAYS} days"))
    if args.ingress.tls and not (args.certificate_arn or args.route53_zone_id):
        problems.append(("certificate_arn", "the ALB needs a certificate while ingress.tls is on (or route53_zone_id)"))
    if kubernetes_version_problem(args.kubernetes_version) is None and (
        args.kubernetes_version not in CLUSTER_AUTOSCALER_IMAGES
    ):
        problems.append(("kubernetes_version", f"one of {', '.join(CLUSTER_AUTOSCALER_IMAGES)} (the autoscaler's)"))
    if args.bucket.provider not in ("", "s3"):
        problems.append(("bucket.provider", "AWS reaches its bucket with IRSA: only s3"))
    problems += dr_problems(args, args.region, built=True)
    if args.dr.secondary_region and args.dr.mysql and not args.vpc_id:  # the two networks may be peered later
        problems.append(("dr.vpc_cidr", overlap_problem({"vpc_cidr": args.vpc_cidr, "dr.vpc_cidr": args.dr.vpc_cidr})))
    if args.observability.mode == "cloud" and args.observability.receiver == "slack":
        problems.append(("observability.receiver", AMP_SLACK))
    problems.append(("api_access_cidrs", internet_problem(args.api_access_cidrs, "the control plane")))
    return problems


AMP_SLACK = (
    "with mode 'cloud', Amazon Managed Prometheus alerts through SNS, which cannot post to Slack: use 'webhook' or "
    "'pagerduty', or subscribe AWS Chatbot to the topic yourself"
)


def kms_keys(args: AwsWandbPlatformArgs, name: str) -> dict[str, KeyUse]:
    """One key per consumer the platform creates, usable only through the service that stores data with it."""
    keys = {
        "eks": KeyUse(via_services=["eks"]),
        # Node volumes: EC2 through the EBS CSI driver, and the Auto Scaling role that launches the nodes.
        "ebs": KeyUse(via_services=["ec2"], roles=[AUTOSCALING_ROLE]),
        "logs": KeyUse(service_principals=["logs"], log_groups=True),
    }
    managed = {"rds": args.mysql.mode, "elasticache": args.redis.mode, "s3": args.bucket.mode, "kafka": args.kafka.mode}
    keys.update({svc: KeyUse(via_services=[svc]) for svc, mode in managed.items() if mode == "managed"})
    if in_cluster_vault_on(args):
        keys[VAULT_SEAL_KEY] = KeyUse(roles=[vault_seal_role(args, name)])
    if args.observability.mode == "cloud":  # Amazon Managed Prometheus's workspace and its alerts' topic
        keys["metrics"] = KeyUse(via_services=["aps", "sns"], publishers=["aps"])
    return keys


def in_cluster_vault_on(args: AwsWandbPlatformArgs) -> bool:
    return args.secrets.backend == "vault" and args.secrets.vault.mode == "in-cluster"


def vault_seal_role(args: AwsWandbPlatformArgs, name: str) -> str:
    """Named ahead: the seal key's policy names it before the role exists."""
    return bounded_name(args.name_prefix or name, "vault-seal", IAM_ROLE_NAME_MAX)
