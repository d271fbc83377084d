"""Which W&B services run, how many of each, and how their containers are confined: the part of W&B's values that
the size decides.

`small` is W&B's single-service layout (app serves the API, the chart's own sizing), for dev. From `medium` up
the API runs apart from the app (`global.api.enabled`), beside the frontend, glue and the executor that works
W&B's Redis task queue, the layout of W&B's operator guide and its operator v2: the services that scale out do
so through HorizontalPodAutoscalers (80% CPU and memory, as the chart's), and every service keeps a
PodDisruptionBudget (`maxUnavailable: 1`) and spreads over zones and hosts (the chart's defaults, written
out). Replicas and resources follow W&B's own sizing in operator-wandb 0.43.8 (`sizing.<size>` of each
service), with at least three API replicas from `medium` (W&B's guidance for its scalable architecture: on
different machines), pinned here so that a chart upgrade never silently resizes production; every value can
be overridden through `wandb.values`. The app stays at one replica: W&B's guidance is that it cannot run
highly available, and with the API split off it serves the UI's backend only.

Every W&B container drops all capabilities, which (with the chart's non-root user, no privilege escalation
and the RuntimeDefault seccomp profile) is what PodSecurity `restricted` asks of them; the chart's OpenTelemetry
agent, a DaemonSet on host paths and ports that even `baseline` refuses, stays off.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..contracts import SpotNodes
from .pod_security import CONFINED

PRODUCTION_SIZES = ("medium", "large", "xlarge", "xxlarge")
HPA_TARGET_PERCENT = 80


@dataclass(frozen=True)
class Resources:
    cpu: str
    memory: str
    cpu_limit: str
    memory_limit: str

    def values(self) -> dict[str, Any]:
        return {
            "requests": {"cpu": self.cpu, "memory": self.memory},
            "limits": {"cpu": self.cpu_limit, "memory": self.memory_limit},
        }


@dataclass(frozen=True)
class Scale:
    """Replicas between `least` and `most` (an autoscaler when they differ), with these resources."""

    least: int
    most: int
    resources: Resources

    def values(self) -> dict[str, Any]:
        values: dict[str, Any] = {"resources": self.resources.values()}
        if self.least == self.most:
            return {**values, "replicaCount": self.least}
        horizontal = {
            "enabled": True,
            "minReplicas": self.least,
            "maxReplicas": self.most,
            "targetCPUUtilizationPercentage": HPA_TARGET_PERCENT,
            "targetMemoryUtilizationPercentage": HPA_TARGET_PERCENT,
        }
        return {**values, "autoscaling": {"horizontal": horizontal}}


API = Resources("6", "16Gi", "6", "16Gi")
FRONTEND = Resources("1", "1Gi", "2", "2Gi")
GLUE = Resources("3", "6Gi", "4", "8Gi")
APP = Resources("4", "8Gi", "4", "8Gi")
EXECUTOR = {size: Resources("6", "32Gi", "6", "32Gi") for size in ("medium", "large")} | {
    "xlarge": Resources("10", "80Gi", "10", "80Gi"),
    "xxlarge": Resources("10", "96Gi", "10", "96Gi"),
}
WEAVE_TRACE = {size: Resources("1", "4Gi", "2", "8Gi") for size in ("medium",)} | {
    size: Resources("1", "6Gi", "2", "8Gi") for size in ("large", "xlarge", "xxlarge")
}
CONSOLE_REPLICAS = 2  # W&B's admin console: two, so that its PodDisruptionBudget leaves one up
# (least, most) replicas per production size, in the order of PRODUCTION_SIZES.
REPLICAS = {
    "api": ((3, 4), (3, 6), (4, 8), (6, 12)),
    "frontend": ((2, 3), (2, 4), (2, 5), (2, 6)),
    "executor": ((2, 3), (2, 4), (2, 5), (2, 6)),
    "weave-trace": ((3, 6), (4, 10), (5, 15), (6, 20)),
}


def production_scales(size: str) -> dict[str, Scale]:
    """The services a production size scales, by their chart keys."""
    at = PRODUCTION_SIZES.index(size)

    def scale(component: str, resources: Resources) -> Scale:
        least, most = REPLICAS[component][at]
        return Scale(least, most, resources)

    return {
        "app": Scale(1, 1, APP),
        "api": scale("api", API),
        "frontend": scale("frontend", FRONTEND),
        "glue": Scale(1, 1, GLUE),  # one at a time: glue runs without leader election
        "executor": scale("executor", EXECUTOR[size]),
        "weave-trace": scale("weave-trace", WEAVE_TRACE[size]),
    }


# W&B's services, by chart key: each a wandb-base workload whose containers take `securityContext`.
WANDB_COMPONENTS = (
    "app",
    "api",
    "console",
    "executor",
    "filemeta",
    "filestream",
    "flat-run-fields-updater",
    "frontend",
    "glue",
    "metric-observer",
    "nginx",
    "parquet",
    "settingsMigrationJob",
    "weave",
    "weave-trace",
    "weave-trace-worker",
    "weave-evaluate-model-worker",
)
DISRUPTION = {"enabled": True, "maxUnavailable": 1}
SPREAD = tuple(
    {"maxSkew": 1, "topologyKey": key, "whenUnsatisfiable": "ScheduleAnyway"}  # the chart adds the labelSelector
    for key in ("topology.kubernetes.io/zone", "kubernetes.io/hostname")
)
CONFINED_CONTAINERS = {"securityContext": CONFINED}
# The services that never call the Kubernetes API: no service account token in their pods. (The chart gives a
# Role to api, app, glue, metric-observer and console; weave-trace and its worker sign in to the app with their
# token; the Go services read their namespace through the downward API for a secret store: all keep theirs.)
NO_API_TOKEN = ("frontend", "weave")
# The services that may run on spot nodes: queue workers whose work is retried when a node goes away.
SPOT_TOLERANT = (
    "executor",
    "flat-run-fields-updater",
    "metric-observer",
    "weave-trace-worker",
    "weave-evaluate-model-worker",
)


def spot_values(spot: SpotNodes) -> dict[str, Any]:
    """The queue workers tolerate the spot nodes' taint and prefer them; nothing else may run there."""
    toleration = {"key": spot.taint_key, "operator": "Equal", "value": spot.taint_value, "effect": "NoSchedule"}
    term = {"matchExpressions": [{"key": spot.label_key, "operator": "In", "values": [spot.label_value]}]}
    preference = [{"weight": 100, "preference": term}]
    preferred = {"nodeAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": preference}}
    return {component: {"tolerations": [toleration], "affinity": preferred} for component in SPOT_TOLERANT}


