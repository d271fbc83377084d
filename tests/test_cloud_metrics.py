"""What only the cloud sees (managed MySQL and Redis, its load balancer) reaches the in-cluster Prometheus through
each cloud's exporter, as a read-only identity, and is alerted on like the rest: the alert set the production
stacks carry, the exporters' identities and what they read."""

import json

import pytest

from components.aws.metrics import PLATFORM_TAG, READ_ACTIONS, aws_signals, yace_config
from components.azure.metrics import MONITORING_READER, azure_signals
from components.gcp.signals import EXPORTER, MANAGED, gcp_signals, url_map_pattern
from components.k8s.alerting import Signals, cloud_rules, signal_alerts
from components.k8s.cloud_metrics import EXPORTER_SERVICE_ACCOUNT
from tests.conftest import planned

RULE = "kubernetes:monitoring.coreos.com/v1:PrometheusRule"
RELEASE = "kubernetes:helm.sh/v3:Release"
# The list: components not ready, 5xx and latency at the ingress, MySQL connections and replication, Redis
# memory and evictions, ClickHouse replica lag and failed inserts, Kafka under-replicated partitions and consumer
# lag, certificate expiry (PVCs filling up: the chart's own KubePersistentVolumeFillingUp, kept on).
PROD_ALERTS = {
    "WandbServiceUnavailable",
    "WandbIngressErrors",
    "WandbIngressSlow",
    "MySQLDown",
    "MySQLConnectionsFailing",
    "MySQLReplicaLagging",
    "RedisMemoryFull",
    "RedisEvicting",
    "ClickHouseReplicaDelayed",
    "ClickHouseInsertsFailing",
    "KafkaUnderReplicatedPartitions",
    "KafkaConsumerLag",
    "WandbCertificateExpiring",
}


def alerts(stack: str) -> dict[str, dict]:
    return {r["alert"]: r for g in planned(stack).one(RULE).plain_inputs["spec"]["groups"] for r in g["rules"]}


def exporter(stack: str) -> dict:
    return next(r.plain_inputs for r in planned(stack).of_type(RELEASE) if r.plain_inputs["name"] == "cloud-metrics")


def test_no_signal_no_alert_and_each_signal_its_own():
    assert cloud_rules(Signals()) == []
    rules = signal_alerts(Signals(redis_evictions="x"))
    assert [r["alert"] for r in rules] == ["RedisEvicting"] and rules[0]["expr"] == "x > 0" and rules[0]["for"]


def test_stackdriver_series_names_follow_the_exporter():
    assert EXPORTER.name("cloudsql_database", "cloudsql.googleapis.com/database/up") == (
        "stackdriver_cloudsql_database_cloudsql_googleapis_com_database_up"
    )
    assert EXPORTER.name("https_lb_rule", "loadbalancing.googleapis.com/https/request_count") == (
        "stackdriver_https_lb_rule_loadbalancing_googleapis_com_https_request_count"
    )


def test_managed_prometheus_names_follow_cloud_monitoring_s_promql_mapping():
    assert MANAGED.name("cloudsql_database", "cloudsql.googleapis.com/database/up") == (
        "cloudsql_googleapis_com:database_up"
    )
    assert MANAGED.per_minute("redis_instance", "redis.googleapis.com/stats/evicted_keys", 'project_id="p"') == (
        'rate(redis_googleapis_com:stats_evicted_keys{monitored_resource="redis_instance", project_id="p"}[5m]) * 60'
    )


def test_gcp_signals_cover_only_what_the_platform_runs():
    assert gcp_signals(EXPORTER, "p", False, False, "") == Signals()
    signals = gcp_signals(EXPORTER, "p", True, False, url_map_pattern("wandb", "wandb"))
    assert signals.mysql_up and not signals.redis_memory_ratio
    assert 'url_map_name=~"k8s2-um-[a-z0-9]+-wandb-wandb-[a-z0-9]+"' in signals.http_error_ratio
    assert 'response_code_class="500"' in signals.http_error_ratio


def test_aws_signals_and_config_follow_yace_names_and_the_platform_tag():
    signals = aws_signals("db.r6g.2xlarge", True, True, True)
    assert signals.mysql_connections_ratio.endswith("/ 3000")  # Aurora's default for the class
    assert not aws_signals("db.x2g.large", False, False, False).mysql_connections_ratio  # unknown class: no guess
    assert "aws_applicationelb_httpcode_target_5_xx_count_sum" in signals.http_error_ratio
    config = json.loads(yace_config("us-east-1", "wandb-aws", True, True, True, True))
    types = [job["type"] for job in config["discovery"]["jobs"]]
    assert types == ["AWS/RDS", "AWS/ElastiCache", "AWS/Kafka", "AWS/Kafka", "AWS/ApplicationELB"]
    assert all(
        job["searchTags"] == [{"key": PLATFORM_TAG, "value": "^wandb-aws$"}] for job in config["discovery"]["jobs"]
    )


def test_azure_signals_have_no_latency_the_gateway_does_not_report():
    signals = azure_signals(True, True, True)
    assert signals.http_error_ratio and not signals.http_latency_seconds
    assert 'dimension=~"5.."' in signals.http_error_ratio


