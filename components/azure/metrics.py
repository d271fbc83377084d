"""Azure Monitor's series of MySQL Flexible Server, Azure Managed Redis and Application Gateway for Containers,
in the in-cluster Prometheus: webdevops' azure-metrics-exporter, as a workload identity that holds Monitoring
Reader on the platform's resource group only."""

from __future__ import annotations

from collections.abc import Mapping

import pulumi

from ..k8s.alerting import Signals
from ..k8s.cloud_metrics import EXPORTER_SERVICE_ACCOUNT, CloudMetrics
from .identity import CLIENT_ID_ANNOTATION, USE_LABEL, workload_identity
from .roles import grant

CHART = "azure-metrics-exporter"
CHART_VERSION = "1.2.11"  # exporter 25.12.0
CHART_REPO = "https://webdevops.github.io/helm-charts/"
MONITORING_READER = "43d0d8ad-25c7-4714-9337-8ba259a9fe05"
# One probe (one ServiceMonitor) per resource and dimension split: Azure applies a probe's filter to each of its
# metrics. name: (series name, metrics, aggregation, dimension filter).
PROBES = {
    "mysql": ("azure_mysql", ["aborted_connections"], "total", ""),
    "mysql-lag": ("azure_mysql", ["replication_lag", "HA_replication_lag"], "maximum", ""),
    "redis": ("azure_redis", ["usedmemorypercentage"], "maximum", ""),
    "redis-evictions": ("azure_redis", ["evictedkeys"], "total", ""),
    "gateway": ("azure_gateway", ["TotalRequests"], "total", ""),
    "gateway-status": ("azure_gateway", ["BackendHTTPResponseStatus"], "total", "HttpResponseCode eq '*'"),
}


def metric(series: str, name: str, more: str = "") -> str:
    """One Azure metric of a probe's series (the exporter keeps its name in the label `metric`)."""
    return f'{series}{{metric=~"(?i){name}"{more}}}'


def azure_signals(mysql: bool, redis: bool, gateway: bool) -> Signals:
    """PromQL over the exporter's series: one point a minute, so totals are per minute. Application Gateway for
    Containers reports no latency metric (only its access logs have it): the endpoint probe's timing stands in."""
    signals: dict[str, str] = {}
    if mysql:
        signals["mysql_failed_connects"] = f"sum by (resourceID) ({metric('azure_mysql', 'aborted_connections')})"
        lag = metric("azure_mysql", "(ha_)?replication_lag")
        signals["mysql_replica_lag"] = f"max by (resourceID) ({lag})"
    if redis:
        signals["redis_memory_ratio"] = f"max by (resourceID) ({metric('azure_redis', 'usedmemorypercentage')}) / 100"
        signals["redis_evictions"] = f"sum by (resourceID) ({metric('azure_redis', 'evictedkeys')})"
    if gateway:
        errors = metric("azure_gateway", "BackendHTTPResponseStatus", ', dimension=~"5.."')
        signals["http_error_ratio"] = f"sum({errors}) / sum({metric('azure_gateway', 'TotalRequests')})"
    return Signals(**signals)


def probe(name: str, subscription_id: pulumi.Input[str], target: pulumi.Input[str]) -> dict:
    series, metrics, aggregation, dimension_filter = PROBES[name]
    params = {
        "subscription": [subscription_id],
        "target": [target],
        "metric": metrics,
        "aggregation": [aggregation],
        "interval": ["PT1M"],
        "timespan": ["PT5M"],
        "name": [series],
    }
    if dimension_filter:
        params["metricFilter"] = [dimension_filter]
    return {"name": name, "params": params}


def azure_metrics(
    name: str,
    *,
    subscription_id: pulumi.Input[str],
    resource_group_name: pulumi.Input[str],
    location: str,
    issuer: pulumi.Input[str],
    monitoring_namespace: str,
    mysql_id: pulumi.Input[str] | None,
    redis_id: pulumi.Input[str] | None,
    gateway_id: pulumi.Input[str] | None,
    tags: Mapping[str, str],
    opts: pulumi.ResourceOptions,
) -> CloudMetrics:
    """The exporter's identity (Monitoring Reader on the resource group: metrics and resource reads, no data) and
    its chart's values, one probe per resource and split."""
    identity, _ = workload_identity(
        name,
        resource_group_name=resource_group_name,
        location=location,
        issuer=issuer,
        namespace=monitoring_namespace,
        service_accounts=[EXPORTER_SERVICE_ACCOUNT],
        tags=tags,
        opts=opts,
    )
    grant(
        f"{name}-monitoring-reader",
        principal_id=identity.principal_id,
        subscription_id=subscription_id,
        role=MONITORING_READER,
        scope=pulumi.Output.concat("/subscriptions/", subscription_id, "/resourceGroups/", resource_group_name),
        opts=opts,
    )
    targets = {"mysql": mysql_id, "mysql-lag": mysql_id, "redis": redis_id, "redis-evictions": redis_id}
    targets |= {"gateway": gateway_id, "gateway-status": gateway_id}
    probes = [probe(probe_name, subscription_id, target) for probe_name, target in targets.items() if target]
    values = {
        "serviceAccount": {
            "create": True,
            "name": EXPORTER_SERVICE_ACCOUNT,
            "annotations": {CLIENT_ID_ANNOTATION: identity.client_id},
        },
        "podLabels": {USE_LABEL: "true"},
        "netpol": {  # the chart's policy admits nothing in: Prometheus is let in to the metrics port
            "ingress": [
                {
                    "from": [{"podSelector": {"matchLabels": {"app.kubernetes.io/name": "prometheus"}}}],
                    "ports": [{"port": 8080, "protocol": "TCP"}],
                }
            ]
        },
        "prometheus": {
            "metricProbes": {
                "path": "/probe/metrics/resource",
                "interval": "60s",
                "scrapeTimeout": "55s",
                "probes": probes,
            }
        },
    }
    signals = azure_signals(mysql_id is not None, redis_id is not None, gateway_id is not None)
    return CloudMetrics(CHART, CHART_VERSION, CHART_REPO, values, signals)
