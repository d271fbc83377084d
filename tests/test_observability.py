"""Metrics, alerts and the dashboard in the cluster: the chart's values, the platform's rules and routing, the
committed production stacks, and the alert receiver's secret."""

import json

import pytest

from components.k8s.alerting import alert_rules
from components.k8s.observability import (
    DASHBOARD,
    NODE_EXPORTER_RULES,
    InClusterObservabilityArgs,
    receiver_spec,
    stack_values,
)
from stacks.config import ConfigError, load_config
from tests.conftest import LICENSE, base_gcp_config, leaves, planned, run_config

RULE = "kubernetes:monitoring.coreos.com/v1:PrometheusRule"
POD_MONITOR = "kubernetes:monitoring.coreos.com/v1:PodMonitor"
ROUTING = "kubernetes:monitoring.coreos.com/v1alpha1:AlertmanagerConfig"
WEBHOOK = "https://hooks.slack.com/services/T000/B000/abcdefghijklmnopqrstuvwx"


def test_the_stack_selects_every_rule_and_monitor_keeps_its_volumes_encrypted_and_runs_no_node_exporter():
    values = stack_values(InClusterObservabilityArgs(namespace="m", wandb_namespace="w", storage_class="enc"))
    assert values["nodeExporter"] == {"enabled": False}
    assert all(values["defaultRules"]["rules"][rule] is False for rule in NODE_EXPORTER_RULES)
    spec = values["prometheus"]["prometheusSpec"]
    assert spec["retention"] == "15d" and spec["replicas"] == 2
    assert spec["storageSpec"]["volumeClaimTemplate"]["spec"]["storageClassName"] == "enc"
    assert all(spec[f"{kind}SelectorNilUsesHelmValues"] is False for kind in ("rule", "podMonitor", "serviceMonitor"))
    manager = values["alertmanager"]["alertmanagerSpec"]
    assert manager["alertmanagerConfigMatcherStrategy"] == {"type": "None"}
    assert values["grafana"]["admin"]["existingSecret"] == "grafana-admin"
    assert values["grafana"]["service"] == {"type": "ClusterIP"}  # through the cluster only
    assert values["kubeControllerManager"] == {"enabled": False} and values["kubeEtcd"] == {"enabled": False}


def test_the_alerts_watch_w_and_b_s_namespace():
    (group,) = alert_rules("wandb", "wandb-monitoring/wandb-app")
    alerts = {r["alert"]: r for r in group["rules"]}
    assert set(alerts) == {"WandbServiceUnavailable", "WandbPodRestarting", "WandbMetricsDown"}
    assert all('namespace="wandb"' in r["expr"] for r in alerts.values())
    assert 'job="wandb-monitoring/wandb-app"' in alerts["WandbMetricsDown"]["expr"]


@pytest.mark.parametrize("receiver", ["webhook", "slack", "pagerduty"])
def test_each_receiver_reads_its_url_or_key_from_the_secret(receiver):
    spec = receiver_spec(receiver, "#alerts" if receiver == "slack" else "")
    (config,) = next(v for k, v in spec.items() if k.endswith("Configs"))
    reference = config.get("urlSecret") or config.get("apiURL") or config.get("routingKey")
    assert reference == {"name": "alert-receiver", "key": "secret"}


def test_the_dashboard_is_valid_grafana_json_on_w_and_b_s_namespace():
    dashboard = json.loads(DASHBOARD.read_text())
    assert dashboard["uid"] == "wandb-platform" and len(dashboard["panels"]) >= 6
    assert all("$namespace" in t["expr"] for p in dashboard["panels"] for t in p["targets"])
    assert len({p["id"] for p in dashboard["panels"]}) == len(dashboard["panels"])


