"""PromQL for the alerts on Cloud SQL, Memorystore and W&B's load balancer, over either place their series reach:
the Stackdriver exporter in the in-cluster Prometheus, or Managed Service for Prometheus, which reads Cloud
Monitoring's own series. Only the names and the handling of DELTA metrics differ; the signals are the same."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..k8s.alerting import Signals

MYSQL_METRICS = (
    "cloudsql.googleapis.com/database/up",
    "cloudsql.googleapis.com/database/mysql/aborted_connects_count",
    "cloudsql.googleapis.com/database/replication/replica_lag",
)
REDIS_METRICS = ("redis.googleapis.com/stats/memory/usage_ratio", "redis.googleapis.com/stats/evicted_keys")
LB_METRICS = ("loadbalancing.googleapis.com/https/request_count", "loadbalancing.googleapis.com/https/total_latencies")


def _words(text: str) -> str:
    return "_".join(part for part in re.split(r"[^a-zA-Z0-9]+", text.lower()) if part)


@dataclass(frozen=True)
class Reader:
    """How one place names a Cloud Monitoring series and reads its DELTA metrics per minute."""

    managed: bool  # True: Managed Service for Prometheus; False: the Stackdriver exporter

    def name(self, resource: str, metric_type: str) -> str:
        if self.managed:  # Cloud Monitoring's PromQL: the first `/` a `:`, every other special character a `_`
            domain, _, path = metric_type.partition("/")
            return f"{_words(domain)}:{_words(path)}"
        # the exporter: `stackdriver_`, the resource type, the metric type (it also splits at case and digit
        # changes, which no metric used here has)
        return f"stackdriver_{_words(resource)}_{_words(metric_type)}"

    def selector(self, resource: str, matchers: str) -> str:
        return f'monitored_resource="{resource}", {matchers}' if self.managed else matchers

    def gauge(self, resource: str, metric_type: str, matchers: str) -> str:
        return f"{self.name(resource, metric_type)}{{{self.selector(resource, matchers)}}}"

    def per_minute(self, resource: str, metric_type: str, matchers: str) -> str:
        """A DELTA count per minute: the exporter serves the newest minute's; Cloud Monitoring's PromQL a counter."""
        series = self.gauge(resource, metric_type, matchers)
        return f"rate({series}[5m]) * 60" if self.managed else series

    def buckets(self, resource: str, metric_type: str, matchers: str) -> str:
        series = f"{self.name(resource, metric_type)}_bucket{{{self.selector(resource, matchers)}}}"
        return f"rate({series}[5m])" if self.managed else series


EXPORTER, MANAGED = Reader(managed=False), Reader(managed=True)


def gcp_signals(reader: Reader, project: str, mysql: bool, redis: bool, url_map: str) -> Signals:
    """The signals of the managed stores and the balancer the platform runs. `url_map` matches the URL map GKE's
    Ingress controller names after W&B's namespace and Ingress ("" = no load balancer of W&B's to watch)."""
    in_project = f'project_id="{project}"'
    sql, memorystore, balancer = "cloudsql_database", "redis_instance", "https_lb_rule"
    signals: dict[str, str] = {}
    if mysql:
        up, failed, lag = MYSQL_METRICS
        signals |= {
            "mysql_up": f"max by (database_id) ({reader.gauge(sql, up, in_project)})",
            "mysql_failed_connects": f"sum by (database_id) ({reader.per_minute(sql, failed, in_project)})",
            "mysql_replica_lag": f"max by (database_id) ({reader.gauge(sql, lag, in_project)})",
        }
    if redis:
        memory, evicted = REDIS_METRICS
        primary = f'{in_project}, role="primary"'
        signals |= {
            "redis_memory_ratio": f"max by (instance_id) ({reader.gauge(memorystore, memory, primary)})",
            "redis_evictions": f"sum by (instance_id) ({reader.per_minute(memorystore, evicted, in_project)})",
        }
    if url_map:
        requests, latencies = LB_METRICS
        ours = f'{in_project}, url_map_name=~"{url_map}"'
        errors = reader.per_minute(balancer, requests, f'{ours}, response_code_class="500"')
        signals |= {
            "http_error_ratio": f"sum({errors}) / sum({reader.per_minute(balancer, requests, ours)})",
            "http_latency_seconds": (
                f"histogram_quantile(0.95, sum by (le) ({reader.buckets(balancer, latencies, ours)})) / 1000"
            ),
        }
    return Signals(**signals)


def url_map_pattern(namespace: str, ingress: str) -> str:
    """GKE's Ingress controller names the URL map `k8s2-um-<cluster uid>-<namespace>-<ingress>-<hash>`."""
    return f"k8s2-um-[a-z0-9]+-{namespace}-{ingress}-[a-z0-9]+"
