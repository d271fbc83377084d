"""The platform's alerting rules, the same wherever they are evaluated (the in-cluster Prometheus, GKE's managed
rule evaluator, Amazon Managed Prometheus): on W&B, on the datastores in the cluster, on W&B's URL, on volumes,
and on what only the cloud sees (`cloud_metrics.Signals`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


def alert(name: str, expr: str, severity: str, summary: str, wait: str = "") -> dict[str, Any]:
    """One alerting rule: firing once `expr` has held for `wait` (at once when empty)."""
    rule: dict[str, Any] = {"alert": name, "expr": expr, "labels": {"severity": severity}}
    if wait:
        rule["for"] = wait
    return {**rule, "annotations": {"summary": summary}}


# Thresholds, the same on every cloud.
FAILED_CONNECTS_PER_MINUTE = 10
CONNECTIONS_RATIO = 0.8
CONSUMER_LAG = 10000
REPLICA_LAG_SECONDS = 300
REDIS_MEMORY_RATIO = 0.9
ERROR_RATIO = 0.05
LATENCY_SECONDS = 2


@dataclass(frozen=True)
class Signals:
    """PromQL for each thing the platform alerts on, over the series of whatever measures it (a cloud's exporter,
    Strimzi's); "" where the platform runs no such thing there (an external or in-cluster MySQL, say)."""

    mysql_up: str = ""  # 1 while the managed server answers, by server
    mysql_failed_connects: str = ""  # failed connection attempts per minute, by server
    mysql_connections_ratio: str = ""  # open connections / max_connections, 0..1, by server
    mysql_replica_lag: str = ""  # seconds a replica is behind, by replica
    redis_memory_ratio: str = ""  # used / maximum memory, 0..1, by cache
    redis_evictions: str = ""  # keys evicted per minute, by cache
    kafka_under_replicated: str = ""  # partitions with fewer in-sync replicas than wanted
    kafka_consumer_lag: str = ""  # messages a consumer group is behind, by group and topic
    http_error_ratio: str = ""  # 5xx answers / all answers at W&B's load balancer
    http_latency_seconds: str = ""  # the 95th percentile (or the slowest the cloud reports) at the balancer


def signal_alerts(signals: Signals) -> list[dict[str, Any]]:
    """The alerts for the signals given, the same whoever measures them (a cloud's exporter, Strimzi's)."""
    s = signals
    candidates = [
        (s.mysql_up, "MySQLDown", f"{s.mysql_up} == 0", "critical", "Managed MySQL does not answer", "5m"),
        (
            s.mysql_failed_connects,
            "MySQLConnectionsFailing",
            f"{s.mysql_failed_connects} > {FAILED_CONNECTS_PER_MINUTE}",
            "warning",
            "{{ $value }} connection attempts a minute fail on MySQL (max_connections reached, or bad credentials)",
            "10m",
        ),
        (
            s.mysql_connections_ratio,
            "MySQLConnectionsHigh",
            f"{s.mysql_connections_ratio} > {CONNECTIONS_RATIO}",
            "warning",
            "MySQL has {{ $value | humanizePercentage }} of max_connections open",
            "10m",
        ),
        (
            s.mysql_replica_lag,
            "MySQLReplicaLagging",
            f"{s.mysql_replica_lag} > {REPLICA_LAG_SECONDS}",
            "warning",
            "A MySQL replica is {{ $value }}s behind its primary",
            "10m",
        ),
        (
            s.redis_memory_ratio,
            "RedisMemoryFull",
            f"{s.redis_memory_ratio} > {REDIS_MEMORY_RATIO}",
            "warning",
            "Redis uses {{ $value | humanizePercentage }} of its memory",
            "15m",
        ),
        (
            s.redis_evictions,
            "RedisEvicting",
            f"{s.redis_evictions} > 0",
            "warning",
            "Redis evicts {{ $value }} keys a minute: W&B's cache and queues lose entries",
            "10m",
        ),
        (
            s.kafka_under_replicated,
            "KafkaUnderReplicatedPartitions",
            f"{s.kafka_under_replicated} > 0",
            "critical",
            "{{ $value }} Kafka partitions have fewer in-sync replicas than wanted",
            "10m",
        ),
        (
            s.kafka_consumer_lag,
            "KafkaConsumerLag",
            f"{s.kafka_consumer_lag} > {CONSUMER_LAG}",
            "warning",
            "A Kafka consumer group is {{ $value }} messages behind",
            "15m",
        ),
        (
            s.http_error_ratio,
            "WandbIngressErrors",
            f"{s.http_error_ratio} > {ERROR_RATIO}",
            "critical",
            "{{ $value | humanizePercentage }} of requests to W&B end in a 5xx at the load balancer",
            "5m",
        ),
        (
            s.http_latency_seconds,
            "WandbIngressSlow",
            f"{s.http_latency_seconds} > {LATENCY_SECONDS}",
            "warning",
            "W&B answers in {{ $value }}s at the load balancer",
            "10m",
        ),
    ]
    return [
        alert(name, expr, severity, summary, wait)
        for signal, name, expr, severity, summary, wait in candidates
        if signal
    ]


def cloud_rules(signals: Signals) -> list[dict[str, Any]]:
    """The rule group on what the cloud runs for the platform."""
    rules = signal_alerts(signals)
    return [{"name": "wandb-platform.cloud", "rules": rules}] if rules else []


def alert_rules(wandb_namespace: str, app_job: str) -> list[dict[str, Any]]:
    """The platform's alerts on W&B itself, `app_job` the job scraping W&B's app (in the cluster, the chart's own
    rules cover the rest, volumes filling up included: KubePersistentVolumeFillingUp)."""
    ns = f'namespace="{wandb_namespace}"'
    available, wanted = f"kube_deployment_status_replicas_available{{{ns}}}", f"kube_deployment_spec_replicas{{{ns}}}"
    rules = [
        alert(
            "WandbServiceUnavailable",
            f"{available} < {wanted}",
            "critical",
            "W&B's {{ $labels.deployment }} runs {{ $value }} ready replicas, fewer than it should",
            "15m",
        ),
        alert(
            "WandbPodRestarting",
            f"increase(kube_pod_container_status_restarts_total{{{ns}}}[30m]) > 3",
            "warning",
            "{{ $labels.pod }} ({{ $labels.container }}) restarted 3+ times in 30m",
        ),
        alert(
            "WandbMetricsDown",
            f'absent(up{{{ns}, job="{app_job}"}} == 1)',
            "critical",
            "W&B's app has not answered a metrics scrape for 10 minutes",
            "10m",
        ),
    ]
    return [{"name": "wandb-platform.wandb", "rules": rules}]


def datastore_rules(clickhouse: bool, kafka: bool) -> list[dict[str, Any]]:
    """Alerts on the datastores in the cluster: ClickHouse replicas falling behind or refusing inserts (its own
    `/metrics`), Kafka partitions short of replicas or consumers falling behind (Strimzi's exporters)."""
    rules = []
    if clickhouse:
        rules += [
            alert(
                "ClickHouseReplicaDelayed",
                "max by (pod) (ClickHouseAsyncMetrics_ReplicasMaxAbsoluteDelay) > 300",
                "warning",
                "ClickHouse replica {{ $labels.pod }} is {{ $value }}s behind",
                "10m",
            ),
            alert(
                "ClickHouseInsertsFailing",
                "sum by (pod) (increase(ClickHouseProfileEvents_FailedInsertQuery[10m])) > 0",
                "warning",
                "Inserts into ClickHouse fail on {{ $labels.pod }} (Weave traces)",
            ),
        ]
    if kafka:  # Strimzi's brokers and its Kafka Exporter
        strimzi = Signals(
            kafka_under_replicated="sum(kafka_server_replicamanager_underreplicatedpartitions)",
            kafka_consumer_lag="sum by (consumergroup, topic) (kafka_consumergroup_lag)",
        )
        rules += signal_alerts(strimzi)
    return [{"name": "wandb-platform.datastores", "rules": rules}] if rules else []


def probe_rules(job: str) -> list[dict[str, Any]]:
    """The endpoint alerts over the Blackbox exporter's probe."""
    probe = f'job="{job}"'
    return endpoint_rules(
        f"probe_success{{{probe}}}",
        f"avg_over_time(probe_duration_seconds{{{probe}}}[10m])",
        f"probe_ssl_earliest_cert_expiry{{{probe}}} - time()",
    )


def endpoint_rules(success: str, seconds: str, certificate_seconds_left: str) -> list[dict[str, Any]]:
    """Alerts on W&B as users reach it, from a check through the load balancer every minute: not answering with
    success (a 5xx, a timeout, a refused connection), answering slowly, and its certificate near its end."""
    rules = [
        alert(
            "WandbEndpointFailing",
            f"{success} == 0",
            "critical",
            "W&B's URL fails: {{ $labels.instance }}",
            "5m",
        ),
        alert(
            "WandbEndpointSlow",
            f"{seconds} > 2",
            "warning",
            "W&B's URL takes {{ $value }}s to answer",
            "10m",
        ),
        alert(
            "WandbCertificateExpiring",
            f"{certificate_seconds_left} < 14 * 86400",
            "warning",
            "The certificate of {{ $labels.instance }} expires within 14 days",
            "1h",
        ),
    ]
    return [{"name": "wandb-platform.endpoint", "rules": rules}]


def volume_rules() -> list[dict[str, Any]]:
    """A volume of W&B's or its datastores' nearly full: kube-prometheus-stack's own rule, where its rules are not
    evaluated (GKE's managed rule evaluator, Amazon Managed Prometheus)."""
    free = "kubelet_volume_stats_available_bytes / kubelet_volume_stats_capacity_bytes"
    return [
        alert(
            "PersistentVolumeFillingUp",
            f"{free} < 0.1",
            "warning",
            "{{ $labels.namespace }}/{{ $labels.persistentvolumeclaim }} has less than 10% free",
            "15m",
        )
    ]
