"""What only the cloud can see, alerted on like the rest: its managed MySQL and Redis and its load balancer
report to the cloud's monitoring service, not to Prometheus. An exporter in the monitoring namespace reads those
series (as its own workload identity, read-only) and Prometheus scrapes it, so every alert of the platform goes
through the one Alertmanager and its one receiver.

Each cloud says which exporter, and writes the PromQL of each signal over that exporter's metric names
(`alerting.Signals`); the alerts themselves, thresholds included, are the same on every cloud
(`alerting.cloud_rules`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .alerting import Signals

EXPORTER_SERVICE_ACCOUNT = "cloud-metrics"  # the exporter's Kubernetes service account, on every cloud


@dataclass
class CloudMetrics:
    """The exporter one cloud runs in the monitoring namespace, as the service account `cloud-metrics` (its
    values say which identity that is), and what its series say."""

    chart: str
    version: str
    repository: str
    values: dict[str, Any]  # the chart's values: identity, what to read, a ServiceMonitor, restricted pods
    signals: Signals = field(default_factory=Signals)
