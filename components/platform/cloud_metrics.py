"""Which of the cloud's series the in-cluster Prometheus reads, for a platform's arguments: those of the
managed stores and the load balancer the platform made, none when in-cluster monitoring is off.

Each function imports its own cloud's module when called, so that a target loads only its own cloud's SDK."""

import pulumi

from ..k8s.cloud_metrics import CloudMetrics
from .monitoring import monitoring_namespace

MONITORING_API = "monitoring.googleapis.com"  # read by the exporter on GCP


def watched(args, *modes: str) -> tuple[bool, bool, bool]:
    """(managed MySQL, managed Redis, W&B's load balancer), each only with monitoring in one of `modes`
    (by default `in-cluster`)."""
    on = args.observability.mode in (modes or ("in-cluster",))
    return on and args.mysql.mode == "managed", on and args.redis.mode == "managed", on and args.ingress.create


def gcp_cloud_metrics(
    name: str, args, *, account_id: str, workload_pool: pulumi.Input[str], opts: pulumi.ResourceOptions
) -> CloudMetrics | None:
    from ..gcp.metrics import stackdriver_metrics
    from ..gcp.signals import EXPORTER, LB_METRICS, MYSQL_METRICS, REDIS_METRICS, gcp_signals, url_map_pattern

    mysql, redis, ingress = watched(args)
    if not (mysql or redis or ingress):
        return None
    wandb = args.wandb
    url_map = url_map_pattern(wandb.namespace, wandb.instance_name) if ingress else ""
    metric_types = (*(MYSQL_METRICS * mysql), *(REDIS_METRICS * redis), *(LB_METRICS * ingress))
    return stackdriver_metrics(
        name,
        project=args.project,
        account_id=account_id,
        workload_pool=workload_pool,
        monitoring_namespace=monitoring_namespace(wandb.namespace),
        signals=gcp_signals(EXPORTER, args.project, mysql, redis, url_map),
        metric_types=metric_types,
        opts=opts,
    )


def aws_cloud_metrics(
    name: str, args, *, prefix: str, mysql_class: str, eks, tags: dict[str, str], opts: pulumi.ResourceOptions
) -> CloudMetrics | None:
    from ..aws.metrics import yace_metrics

    mysql, redis, ingress = watched(args, "in-cluster", "cloud")  # the agent writes YACE's series too
    kafka = args.observability.mode != "none" and args.kafka.mode == "managed"
    if not (mysql or redis or ingress or kafka):
        return None
    return yace_metrics(
        name,
        region=args.region,
        prefix=prefix,
        oidc_provider=eks.oidc_provider,
        issuer=eks.issuer,
        monitoring_namespace=monitoring_namespace(args.wandb.namespace),
        mysql_class=mysql_class if mysql else "",
        redis=redis,
        kafka=kafka,
        ingress=ingress,
        tags=tags,
        opts=opts,
    )


def azure_cloud_metrics(
    name: str,
    args,
    *,
    subscription_id: pulumi.Input[str],
    resource_group_name: pulumi.Input[str],
    issuer: pulumi.Input[str],
    mysql_id: pulumi.Input[str] | None,
    redis_id: pulumi.Input[str] | None,
    gateway_id: pulumi.Input[str],
    tags: dict[str, str],
    opts: pulumi.ResourceOptions,
) -> CloudMetrics | None:
    from ..azure.metrics import azure_metrics

    mysql, redis, ingress = watched(args)
    if not (mysql or redis or ingress):
        return None
    return azure_metrics(
        name,
        subscription_id=subscription_id,
        resource_group_name=resource_group_name,
        location=args.location,
        issuer=issuer,
        monitoring_namespace=monitoring_namespace(args.wandb.namespace),
        mysql_id=mysql_id if mysql else None,
        redis_id=redis_id if redis else None,
        gateway_id=gateway_id if ingress else None,
        tags=tags,
        opts=opts,
    )


def gcp_managed_monitoring(name: str, args, k8s_provider, release, parent: pulumi.Resource) -> None:
    """`observability.mode: cloud` on GKE: Managed Service for Prometheus alerting on W&B, the datastores in the
    cluster and Cloud Monitoring's series of the managed ones (nothing without that mode)."""
    from ..gcp.managed_prometheus import GkeManagedMonitoring, GkeManagedMonitoringArgs
    from ..gcp.signals import MANAGED, gcp_signals, url_map_pattern

    if args.observability.mode != "cloud":
        return
    mysql, redis, ingress = watched(args, "cloud")
    wandb, o = args.wandb, args.observability
    GkeManagedMonitoring(
        name,
        GkeManagedMonitoringArgs(
            project=args.project,
            wandb_namespace=wandb.namespace,
            instance_name=wandb.instance_name,
            host=wandb.host if ingress else "",
            signals=gcp_signals(
                MANAGED,
                args.project,
                mysql,
                redis,
                url_map_pattern(wandb.namespace, wandb.instance_name) if ingress else "",
            ),
            clickhouse_namespace=f"{wandb.namespace}-clickhouse" if args.clickhouse.mode == "replicated" else "",
            kafka_namespace=f"{wandb.namespace}-kafka" if args.kafka.mode == "in-cluster" else "",
            receiver=o.receiver,
            receiver_secret=o.receiver_secret,
            slack_channel=o.slack_channel,
        ),
        pulumi.ResourceOptions(parent=parent, providers=[k8s_provider], depends_on=[release]),
    )


def aws_managed_prometheus(name: str, args, *, alias: str, eks, kms_key_arn, account_id, tags, opts):
    """`observability.mode: cloud` on AWS: the workspace the in-cluster agent writes to (None without it)."""
    from ..aws.managed_prometheus import AmpWorkspace, AmpWorkspaceArgs

    o = args.observability
    if o.mode != "cloud":
        return None
    return AmpWorkspace(
        name,
        AmpWorkspaceArgs(
            alias=alias,
            region=args.region,
            account_id=account_id,
            oidc_provider=eks.oidc_provider,
            issuer=eks.issuer,
            monitoring_namespace=monitoring_namespace(args.wandb.namespace),
            kms_key_arn=kms_key_arn,
            receiver=o.receiver,
            receiver_secret=o.receiver_secret,
            tags=tags,
        ),
        opts,
    )
