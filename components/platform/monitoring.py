"""How the platform watches itself, for a platform's arguments and a target's endpoints: where the scrapers
run, the in-cluster monitoring stack (or its agent feeding the target's managed Prometheus), and where W&B's
traces go."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pulumi

from ..k8s.observability import InClusterObservability, InClusterObservabilityArgs
from ..k8s.wandb_traces import TraceExport, parse_endpoint
from .registry import platform_registry
from .sizes import PROMETHEUS_GB

if TYPE_CHECKING:
    from .release import TargetEndpoints


def trace_export(observability: Any) -> TraceExport | None:
    """Where W&B sends its traces, from `observability.traces_*` (None: nowhere)."""
    endpoint = parse_endpoint(observability.traces_endpoint or "")
    if endpoint is None:
        return None
    return TraceExport(*endpoint, protocol=observability.traces_protocol, ratio=observability.trace_ratio)


def monitoring_namespace(wandb_namespace: str) -> str:
    return f"{wandb_namespace}-monitoring"


GMP_COLLECTORS = "gmp-system"  # where GKE's Managed Service for Prometheus runs its collectors


def scraper_namespace(platform: Any, target: TargetEndpoints) -> str:
    """Where the pods that scrape W&B and its datastores run: the monitoring stack's namespace in the cluster
    (with `cloud` too where it writes to the target's managed Prometheus), GKE's managed collectors' with
    `cloud` on GKE, none without monitoring."""
    mode, in_cluster = platform.observability.mode, monitoring_namespace(platform.wandb.namespace)
    if mode == "cloud":
        return in_cluster if target.remote_prometheus is not None else GMP_COLLECTORS
    return in_cluster if mode == "in-cluster" else ""


def observability_args(platform: Any, target: TargetEndpoints) -> InClusterObservabilityArgs:
    """kube-prometheus-stack beside W&B, on the cluster's encrypted class, two replicas where the platform is
    highly available, with the cloud's exporter where the target has one, in agent mode where the target has a
    managed Prometheus."""
    o, namespace, cluster = platform.observability, platform.wandb.namespace, target.cluster
    return InClusterObservabilityArgs(
        namespace=monitoring_namespace(platform.wandb.namespace),
        wandb_namespace=platform.wandb.namespace,
        storage_class=cluster.storage_class,
        retention_days=o.retention_days,
        storage_gb=o.storage_gb or PROMETHEUS_GB[platform.wandb.size],
        replicas=2 if getattr(platform, "high_availability", False) else 1,
        receiver=o.receiver,
        receiver_secret=pulumi.Output.secret(o.receiver_secret) if o.receiver_secret is not None else None,
        slack_channel=o.slack_channel,
        chart_version=o.chart_version,
        clickhouse_namespace=f"{namespace}-clickhouse" if platform.clickhouse.mode == "replicated" else "",
        kafka_namespace=f"{namespace}-kafka" if platform.kafka.mode == "in-cluster" else "",
        probe_url=platform.wandb.host if platform.ingress.create else "",
        cloud_metrics=target.cloud_metrics,
        remote=target.remote_prometheus,
        registry=platform_registry(platform),
    )


def observability(name: str, platform: Any, target: TargetEndpoints, parent: pulumi.Resource) -> None:
    """The in-cluster stack: with `in-cluster`, or with `cloud` where it feeds the target's managed Prometheus."""
    mode = platform.observability.mode
    if mode == "in-cluster" or (mode == "cloud" and target.remote_prometheus is not None):
        InClusterObservability(
            f"{name}-observability",
            observability_args(platform, target),
            pulumi.ResourceOptions(parent=parent, providers=[target.cluster.k8s_provider]),
        )
