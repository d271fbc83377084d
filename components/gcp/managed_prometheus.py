"""`observability.mode: cloud` on GKE: Google Cloud Managed Service for Prometheus, which the cluster already
runs, collects W&B's and the datastores' metrics (PodMonitoring) and GKE's kube-state-metrics packages; its
managed rule evaluator runs the platform's alerts (ClusterRules over the cluster's series, GlobalRules over Cloud
SQL's, Memorystore's, the load balancer's and an uptime check's), and its managed Alertmanager routes them to the
receiver, whose URL or key lives only in the Alertmanager's Secret. The dashboard is this project's, as a Cloud
Monitoring dashboard. Nothing runs in the cluster but Google's own agents."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import pulumi
import pulumi_gcp as gcp
import pulumi_kubernetes as k8s
import yaml

from ..k8s.alerting import Signals, alert_rules, cloud_rules, datastore_rules, endpoint_rules, volume_rules
from ..k8s.namespace import MANAGED_BY
from ..k8s.observability import DASHBOARD
from .signals import MANAGED

TOKEN = "wandb-platform:index:GkeManagedMonitoring"
API = "monitoring.googleapis.com/v1"
# GKE's kube-state-metrics packages and the kubelet's and cAdvisor's series: what the alerts and the dashboard read.
MONITORING_PACKAGES = ("DEPLOYMENT", "POD", "STATEFULSET", "DAEMONSET", "HPA", "STORAGE", "KUBELET", "CADVISOR")
APP_JOB = "wandb-app"  # GMP names a PodMonitoring's job after it
UPTIME = "monitoring.googleapis.com/uptime_check"


@dataclass
class GkeManagedMonitoringArgs:
    project: str
    wandb_namespace: str
    instance_name: str
    host: str = ""  # W&B's URL, checked from Google's uptime checkers ("" = not checked)
    signals: Signals = field(default_factory=Signals)  # Cloud Monitoring's series of the managed stores
    clickhouse_namespace: str = ""  # a replicated ClickHouse exporting its metrics there ("" = none)
    kafka_namespace: str = ""  # Strimzi's brokers and Kafka Exporter there ("" = none)
    receiver: str = "none"  # none | webhook | slack | pagerduty
    receiver_secret: pulumi.Input[str] | None = None
    slack_channel: str = ""


def uptime_rules(host: str) -> list[dict[str, Any]]:
    """The endpoint alert group over the uptime check of `host` (Cloud Monitoring's series, read in PromQL)."""

    def series(metric: str) -> str:
        return MANAGED.gauge("uptime_url", f"{UPTIME}/{metric}", f'host="{host}"')

    return endpoint_rules(
        f"max({series('check_passed')})",
        f"avg({series('request_latency')}) / 1000",
        f"min({series('time_until_ssl_cert_expires')}) * 86400",
    )


def alertmanager_config(receiver: str, secret: str, slack_channel: str) -> str:
    """The managed Alertmanager's configuration: every alert to one receiver."""
    if receiver == "webhook":
        config: dict[str, Any] = {"webhook_configs": [{"url": secret, "send_resolved": True}]}
    elif receiver == "slack":
        slack = {"api_url": secret, "send_resolved": True, **({"channel": slack_channel} if slack_channel else {})}
        config = {"slack_configs": [slack]}
    else:
        config = {"pagerduty_configs": [{"routing_key": secret, "send_resolved": True}]}
    route = {"receiver": "platform", "group_by": ["alertname", "namespace"], "repeat_interval": "4h"}
    return yaml.safe_dump({"route": route, "receivers": [{"name": "platform", **config}]}, sort_keys=True)


def cloud_dashboard(namespace: str) -> str:
    """This project's Grafana dashboard as a Cloud Monitoring dashboard: the same panels and PromQL (Grafana's
    24-column grid doubled onto Cloud Monitoring's 48), but the Blackbox probe's, which the uptime check replaces."""
    grafana = json.loads(DASHBOARD.read_text())
    tiles = []
    for panel in grafana["panels"]:
        queries = [t["expr"].replace("$namespace", namespace) for t in panel.get("targets", [])]
        if any("probe_" in q for q in queries):
            continue
        grid = panel["gridPos"]
        data = [{"timeSeriesQuery": {"prometheusQuery": q}, "plotType": "LINE"} for q in queries]
        tiles.append(
            {
                "xPos": grid["x"] * 2,
                "yPos": grid["y"] * 2,
                "width": grid["w"] * 2,
                "height": grid["h"] * 2,
                "widget": {"title": panel["title"], "xyChart": {"dataSets": data}},
            }
        )
    return json.dumps(
        {"displayName": grafana["title"], "mosaicLayout": {"columns": 48, "tiles": tiles}}, sort_keys=True
    )


class GkeManagedMonitoring(pulumi.ComponentResource):
    """Pass the cluster's Kubernetes provider in `opts.providers` (the GCP provider is the default one)."""

    def __init__(self, name: str, args: GkeManagedMonitoringArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__(TOKEN, name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        monitors = {
            APP_JOB: (args.wandb_namespace, {"app.kubernetes.io/instance": args.instance_name}, "prometheus"),
            "clickhouse": (args.clickhouse_namespace, {"clickhouse.altinity.com/app": "chop"}, "metrics"),
            "kafka": (args.kafka_namespace, {"strimzi.io/kind": "Kafka"}, "tcp-prometheus"),
        }
        for job, (namespace, labels, port) in monitors.items():
            if namespace:
                spec = {"selector": {"matchLabels": labels}, "endpoints": [{"port": port, "interval": "30s"}]}
                self._custom(f"{name}-{job}", "PodMonitoring", job, spec, child, namespace)
        in_cluster = [
            *alert_rules(args.wandb_namespace, APP_JOB),
            *datastore_rules(bool(args.clickhouse_namespace), bool(args.kafka_namespace)),
            {"name": "wandb-platform.volumes", "rules": volume_rules()},
        ]
        self._custom(f"{name}-rules", "ClusterRules", "wandb-platform", {"groups": in_cluster}, child)
        outside = list(cloud_rules(args.signals))
        host = urlsplit(args.host).hostname or ""
        if host:
            self._uptime_check(name, args.project, host, child)
            outside += uptime_rules(host)
        if outside:
            self._custom(f"{name}-cloud-rules", "GlobalRules", "wandb-platform-cloud", {"groups": outside}, child)
        if args.receiver != "none":
            config = pulumi.Output.secret(args.receiver_secret).apply(
                lambda secret: alertmanager_config(args.receiver, secret, args.slack_channel)
            )
            k8s.core.v1.Secret(  # the managed Alertmanager reads this Secret, and only it holds the receiver
                f"{name}-alertmanager",
                metadata={"name": "alertmanager", "namespace": "gmp-public", "labels": MANAGED_BY},
                string_data={"alertmanager.yaml": config},
                opts=child,
            )
        gcp.monitoring.Dashboard(
            f"{name}-dashboard", project=args.project, dashboard_json=cloud_dashboard(args.wandb_namespace), opts=child
        )
        self.register_outputs({})

    def _uptime_check(self, name: str, project: str, host: str, opts: pulumi.ResourceOptions) -> None:
        gcp.monitoring.UptimeCheckConfig(
            f"{name}-uptime",
            project=project,
            display_name=f"W&B {host}",
            timeout="10s",
            period="60s",
            http_check={"use_ssl": True, "validate_ssl": True, "path": "/", "port": 443},
            monitored_resource={"type": "uptime_url", "labels": {"project_id": project, "host": host}},
            opts=opts,
        )

    def _custom(self, name: str, kind: str, object_name: str, spec: dict, opts, namespace: str = ""):
        metadata: dict[str, Any] = {"name": object_name, "labels": MANAGED_BY}
        if namespace:
            metadata["namespace"] = namespace
        return k8s.apiextensions.CustomResource(
            name, api_version=API, kind=kind, metadata=metadata, spec=spec, opts=opts
        )
