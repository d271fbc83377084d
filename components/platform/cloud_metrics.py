"""Which of the cloud's series the in-cluster Prometheus reads, for a platform's arguments: those of the
managed stores and the load balancer the platform made, none when in-cluster monitoring is off.

Each function imports its own cloud's module when called, so that a target loads only its own cloud's SDK."""

import pulumi

from ..k8s.cloud_metrics import CloudMetrics
from .release import monitoring_namespace

MONITORING_API = "monitoring.googleapis.com"  # read by the exporter on GCP


def watched(args) -> tuple[bool, bool, bool]:
    """(managed MySQL, managed Redis, W&B's load balancer), each only with in-cluster monitoring on."""
    on = args.observability.mode == "in-cluster"
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

    mysql, redis, ingress = watched(args)
    kafka = args.observability.mode == "in-cluster" and args.kafka.mode == "managed"
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
