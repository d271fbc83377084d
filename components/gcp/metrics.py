"""Cloud Monitoring's series of Cloud SQL, Memorystore and W&B's load balancer, in the in-cluster Prometheus:
the community's Stackdriver exporter, as a Google service account that may only read monitoring data."""

from __future__ import annotations

import pulumi
import pulumi_gcp as gcp

from ..k8s.alerting import Signals
from ..k8s.cloud_metrics import EXPORTER_SERVICE_ACCOUNT, CloudMetrics
from ..k8s.pod_security import RESTRICTED_CONTAINER, RESTRICTED_POD
from .identity import GKE_SA_ANNOTATION, pod_identity

CHART = "prometheus-stackdriver-exporter"
CHART_VERSION = "4.13.0"  # exporter v0.19.0
CHART_REPO = "https://prometheus-community.github.io/helm-charts"


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
