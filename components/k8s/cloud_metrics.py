"""What only the cloud can see, alerted on like the rest: its managed MySQL and Redis and its load balancer
report to the cloud's monitoring service, not to Prometheus. An exporter in the monitoring namespace reads those
series (as its own workload identity, read-only) and Prometheus scrapes it, so every alert of the platform goes
through the one Alertmanager and its one receiver.

Each cloud says which exporter, and writes the PromQL of each signal over that exporter's metric names
(`Signals`); the alerts themselves, thresholds included, are the same on every cloud (`cloud_rules`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .alerting import alert

EXPORTER_SERVICE_ACCOUNT = "cloud-metrics"  # the exporter's Kubernetes service account, on every cloud
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


@dataclass
class CloudMetrics:
    """The exporter one cloud runs in the monitoring namespace, as the service account `cloud-metrics` (its
    values say which identity that is), and what its series say."""

    chart: str
    version: str
    repository: str
    values: dict[str, Any]  # the chart's values: identity, what to read, a ServiceMonitor, restricted pods
    signals: Signals = field(default_factory=Signals)