def test_production_runs_the_stack_beside_w_and_b_and_lets_it_scrape_the_app():
    run = planned("prod")
    release = next(
        r for r in run.of_type("kubernetes:helm.sh/v3:Release") if r.plain_inputs["name"] == "kube-prometheus-stack"
    )
    assert release.plain_inputs["namespace"] == "wandb-monitoring"
    spec = release.plain_inputs["values"]["prometheus"]["prometheusSpec"]
    assert spec["replicas"] == 2 and spec["storageSpec"]["volumeClaimTemplate"]["spec"]["storageClassName"]
    namespaces = {n.plain_inputs["metadata"]["name"]: n for n in run.of_type("kubernetes:core/v1:Namespace")}
    assert (
        namespaces["wandb-monitoring"].plain_inputs["metadata"]["labels"]["pod-security.kubernetes.io/enforce"]
        == "restricted"
    )
    assert run.one(RULE).plain_inputs["metadata"]["namespace"] == "wandb-monitoring"
    monitors = {m.plain_inputs["metadata"]["name"]: m.plain_inputs["spec"] for m in run.of_type(POD_MONITOR)}
    assert monitors["wandb-app"]["namespaceSelector"] == {"matchNames": ["wandb"]}
    assert monitors["clickhouse"]["namespaceSelector"] == {"matchNames": ["wandb-clickhouse"]}
    assert monitors["kafka"]["podMetricsEndpoints"] == [{"port": "tcp-prometheus", "path": "/metrics"}]
    alerts = {r["alert"] for g in run.one(RULE).plain_inputs["spec"]["groups"] for r in g["rules"]}
    assert {"ClickHouseReplicaDelayed", "ClickHouseInsertsFailing"} <= alerts
    assert {"KafkaUnderReplicatedPartitions", "KafkaConsumerLag"} <= alerts
    dashboard = next(c for c in run.of_type("kubernetes:core/v1:ConfigMap") if c.name.endswith("-dashboard"))
    assert dashboard.plain_inputs["metadata"]["labels"]["grafana_dashboard"] == "1"
    scrape = next(
        p.plain_inputs["spec"]
        for p in run.of_type("kubernetes:networking.k8s.io/v1:NetworkPolicy")
        if p.plain_inputs["metadata"]["name"] == "allow-from-the-load-balancer"
        and p.plain_inputs["metadata"]["namespace"] == "wandb"
    )
    monitoring = {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "wandb-monitoring"}}}
    assert {"from": [monitoring], "ports": [{"protocol": "TCP", "port": 8181}]} in scrape["ingress"]
    assert not run.of_type(ROUTING)  # no receiver configured


@pytest.mark.parametrize("stack", ["aws", "azure"])
def test_the_other_production_stacks_observe_too(stack):
    assert planned(stack).one(RULE)


def test_dev_runs_no_monitoring_stack():
    assert not planned("dev").of_type(RULE)


def test_alerts_reach_slack_through_a_secret_only():
    run = run_config(
        base_gcp_config(
            observability={
                "mode": "in-cluster",
                "alertReceiver": "slack",
                "alertSecret": WEBHOOK,
                "slackChannel": "#wandb",
            }
        )
    )
    secret = next(
        s for s in run.of_type("kubernetes:core/v1:Secret") if s.plain_inputs["metadata"]["name"] == "alert-receiver"
    )
    assert secret.plain_inputs["stringData"]["secret"] == WEBHOOK
    routing = run.one(ROUTING).plain_inputs
    assert routing["metadata"]["labels"]["wandb-platform/alerts"] == "true"
    assert routing["spec"]["receivers"][0]["slackConfigs"][0]["channel"] == "#wandb"
    for r in run.resources:
        if r.type.startswith("kubernetes:") and r.type != "kubernetes:core/v1:Secret":
            assert WEBHOOK not in list(leaves(r.plain_inputs)), r.name


def config_problems(**observability) -> str:
    config = {**base_gcp_config(observability=observability), "wandb-platform:license": LICENSE}
    with pytest.raises(ConfigError) as error:
        load_config(config, secret_keys=("wandb-platform:license",))
    return str(error.value)


def test_a_receiver_needs_its_secret_and_the_secret_must_be_encrypted():
    assert "wandb-platform:observability" in config_problems(mode="in-cluster", alertReceiver="webhook")
    found = config_problems(mode="in-cluster", alertReceiver="webhook", alertSecret=WEBHOOK)
    assert "wandb-platform:observability.alertSecret" in found and WEBHOOK not in found
    assert "wandb-platform:observability.mode" in config_problems(mode="prometheus")


