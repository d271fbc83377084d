"""CloudWatch's series of Aurora, ElastiCache, MSK and W&B's load balancer, in the in-cluster Prometheus: the
community's YACE (yet-another-cloudwatch-exporter), finding this platform's resources by its tag, as an IRSA
role that may only read metrics and tags."""

from __future__ import annotations

import json

import pulumi
import pulumi_aws as aws

from ..k8s.alerting import Signals
from ..k8s.cloud_metrics import EXPORTER_SERVICE_ACCOUNT, CloudMetrics
from ..k8s.pod_security import RESTRICTED_CONTAINER, RESTRICTED_POD
from .irsa import irsa_role
from .policies import document

CHART = "prometheus-yet-another-cloudwatch-exporter"
CHART_VERSION = "0.47.0"  # YACE v0.67.0
CHART_REPO = "https://prometheus-community.github.io/helm-charts"
PLATFORM_TAG = "wandb-platform"  # on every resource of the platform, the ALB included; its value is the prefix
PERIOD = 300  # seconds each CloudWatch datapoint covers: Sum statistics are divided by 5 for a per-minute rate
# Aurora MySQL's default max_connections by instance class (AWS's table for Aurora MySQL 3).
AURORA_MAX_CONNECTIONS = {
    "db.r6g.large": 1000,
    "db.r6g.xlarge": 2000,
    "db.r6g.2xlarge": 3000,
    "db.r6g.4xlarge": 4000,
    "db.r6g.8xlarge": 5000,
}
READ_ACTIONS = [
    "cloudwatch:GetMetricData",
    "cloudwatch:GetMetricStatistics",
    "cloudwatch:ListMetrics",
    "tag:GetResources",
]


def job(namespace: str, region: str, prefix: str, metrics: dict[str, tuple[str, list[str]]]) -> dict:
    """A YACE discovery job: the namespace's resources tagged with the platform's prefix, each metric with its
    statistic, kept only at the dimensions given (CloudWatch also publishes aggregates over other sets)."""
    return {
        "type": namespace,
        "regions": [region],
        "searchTags": [{"key": PLATFORM_TAG, "value": f"^{prefix}$"}],
        "metrics": [
            {"name": metric, "statistics": [statistic], "period": PERIOD, "length": PERIOD}
            for metric, (statistic, _) in metrics.items()
        ],
        "dimensionNameRequirements": next(iter(metrics.values()))[1],
    }


def yace_config(region: str, prefix: str, mysql: bool, redis: bool, kafka: bool, ingress: bool) -> str:
    jobs = []
    if mysql:
        instance = ["DBInstanceIdentifier"]
        jobs.append(
            job(
                "AWS/RDS",
                region,
                prefix,
                {"DatabaseConnections": ("Maximum", instance), "AuroraReplicaLag": ("Maximum", instance)},
            )
        )
    if redis:
        node = ["CacheClusterId"]
        jobs.append(
            job(
                "AWS/ElastiCache",
                region,
                prefix,
                {"DatabaseMemoryUsagePercentage": ("Maximum", node), "Evictions": ("Sum", node)},
            )
        )
    if kafka:
        jobs.append(
            job("AWS/Kafka", region, prefix, {"UnderReplicatedPartitions": ("Maximum", ["Cluster Name", "Broker ID"])})
        )
        jobs.append(
            job("AWS/Kafka", region, prefix, {"MaxOffsetLag": ("Maximum", ["Consumer Group", "Cluster Name", "Topic"])})
        )
    if ingress:
        balancer = ["LoadBalancer"]
        jobs.append(
            job(
                "AWS/ApplicationELB",
                region,
                prefix,
                {
                    "RequestCount": ("Sum", balancer),
                    "HTTPCode_Target_5XX_Count": ("Sum", balancer),
                    "HTTPCode_ELB_5XX_Count": ("Sum", balancer),
                    "TargetResponseTime": ("p95", balancer),
                },
            )
        )
    return json.dumps({"apiVersion": "v1alpha1", "discovery": {"jobs": jobs}}, sort_keys=True)


def aws_signals(mysql_class: str, redis: bool, kafka: bool, ingress: bool) -> Signals:
    """PromQL over YACE's series (`aws_<namespace>_<metric>_<statistic>`, "5XX" read as `5_xx`);
    `mysql_class` is Aurora's instance class ("" = no Aurora)."""
    signals: dict[str, str] = {}
    if mysql_class:
        by_instance = "max by (dimension_DBInstanceIdentifier)"
        signals["mysql_replica_lag"] = f"{by_instance} (aws_rds_aurora_replica_lag_maximum) / 1000"
        if mysql_class in AURORA_MAX_CONNECTIONS:
            limit = AURORA_MAX_CONNECTIONS[mysql_class]
            signals["mysql_connections_ratio"] = f"{by_instance} (aws_rds_database_connections_maximum) / {limit}"
    if redis:
        by_node = "max by (dimension_CacheClusterId)"
        signals["redis_memory_ratio"] = f"{by_node} (aws_elasticache_database_memory_usage_percentage_maximum) / 100"
        signals["redis_evictions"] = f"{by_node} (aws_elasticache_evictions_sum) / {PERIOD // 60}"
    if kafka:
        signals["kafka_under_replicated"] = "sum(aws_kafka_under_replicated_partitions_maximum)"
        signals["kafka_consumer_lag"] = (
            "max by (dimension_Consumer_Group, dimension_Topic) (aws_kafka_max_offset_lag_maximum)"
        )
    if ingress:
        errors = [f"sum(aws_applicationelb_httpcode_{source}_5_xx_count_sum)" for source in ("target", "elb")]
        signals["http_error_ratio"] = f"({' + '.join(errors)}) / sum(aws_applicationelb_request_count_sum)"
        signals["http_latency_seconds"] = "max(aws_applicationelb_target_response_time_p95)"
    return Signals(**signals)


def yace_metrics(
    name: str,
    *,
    region: str,
    prefix: str,
    oidc_provider: aws.iam.OpenIdConnectProvider,
    issuer: pulumi.Input[str],
    monitoring_namespace: str,
    mysql_class: str,
    redis: bool,
    kafka: bool,
    ingress: bool,
    tags: dict[str, str],
    opts: pulumi.ResourceOptions,
) -> CloudMetrics:
    """YACE's IRSA role (reading metrics and tags only: these actions take no resource scope) and its chart's
    values."""
    policy = document({"Effect": "Allow", "Action": READ_ACTIONS, "Resource": "*"})
    role = irsa_role(
        f"{name}-role",
        oidc_provider=oidc_provider,
        issuer=issuer,
        service_accounts=[(monitoring_namespace, EXPORTER_SERVICE_ACCOUNT)],
        inline_policy=json.dumps(policy),
        tags=tags,
        opts=opts,
    )
    values = {
        "config": yace_config(region, prefix, bool(mysql_class), redis, kafka, ingress),
        "serviceAccount": {
            "create": True,
            "name": EXPORTER_SERVICE_ACCOUNT,
            "annotations": {"eks.amazonaws.com/role-arn": role.arn},
        },
        "serviceMonitor": {"enabled": True, "namespace": monitoring_namespace, "interval": "60s"},
        "podSecurityContext": RESTRICTED_POD,
        "securityContext": RESTRICTED_CONTAINER,
        "resources": {"requests": {"cpu": "50m", "memory": "64Mi"}, "limits": {"memory": "256Mi"}},
    }
    return CloudMetrics(CHART, CHART_VERSION, CHART_REPO, values, aws_signals(mysql_class, redis, kafka, ingress))
