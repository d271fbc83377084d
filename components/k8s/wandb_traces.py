"""W&B's OpenTelemetry traces, sent to a collector of yours: the chart's `global.otel.traces` endpoint and, on
each W&B service that traces, the share of requests it samples (`traceRatio`; 0, the chart's default, is off).
The chart's own collector DaemonSet stays off (it needs host paths and ports, which PodSecurity refuses)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# The chart's services that read `traceRatio` (operator-wandb 0.43.8: those including `wandb.observabilityEnvs`).
TRACING_SERVICES = (
    "api",
    "app",
    "executor",
    "filemeta",
    "filestream",
    "flat-run-fields-updater",
    "glue",
    "history-reader",
    "history-updater",
    "metric-observer",
    "parquet",
    "parquet-metadata-cache",
)
PROTOCOLS = ("grpc", "http")


@dataclass(frozen=True)
class TraceExport:
    host: str  # the collector's DNS name or address, as W&B's pods reach it
    port: int  # 4317 for gRPC, 4318 for HTTP by convention
    protocol: str = "grpc"
    ratio: float = 0.1  # the share of requests traced

    @property
    def in_cluster_namespace(self) -> str:
        """The namespace of a collector addressed as a Service (`<svc>.<namespace>.svc[.cluster.local]`), else ""."""
        parts = self.host.split(".")
        return parts[1] if len(parts) >= 3 and parts[2] == "svc" else ""


def parse_endpoint(endpoint: str) -> tuple[str, int] | None:
    """`host:port` as (host, port); None when it is not that."""
    host, _, port = endpoint.rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536 or "/" in endpoint:
        return None
    return host, int(port)


def trace_values(traces: TraceExport) -> dict[str, Any]:
    endpoint = {"host": traces.host, "port": traces.port, "proto": traces.protocol}
    return {
        "global": {"otel": {"traces": endpoint}},
        **{service: {"traceRatio": traces.ratio} for service in TRACING_SERVICES},
    }
