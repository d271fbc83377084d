"""`observability.mode: cloud` on GKE: Managed Service for Prometheus scrapes W&B and the datastores, its rule
evaluator runs the same alerts (the cluster's and Cloud Monitoring's series), its Alertmanager routes them through
a Secret, the dashboard becomes a Cloud Monitoring one; nothing of kube-prometheus-stack is installed."""

import json

import pytest
import yaml

from components.gcp.managed_prometheus import MONITORING_PACKAGES, alertmanager_config, cloud_dashboard, uptime_rules
from components.k8s.observability import DASHBOARD
from stacks.config import ConfigError, load_config
from tests.conftest import LICENSE, base_gcp_config, run_config

API = "kubernetes:monitoring.googleapis.com/v1"
WEBHOOK = "https://hooks.example.com/services/abcdefghijklmnop"


@pytest.fixture(scope="module")
def cloud():
    return run_config(
        base_gcp_config(
            size="large",
            mysql={"mode": "managed"},
            redis={"mode": "managed"},
            clickhouse={"mode": "replicated"},
            kafka={"mode": "in-cluster"},
            observability={"mode": "cloud", "alertReceiver": "webhook", "alertSecret": WEBHOOK},
        )
    )


def alerts(run, kind: str) -> set[str]:
    return {r["alert"] for g in run.one(f"{API}:{kind}").plain_inputs["spec"]["groups"] for r in g["rules"]}


def test_the_managed_service_alerts_on_everything_the_in_cluster_stack_does(cloud):
    assert {"WandbServiceUnavailable", "WandbMetricsDown", "ClickHouseReplicaDelayed", "KafkaConsumerLag"} <= alerts(
        cloud, "ClusterRules"
    )
    assert "PersistentVolumeFillingUp" in alerts(cloud, "ClusterRules")
    outside = alerts(cloud, "GlobalRules")
    assert {
        "MySQLDown",
        "RedisEvicting",
        "WandbIngressErrors",
        "WandbEndpointFailing",
        "WandbCertificateExpiring",
    } <= outside
    rules = json.dumps(cloud.one(f"{API}:GlobalRules").plain_inputs)
    assert "cloudsql_googleapis_com:database_up" in rules and "stackdriver_" not in rules
    assert not [r for r in cloud.of_type("kubernetes:helm.sh/v3:Release") if "prometheus" in r.plain_inputs["chart"]]


def test_w_and_b_and_the_datastores_are_scraped_and_admit_the_managed_collectors(cloud):
    monitors = {m.plain_inputs["metadata"]["name"]: m.plain_inputs for m in cloud.of_type(f"{API}:PodMonitoring")}
    assert monitors["wandb-app"]["metadata"]["namespace"] == "wandb"
    assert monitors["wandb-app"]["spec"]["endpoints"] == [{"port": "prometheus", "interval": "30s"}]
    assert {"clickhouse", "kafka"} <= set(monitors)
    collectors = {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "gmp-system"}}}
    policies = [p.plain_inputs for p in cloud.of_type("kubernetes:networking.k8s.io/v1:NetworkPolicy")]
    assert any(
        collectors in rule.get("from", []) and {"protocol": "TCP", "port": 8181} in rule["ports"]
        for p in policies
        if p["metadata"]["namespace"] == "wandb"
        for rule in p["spec"].get("ingress", [])
    )


def test_gke_collects_kube_state_metrics_and_its_nodes_may_read_metrics_back(cloud):
    config = cloud.one("gcp:container/cluster:Cluster").plain_inputs["monitoringConfig"]
    assert set(MONITORING_PACKAGES) <= set(config["enableComponents"]) and config["managedPrometheus"]["enabled"]
    roles = {m.plain_inputs["role"] for m in cloud.of_type("gcp:projects/iAMMember:IAMMember") if "nodes" in m.name}
    assert roles == {"roles/container.defaultNodeServiceAccount", "roles/monitoring.viewer"}


def test_the_receiver_lives_only_in_the_managed_alertmanager_s_secret(cloud):
    secret = next(
        s for s in cloud.of_type("kubernetes:core/v1:Secret") if s.plain_inputs["metadata"]["name"] == "alertmanager"
    )
    assert secret.plain_inputs["metadata"]["namespace"] == "gmp-public"
    config = yaml.safe_load(secret.plain_inputs["stringData"]["alertmanager.yaml"])
    assert config["receivers"][0]["webhook_configs"][0]["url"] == WEBHOOK
    others = [r for r in cloud.resources if r.type.startswith("kubernetes:") and r.type != "kubernetes:core/v1:Secret"]
    assert all(WEBHOOK not in json.dumps(r.plain_inputs) for r in others)


def test_each_receiver_s_alertmanager_configuration():
    assert yaml.safe_load(alertmanager_config("slack", "u", "#w"))["receivers"][0]["slack_configs"][0] == {
        "api_url": "u",
        "channel": "#w",
        "send_resolved": True,
    }
    assert (
        yaml.safe_load(alertmanager_config("pagerduty", "k", ""))["receivers"][0]["pagerduty_configs"][0]["routing_key"]
        == "k"
    )


def test_the_dashboard_is_the_project_s_panels_in_cloud_monitoring_s_grid(cloud):
    dashboard = json.loads(cloud_dashboard("wandb"))
    grafana = json.loads(DASHBOARD.read_text())
    tiles = dashboard["mosaicLayout"]["tiles"]
    assert len(tiles) == len([p for p in grafana["panels"] if "probe_" not in json.dumps(p)])
    assert all(t["xPos"] + t["width"] <= 48 for t in tiles) and "$namespace" not in json.dumps(dashboard)
    assert cloud.one("gcp:monitoring/dashboard:Dashboard").plain_inputs["dashboardJson"] == cloud_dashboard("wandb")


def test_w_and_b_s_url_is_checked_from_outside():
    check = run_config(base_gcp_config(observability={"mode": "cloud"})).one(
        "gcp:monitoring/uptimeCheckConfig:UptimeCheckConfig"
    )
    assert check.plain_inputs["monitoredResource"]["labels"]["host"] == "wandb.test.example.com"
    assert check.plain_inputs["httpCheck"]["validateSsl"] is True
    assert 'host="wandb.test.example.com"' in uptime_rules("wandb.test.example.com")[0]["rules"][0]["expr"]


def test_cloud_mode_on_azure_names_its_key():
    config = {
        "azure-native:location": "eastus2",
        "wandb-platform:target": "azure",
        "wandb-platform:host": "https://wandb.test.example.com",
        "wandb-platform:azure": {"acmeEmail": "ops@example.com"},
        "wandb-platform:observability": {"mode": "cloud"},
        "wandb-platform:license": LICENSE,
    }
    with pytest.raises(ConfigError) as error:
        load_config(config, secret_keys=("wandb-platform:license",))
    assert "wandb-platform:observability.mode" in str(error.value) and "'gcp' and 'aws'" in str(error.value)