def topology_values(size: str, weave: bool) -> dict[str, Any]:
    """The services the size runs and their scale, every W&B container confined, no API token where none is
    used, the host-path agent off.
    `weave`: Weave traces are on (weave-trace is sized only then)."""
    values: dict[str, Any] = {component: dict(CONFINED_CONTAINERS) for component in WANDB_COMPONENTS}
    for component in NO_API_TOKEN:
        values[component]["serviceAccount"] = {"automount": False}
    values["otel"] = {"daemonset": {"install": False}}
    if size not in PRODUCTION_SIZES:
        return values
    for component in WANDB_COMPONENTS:  # the chart's defaults, pinned: at most one replica down, spread out
        values[component] |= {"podDisruptionBudget": dict(DISRUPTION), "topologySpreadConstraints": list(SPREAD)}
    scales = production_scales(size)
    if not weave:
        del scales["weave-trace"]
    for component, scale in scales.items():
        values[component] = {**values[component], **scale.values()}
    values["global"] = {"api": {"enabled": True}, "glue": {"enabled": True}, "executor": {"enabled": True}}
    values["frontend"]["install"] = True
    values["executor"]["install"] = True
    values["console"]["replicaCount"] = CONSOLE_REPLICAS  # the chart's sizing otherwise; a stateless UI
    return values