def test_the_datastores_export_their_metrics_to_the_monitoring_namespace_only():
    run = planned("prod")
    chi = run.one("kubernetes:clickhouse.altinity.com/v1:ClickHouseInstallation").plain_inputs["spec"]
    settings = chi["configuration"]["settings"]
    assert settings["prometheus/port"] == 9363 and settings["prometheus/asynchronous_metrics"] == 1
    server = chi["templates"]["podTemplates"][0]["spec"]["containers"][0]
    assert server["ports"] == [{"name": "metrics", "containerPort": 9363}]
    kafka = run.one("kubernetes:kafka.strimzi.io/v1:Kafka").plain_inputs["spec"]
    assert kafka["kafka"]["metricsConfig"]["type"] == "jmxPrometheusExporter" and "kafkaExporter" in kafka
    config = next(
        c for c in run.of_type("kubernetes:core/v1:ConfigMap") if c.plain_inputs["metadata"]["name"] == "kafka-metrics"
    )
    assert "UnderReplicatedPartitions" in config.plain_inputs["data"]["kafka-metrics-config.yml"]
    monitoring = {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "wandb-monitoring"}}}
    for namespace, port in (("wandb-clickhouse", 9363), ("wandb-kafka", 9404)):
        (policy,) = [
            p.plain_inputs["spec"]
            for p in run.of_type("kubernetes:networking.k8s.io/v1:NetworkPolicy")
            if p.plain_inputs["metadata"]["namespace"] == namespace
        ]
        assert {"from": [monitoring], "ports": [{"protocol": "TCP", "port": port}]} in policy["ingress"]


def test_without_monitoring_the_datastores_export_nothing():
    chi = planned("dev").of_type("kubernetes:clickhouse.altinity.com/v1:ClickHouseInstallation")
    assert not chi  # dev runs one server: nothing replicated to watch
    kafka = run_config(base_gcp_config(kafka={"mode": "in-cluster"})).one("kubernetes:kafka.strimzi.io/v1:Kafka")
    assert "kafkaExporter" not in kafka.plain_inputs["spec"]


def test_w_and_b_s_url_is_probed_through_the_load_balancer_for_failures_latency_and_certificate_expiry():
    run = planned("prod")
    probe = run.one("kubernetes:monitoring.coreos.com/v1:Probe").plain_inputs["spec"]
    assert probe["targets"]["staticConfig"]["static"] == ["https://wandb.example.com"]
    assert probe["prober"]["url"] == "prometheus-blackbox-exporter.wandb-monitoring.svc:9115"
    exporter = next(
        r
        for r in run.of_type("kubernetes:helm.sh/v3:Release")
        if r.plain_inputs["name"] == "prometheus-blackbox-exporter"
    )
    assert exporter.plain_inputs["values"]["podSecurityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
    alerts = {r["alert"]: r for g in run.one(RULE).plain_inputs["spec"]["groups"] for r in g["rules"]}
    assert 'job="wandb-endpoint"' in alerts["WandbCertificateExpiring"]["expr"]
    assert {"WandbEndpointFailing", "WandbEndpointSlow"} <= set(alerts)


def test_without_an_ingress_nothing_is_probed():
    run = run_config(
        {
            "wandb-platform:target": "existing",
            "wandb-platform:host": "http://localhost:8080",
            "wandb-platform:ingress": {"create": False, "tls": False},
            "wandb-platform:observability": {"mode": "in-cluster"},
        }
    )
    assert run.one(RULE) and not run.of_type("kubernetes:monitoring.coreos.com/v1:Probe")


@pytest.mark.parametrize(("stack", "gb"), [("prod", 100), ("aws", 100)])
def test_prometheus_volume_follows_the_size(stack, gb):
    release = next(
        r
        for r in planned(stack).of_type("kubernetes:helm.sh/v3:Release")
        if r.plain_inputs["name"] == "kube-prometheus-stack"
    )
    claim = release.plain_inputs["values"]["prometheus"]["prometheusSpec"]["storageSpec"]["volumeClaimTemplate"]
    assert claim["spec"]["resources"]["requests"]["storage"] == f"{gb}Gi"
