"""Cloud Monitoring's series of Cloud SQL, Memorystore and W&B's load balancer, in the in-cluster Prometheus:
the community's Stackdriver exporter, as a Google service account that may only read monitoring data."""

from __future__ import annotations

import re

import pulumi
import pulumi_gcp as gcp

from ..k8s.cloud_metrics import (
    EXPORTER_SERVICE_ACCOUNT,
    RESTRICTED_CONTAINER,
    RESTRICTED_POD,
    CloudMetrics,
    Signals,
)
from .identity import GKE_SA_ANNOTATION, pod_identity

CHART = "prometheus-stackdriver-exporter"
CHART_VERSION = "4.13.0"  # exporter v0.19.0
CHART_REPO = "https://prometheus-community.github.io/helm-charts"
MYSQL_METRICS = (
    "cloudsql.googleapis.com/database/up",
    "cloudsql.googleapis.com/database/mysql/aborted_connects_count",
    "cloudsql.googleapis.com/database/replication/replica_lag",
)
REDIS_METRICS = ("redis.googleapis.com/stats/memory/usage_ratio", "redis.googleapis.com/stats/evicted_keys")
LB_METRICS = ("loadbalancing.googleapis.com/https/request_count", "loadbalancing.googleapis.com/https/total_latencies")


def series(resource_type: str, metric_type: str) -> str:
    """The exporter's name for a Cloud Monitoring metric: `stackdriver_`, the monitored resource type, the metric
    type, each with every run of other characters turned into one `_` (the exporter also splits at case and
    digit changes, which no metric used here has)."""

    def clean(text: str) -> str:
        return "_".join(part for part in re.split(r"[^a-zA-Z0-9]+", text.lower()) if part)

    return f"stackdriver_{clean(resource_type)}_{clean(metric_type)}"


def gcp_signals(project: str, mysql: bool, redis: bool, url_map: str) -> Signals:
    """PromQL over the exporter's series. DELTA metrics (connects, evictions, requests, latencies) arrive as
    the newest minute's count, so they need no `rate()`. `url_map` matches the URL map GKE's Ingress controller
    names after W&B's namespace and Ingress ("" = no load balancer of W&B's to watch)."""
    in_project = f'project_id="{project}"'
    sql, memorystore = "cloudsql_database", "redis_instance"
    signals: dict[str, str] = {}
    if mysql:
        up, failed, lag = (series(sql, m) for m in MYSQL_METRICS)
        signals |= {
            "mysql_up": f"max by (database_id) ({up}{{{in_project}}})",
            "mysql_failed_connects": f"sum by (database_id) ({failed}{{{in_project}}})",
            "mysql_replica_lag": f"max by (database_id) ({lag}{{{in_project}}})",
        }
    if redis:
        memory, evicted = (series(memorystore, m) for m in REDIS_METRICS)
        signals |= {
            "redis_memory_ratio": f'max by (instance_id) ({memory}{{{in_project}, role="primary"}})',
            "redis_evictions": f"sum by (instance_id) ({evicted}{{{in_project}}})",
        }
    if url_map:
        requests, latencies = (series("https_lb_rule", m) for m in LB_METRICS)
        ours = f'{in_project}, url_map_name=~"{url_map}"'
        signals |= {
            "http_error_ratio": f'sum({requests}{{{ours}, response_code_class="500"}}) / sum({requests}{{{ours}}})',
            "http_latency_seconds": f"histogram_quantile(0.95, sum by (le) ({latencies}_bucket{{{ours}}})) / 1000",
        }
    return Signals(**signals)


def url_map_pattern(namespace: str, ingress: str) -> str:
    """GKE's Ingress controller names the URL map `k8s2-um-<cluster uid>-<namespace>-<ingress>-<hash>`."""
    return f"k8s2-um-[a-z0-9]+-{namespace}-{ingress}-[a-z0-9]+"


def stackdriver_metrics(
    name: str,
    *,
    project: str,
    account_id: str,
    workload_pool: pulumi.Input[str],
    monitoring_namespace: str,
    signals: Signals,
    metric_types: tuple[str, ...],
    opts: pulumi.ResourceOptions,
) -> CloudMetrics:
    """The exporter's Google identity (Monitoring Viewer on the project: read-only, no data but metrics) and its
    chart's values: only the metric types the signals use, read once a minute over the last five."""
    account, _ = pod_identity(
        name,
        project=project,
        account_id=account_id,
        display_name="W&B platform: cloud metrics for Prometheus",
        workload_pool=workload_pool,
        namespace=monitoring_namespace,
        service_account=EXPORTER_SERVICE_ACCOUNT,
        opts=opts,
    )
    gcp.projects.IAMMember(
        f"{name}-monitoring-viewer", project=project, role="roles/monitoring.viewer", member=account.member, opts=opts
    )
    values = {
        "stackdriver": {
            "projectId": project,
            "metrics": {"typePrefixes": ",".join(metric_types), "interval": "5m"},
        },
        "serviceAccount": {
            "create": True,
            "name": EXPORTER_SERVICE_ACCOUNT,
            "annotations": {GKE_SA_ANNOTATION: account.email},
        },
        "serviceMonitor": {"enabled": True, "namespace": monitoring_namespace, "interval": "60s"},
        "securityContext": RESTRICTED_POD,
        "containerSecurityContext": RESTRICTED_CONTAINER,
        "resources": {"requests": {"cpu": "50m", "memory": "64Mi"}, "limits": {"memory": "256Mi"}},
    }
    return CloudMetrics(CHART, CHART_VERSION, CHART_REPO, values, signals)