def test_prod_alerts_on_each_thing_the_reference_architecture_lists():
    found = alerts("prod")
    assert PROD_ALERTS <= set(found)
    assert all(rule["labels"]["severity"] in ("critical", "warning") for rule in found.values())
    assert "stackdriver_cloudsql_database" in found["MySQLDown"]["expr"]
    assert "stackdriver_https_lb_rule" in found["WandbIngressErrors"]["expr"]
    stack = next(r for r in planned("prod").of_type(RELEASE) if r.plain_inputs["name"] == "kube-prometheus-stack")
    assert stack.plain_inputs["values"]["defaultRules"]["rules"].get("kubernetesStorage", True)  # PVCs filling up


def test_the_gcp_exporter_reads_monitoring_only_as_its_own_account():
    run = planned("prod")
    grants = [m for m in run.of_type("gcp:projects/iAMMember:IAMMember") if "cloud-metrics" in m.name]
    assert [g.plain_inputs["role"] for g in grants] == ["roles/monitoring.viewer"]
    binding = next(b for b in run.of_type("gcp:serviceaccount/iAMMember:IAMMember") if "cloud-metrics" in b.name)
    assert binding.plain_inputs["member"].endswith(f"[wandb-monitoring/{EXPORTER_SERVICE_ACCOUNT}]")
    values = exporter("prod")["values"]
    assert values["serviceAccount"]["name"] == EXPORTER_SERVICE_ACCOUNT
    assert values["serviceAccount"]["annotations"]["iam.gke.io/gcp-service-account"].startswith("wandb-prod-metrics@")
    assert values["securityContext"]["runAsNonRoot"] and values["containerSecurityContext"]["capabilities"] == {
        "drop": ["ALL"]
    }
    read = values["stackdriver"]["metrics"]["typePrefixes"].split(",")
    assert {t.split(".")[0] for t in read} == {"cloudsql", "redis", "loadbalancing"}
    services = {s.plain_inputs["service"] for s in run.of_type("gcp:projects/service:Service")}
    assert "monitoring.googleapis.com" in services


def test_the_aws_exporter_role_reads_metrics_and_tags_only_and_finds_the_platform_by_its_tag():
    run = planned("aws")
    role = next(r for r in run.of_type("aws:iam/role:Role") if r.name.endswith("cloud-metrics-role"))
    policy = next(p for p in run.of_type("aws:iam/rolePolicy:RolePolicy") if p.name.startswith(role.name))
    statements = json.loads(policy.plain_inputs["policy"])["Statement"]
    assert [s["Action"] for s in statements] == [READ_ACTIONS]
    trust = json.dumps(role.plain_inputs["assumeRolePolicy"])
    assert f"system:serviceaccount:wandb-monitoring:{EXPORTER_SERVICE_ACCOUNT}" in trust
    for typ in ("aws:rds/clusterInstance:ClusterInstance", "aws:elasticache/replicationGroup:ReplicationGroup"):
        assert all(r.plain_inputs["tags"][PLATFORM_TAG] == "wandb-aws" for r in run.of_type(typ))
    controller = next(r for r in run.of_type(RELEASE) if r.plain_inputs["name"] == "aws-load-balancer-controller")
    assert controller.plain_inputs["values"]["defaultTags"][PLATFORM_TAG] == "wandb-aws"  # the ALB carries it
    assert {"MySQLConnectionsHigh", "MySQLReplicaLagging", "RedisEvicting", "WandbIngressErrors"} <= set(alerts("aws"))
    assert "aws_kafka" in alerts("aws")["KafkaUnderReplicatedPartitions"]["expr"]  # MSK's, not Strimzi's


def test_the_azure_exporter_reads_the_resource_group_s_metrics_only():
    run = planned("azure")
    grant = next(g for g in run.of_type("azure-native:authorization:RoleAssignment") if "cloud-metrics" in g.name)
    assert grant.plain_inputs["roleDefinitionId"].endswith(MONITORING_READER)
    assert "/resourceGroups/" in grant.plain_inputs["scope"] and "/providers/" not in grant.plain_inputs["scope"]
    credential = next(
        c for c in run.of_type("azure-native:managedidentity:FederatedIdentityCredential") if "cloud-metrics" in c.name
    )
    assert credential.plain_inputs["subject"] == f"system:serviceaccount:wandb-monitoring:{EXPORTER_SERVICE_ACCOUNT}"
    probes = {p["name"]: p["params"] for p in exporter("azure")["values"]["prometheus"]["metricProbes"]["probes"]}
    assert set(probes) == {"mysql", "mysql-lag", "redis", "redis-evictions", "gateway", "gateway-status"}
    assert "dbformysql" in probes["mysql"]["target"][0].lower()
    assert probes["gateway-status"]["metricFilter"] == ["HttpResponseCode eq '*'"]


@pytest.mark.parametrize("stack", ["dev", "local", "vault"])
def test_without_in_cluster_monitoring_no_exporter_and_no_identity(stack):
    run = planned(stack)
    assert not [r for r in run.resources if "cloud-metrics" in r.name]
