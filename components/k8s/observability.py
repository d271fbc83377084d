"""Metrics, alerts and a dashboard in the cluster: kube-prometheus-stack (the Prometheus Operator, Prometheus,
Alertmanager, Grafana, kube-state-metrics) in a namespace of its own, its volumes on the cluster's encrypted
class, Grafana's admin password generated into a Secret and Grafana reachable only through the cluster
(`kubectl port-forward`); W&B's app metrics scraped; the platform's alerting rules; the W&B dashboard this
project ships; and alert routing to a webhook, Slack or PagerDuty whose URL or key lives only in a Secret.

Node-exporter stays off (with its rules): it needs the host's network, PID namespace and paths, which
PodSecurity refuses, and each cloud already reports its nodes; every other pod of the chart meets `restricted`,
which the namespace enforces. So do the scrapes of control-plane components a managed cluster does not
expose.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi
import pulumi_kubernetes as k8s
import pulumi_random as random

from ..contracts import RemotePrometheus
from .alerting import alert_rules, cloud_rules, datastore_rules, probe_rules, volume_rules
from .cloud_metrics import CloudMetrics
from .helm import chart_release
from .images import Registry
from .namespace import MANAGED_BY, restricted_namespace

TOKEN = "wandb-platform:index:InClusterObservability"
CHART_REPO = "https://prometheus-community.github.io/helm-charts"
DASHBOARD = Path(__file__).with_name("dashboards") / "wandb-platform.json"
ALERTS_LABEL = {"wandb-platform/alerts": "true"}
GRAFANA_ADMIN = "grafana-admin"
METRICS_PORT = 8181  # W&B's app serves Prometheus metrics here (its container port named `prometheus`)
BLACKBOX = "prometheus-blackbox-exporter"
PROBE_JOB = "wandb-endpoint"
# Not scraped (their rules and dashboards go with them): the cloud runs the control plane's, Cilium-based data
# planes have no kube-proxy, and GKE's DNS is not CoreDNS.
NOT_SCRAPED = ("kubeControllerManager", "kubeScheduler", "kubeEtcd", "kubeProxy", "coreDns")
PROMETHEUS_SA, GRAFANA_SA = "prometheus", "grafana"  # their service accounts, for a workload identity
AGENT_WAL_GB = 10  # agent mode keeps only what it has not yet written
NODE_EXPORTER_RULES = ("nodeExporterAlerting", "nodeExporterRecording", "node", "kubePrometheusNodeRecording")


@dataclass
class InClusterObservabilityArgs:
    namespace: str
    wandb_namespace: str
    storage_class: str = ""
    retention_days: int = 15
    storage_gb: int = 50
    replicas: int = 2
    receiver: str = "none"  # none | webhook | slack | pagerduty
    receiver_secret: pulumi.Input[str] | None = None  # the webhook or Slack URL, or PagerDuty's routing key
    slack_channel: str = ""
    chart_version: str = "88.5.3"
    clickhouse_namespace: str = ""  # a replicated ClickHouse exporting its metrics there ("" = none)
    kafka_namespace: str = ""  # Strimzi's brokers and Kafka Exporter there ("" = none)
    probe_url: str = ""  # W&B's URL, probed through its load balancer as users reach it ("" = none)
    blackbox_chart_version: str = "11.17.2"
    cloud_metrics: CloudMetrics | None = None  # the cloud's exporter of its managed stores' and balancer's series
    remote: RemotePrometheus | None = None  # agent mode: every series to this managed Prometheus, which alerts
    registry: Registry = field(default_factory=Registry)  # where images and charts come from


def rule_groups(args: InClusterObservabilityArgs) -> list[dict[str, Any]]:
    """Every rule group of the platform, for what it runs: W&B, the datastores in the cluster, W&B's URL, the
    cloud's series, and (where kube-prometheus-stack's own rules do not run: agent mode) full volumes."""
    return [
        *alert_rules(args.wandb_namespace, f"{args.namespace}/wandb-app"),
        *datastore_rules(bool(args.clickhouse_namespace), bool(args.kafka_namespace)),
        *(probe_rules(PROBE_JOB) if args.probe_url else []),
        *(cloud_rules(args.cloud_metrics.signals) if args.cloud_metrics else []),
        *([{"name": "wandb-platform.volumes", "rules": volume_rules()}] if args.remote else []),
    ]


def stack_values(args: InClusterObservabilityArgs) -> dict[str, Any]:
    """kube-prometheus-stack's values: every PrometheusRule, PodMonitor and ServiceMonitor of the cluster
    selected, volumes on the encrypted class, replicas by high availability, no node-exporter."""

    def volume(gb: int) -> dict[str, Any]:
        spec = {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": f"{gb}Gi"}}}
        if args.storage_class:
            spec["storageClassName"] = args.storage_class
        return {"volumeClaimTemplate": {"spec": spec}}

    values: dict[str, Any] = {
        "nodeExporter": {"enabled": False},
        "defaultRules": {"rules": dict.fromkeys(NODE_EXPORTER_RULES, False)},  # they stay without node-exporter
        "prometheus": {
            "prometheusSpec": {
                "replicas": args.replicas,
                "retention": f"{args.retention_days}d",
                "storageSpec": volume(args.storage_gb),
                **{
                    f"{kind}SelectorNilUsesHelmValues": False
                    for kind in ("rule", "serviceMonitor", "podMonitor", "probe")
                },
            }
        },
        "alertmanager": {
            "alertmanagerSpec": {
                "replicas": args.replicas,
                "storage": volume(5),
                "alertmanagerConfigSelector": {"matchLabels": dict(ALERTS_LABEL)},
                "alertmanagerConfigMatcherStrategy": {"type": "None"},  # our route takes every alert
            }
        },
        "grafana": {
            "admin": {"existingSecret": GRAFANA_ADMIN, "userKey": "admin-user", "passwordKey": "admin-password"},
            "service": {"type": "ClusterIP"},
            "sidecar": {"dashboards": {"enabled": True, "label": "grafana_dashboard", "labelValue": "1"}},
        },
    }
    values.update({component: {"enabled": False} for component in NOT_SCRAPED})
    if args.remote is not None:
        values = agent_values(values, args.remote)
    return values


def agent_values(values: dict[str, Any], remote: RemotePrometheus) -> dict[str, Any]:
    """Prometheus in agent mode writing every series to the managed Prometheus (SigV4, as its workload identity):
    a small write-ahead log in place of the samples, no Alertmanager or rules here (the managed side evaluates
    and routes), Grafana reading the managed Prometheus as its own identity."""
    spec = values["prometheus"]["prometheusSpec"]
    del spec["retention"]
    spec["storageSpec"]["volumeClaimTemplate"]["spec"]["resources"]["requests"]["storage"] = f"{AGENT_WAL_GB}Gi"
    spec["remoteWrite"] = [{"url": remote.remote_write_url, "sigv4": {"region": remote.region}}]
    values["prometheus"] |= {
        "agentMode": True,
        "serviceAccount": {"name": PROMETHEUS_SA, "annotations": dict(remote.writer_annotations)},
    }
    values["alertmanager"] = {"enabled": False}
    values["defaultRules"] = {"create": False}
    source = {
        "name": "Amazon Managed Prometheus",
        "type": "prometheus",
        "url": remote.query_url,
        "isDefault": True,
        "jsonData": {"sigV4Auth": True, "sigV4AuthType": "default", "sigV4Region": remote.region, "httpMethod": "POST"},
    }
    values["grafana"] |= {
        "serviceAccount": {"name": GRAFANA_SA, "annotations": dict(remote.reader_annotations)},
        "grafana.ini": {"auth": {"sigv4_auth_enabled": True}},
        "additionalDataSources": [source],
    }
    values["grafana"]["sidecar"]["datasources"] = {"defaultDatasourceEnabled": False}
    return values


def receiver_spec(receiver: str, slack_channel: str) -> dict[str, Any]:
    """An AlertmanagerConfig receiver whose URL or key is read from the Secret `alert-receiver`, key `secret`."""
    secret = {"name": "alert-receiver", "key": "secret"}
    if receiver == "webhook":
        return {"name": "platform", "webhookConfigs": [{"urlSecret": secret, "sendResolved": True}]}
    if receiver == "slack":
        config: dict[str, Any] = {"apiURL": secret, "sendResolved": True}
        if slack_channel:
            config["channel"] = slack_channel
        return {"name": "platform", "slackConfigs": [config]}
    return {"name": "platform", "pagerdutyConfigs": [{"routingKey": secret, "sendResolved": True}]}


class InClusterObservability(pulumi.ComponentResource):
    """Pass the cluster's Kubernetes provider in `opts.providers`. Exposes `namespace` and `release` (what the
    custom resources of the Prometheus Operator wait for)."""

    def __init__(self, name: str, args: InClusterObservabilityArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__(TOKEN, name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.namespace = restricted_namespace(f"{name}-ns", args.namespace, child, args.registry).metadata.name
        password = random.RandomPassword(f"{name}-grafana-admin", length=32, special=False, opts=child)
        admin = k8s.core.v1.Secret(
            f"{name}-grafana-admin",
            metadata={"name": GRAFANA_ADMIN, "namespace": self.namespace, "labels": MANAGED_BY},
            string_data={"admin-user": "admin", "admin-password": password.result},
            opts=child,
        )
        self.release = chart_release(
            f"{name}-stack",
            chart="kube-prometheus-stack",
            version=args.chart_version,
            repository=CHART_REPO,
            namespace=self.namespace,
            values=stack_values(args),
            registry=args.registry,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[admin]),
        )
        after = pulumi.ResourceOptions(parent=self, depends_on=[self.release])  # the CRDs come with the chart
        if args.remote is None:  # in agent mode the managed Prometheus evaluates them (`rule_groups`)
            self._custom(f"{name}-rules", "PrometheusRule", "wandb-platform", {"groups": rule_groups(args)}, after)
        monitors = {
            "clickhouse": (args.clickhouse_namespace, {"clickhouse.altinity.com/app": "chop"}, "metrics"),
            "kafka": (args.kafka_namespace, {"strimzi.io/kind": "Kafka"}, "tcp-prometheus"),
        }
        for store, (namespace, labels, port) in monitors.items():
            if namespace:
                spec = {
                    "namespaceSelector": {"matchNames": [namespace]},
                    "selector": {"matchLabels": labels},
                    "podMetricsEndpoints": [{"port": port, "path": "/metrics"}],
                }
                self._custom(f"{name}-{store}", "PodMonitor", store, spec, after)
        self._custom(
            f"{name}-wandb-app",
            "PodMonitor",
            "wandb-app",
            {
                "namespaceSelector": {"matchNames": [args.wandb_namespace]},
                "selector": {},
                "podMetricsEndpoints": [{"port": "prometheus", "path": "/metrics"}],  # only pods with that port
            },
            after,
        )
        k8s.core.v1.ConfigMap(
            f"{name}-dashboard",
            metadata={
                "name": "wandb-platform-dashboard",
                "namespace": self.namespace,
                "labels": {**MANAGED_BY, "grafana_dashboard": "1"},
            },
            data={"wandb-platform.json": json.dumps(json.loads(DASHBOARD.read_text()), sort_keys=True)},
            opts=child,
        )
        if args.receiver != "none" and args.remote is None:
            self._routing(name, args, after)
        if args.probe_url:
            self._probe(name, args, after)
        if args.cloud_metrics:
            self._cloud_exporter(name, args.cloud_metrics, args.registry, after)
        self.register_outputs({"namespace": self.namespace})

    def _custom(self, name: str, kind: str, object_name: str, spec: dict, opts: pulumi.ResourceOptions, labels=None):
        return k8s.apiextensions.CustomResource(
            name,
            api_version="monitoring.coreos.com/v1alpha1"
            if kind == "AlertmanagerConfig"
            else "monitoring.coreos.com/v1",
            kind=kind,
            metadata={"name": object_name, "namespace": self.namespace, "labels": {**MANAGED_BY, **(labels or {})}},
            spec=spec,
            opts=opts,
        )

    def _probe(self, name: str, args: InClusterObservabilityArgs, opts: pulumi.ResourceOptions) -> None:
        """The Blackbox exporter (restricted: non-root, read-only, every capability dropped, RuntimeDefault) and
        a Probe of W&B's URL through it."""
        exporter = chart_release(  # the release holds the chart's name: the Service is called just that
            f"{name}-blackbox",
            chart=BLACKBOX,
            version=args.blackbox_chart_version,
            repository=CHART_REPO,
            namespace=self.namespace,
            values={"podSecurityContext": {"seccompProfile": {"type": "RuntimeDefault"}}},
            registry=args.registry,
            opts=pulumi.ResourceOptions(parent=self),
        )
        spec = {
            "jobName": PROBE_JOB,
            "prober": {"url": pulumi.Output.concat(BLACKBOX, ".", self.namespace, ".svc:9115")},
            "module": "http_2xx",
            "interval": "60s",
            "targets": {"staticConfig": {"static": [args.probe_url]}},
        }
        self._custom(
            f"{name}-probe",
            "Probe",
            "wandb",
            spec,
            pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(depends_on=[exporter])),
        )

    def _cloud_exporter(
        self, name: str, metrics: CloudMetrics, registry: Registry, opts: pulumi.ResourceOptions
    ) -> None:
        """The cloud's exporter, its ServiceMonitor created by its chart (so after the Operator's CRDs)."""
        chart_release(
            f"{name}-cloud-metrics",
            name="cloud-metrics",
            chart=metrics.chart,
            version=metrics.version,
            repository=metrics.repository,
            namespace=self.namespace,
            values=metrics.values,
            registry=registry,
            opts=opts,
        )

    def _routing(self, name: str, args: InClusterObservabilityArgs, opts: pulumi.ResourceOptions) -> None:
        """Every alert to one receiver, its URL or key in a Secret that only Alertmanager reads."""
        secret = k8s.core.v1.Secret(
            f"{name}-alert-receiver",
            metadata={"name": "alert-receiver", "namespace": self.namespace, "labels": MANAGED_BY},
            string_data={"secret": pulumi.Output.secret(args.receiver_secret)},
            opts=pulumi.ResourceOptions(parent=self),
        )
        route = {
            "receiver": "platform",
            "groupBy": ["alertname", "namespace"],
            "groupWait": "30s",
            "repeatInterval": "4h",
        }
        self._custom(
            f"{name}-alert-routing",
            "AlertmanagerConfig",
            "platform",
            {"route": route, "receivers": [receiver_spec(args.receiver, args.slack_channel)]},
            pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(depends_on=[secret])),
            labels=ALERTS_LABEL,
        )
