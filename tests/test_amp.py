"""`observability.mode: cloud` on AWS: Prometheus in agent mode writes every series to an Amazon Managed Prometheus
workspace (its own key, an IRSA role that may only write there), which evaluates the platform's rules and alerts
through an encrypted SNS topic; Grafana reads the workspace as a role that may only query it."""

import json

import pytest
import yaml

from components.aws.managed_prometheus import QUERY_ACTIONS, WRITE_ACTIONS, subscription_endpoint
from stacks.config import ConfigError, load_config
from tests.conftest import LICENSE, TEST_CERTIFICATE_ARN, base_aws_config, run_config

HOOK = "https://alerts.example.com/sns/abcdefghijklmnop"


def amp_config(**observability):
    return base_aws_config(
        aws={"certificateArn": TEST_CERTIFICATE_ARN},
        size="large",
        mysql={"mode": "managed"},
        redis={"mode": "managed"},
        observability={"mode": "cloud", **observability},
    )


@pytest.fixture(scope="module")
def amp():
    return run_config(amp_config(alertReceiver="webhook", alertSecret=HOOK))


def named(run, typ: str, suffix: str):
    (found,) = [r for r in run.of_type(typ) if r.name.endswith(suffix)]
    return found


def test_prometheus_runs_as_an_agent_writing_to_the_workspace_and_grafana_reads_it(amp):
    workspace = amp.one("aws:amp/workspace:Workspace")
    endpoint = workspace.outputs["prometheusEndpoint"]
    stack = next(
        r for r in amp.of_type("kubernetes:helm.sh/v3:Release") if r.plain_inputs["name"] == "kube-prometheus-stack"
    )
    values = stack.plain_inputs["values"]
    assert values["prometheus"]["agentMode"] is True
    assert values["prometheus"]["prometheusSpec"]["remoteWrite"] == [
        {"url": f"{endpoint}api/v1/remote_write", "sigv4": {"region": "eu-west-1"}}
    ]
    assert values["alertmanager"]["enabled"] is False and values["defaultRules"] == {"create": False}
    (source,) = values["grafana"]["additionalDataSources"]
    assert source["url"] == endpoint.rstrip("/") and source["jsonData"]["sigV4Auth"] is True
    assert not amp.of_type("kubernetes:monitoring.coreos.com/v1:PrometheusRule")  # the workspace evaluates them


def test_the_workspace_evaluates_every_rule_group_and_is_encrypted_with_its_own_key(amp):
    groups = yaml.safe_load(amp.one("aws:amp/ruleGroupNamespace:RuleGroupNamespace").plain_inputs["data"])["groups"]
    names = {g["name"] for g in groups}
    assert {
        "wandb-platform.wandb",
        "wandb-platform.endpoint",
        "wandb-platform.cloud",
        "wandb-platform.volumes",
    } <= names
    alerts = {r["alert"] for g in groups for r in g["rules"]}
    assert {"WandbServiceUnavailable", "MySQLReplicaLagging", "RedisEvicting", "WandbIngressErrors"} <= alerts
    key = named(amp, "aws:kms/key:Key", "-metrics")
    assert amp.one("aws:amp/workspace:Workspace").plain_inputs["kmsKeyArn"] == key.outputs["arn"]
    statements = json.loads(key.plain_inputs["policy"])["Statement"]
    publishers = [s for s in statements if s["Sid"] == "ServicesPublishToTheEncryptedTopic"]
    assert publishers[0]["Principal"] == {"Service": ["aps.amazonaws.com"]}


@pytest.mark.parametrize(
    ("what", "account", "actions"), [("writer", "prometheus", WRITE_ACTIONS), ("reader", "grafana", QUERY_ACTIONS)]
)
def test_each_identity_may_only_write_or_only_query_this_workspace(amp, what, account, actions):
    role = named(amp, "aws:iam/role:Role", f"-prometheus-{what}")
    assert f"system:serviceaccount:wandb-monitoring:{account}" in json.dumps(role.plain_inputs["assumeRolePolicy"])
    (statement,) = json.loads(
        named(amp, "aws:iam/rolePolicy:RolePolicy", f"-prometheus-{what}-inline").plain_inputs["policy"]
    )["Statement"]
    assert statement["Action"] == actions
    assert statement["Resource"] == amp.one("aws:amp/workspace:Workspace").outputs["arn"]


def test_alerts_go_through_an_encrypted_topic_only_the_workspace_publishes_to(amp):
    topic = amp.one("aws:sns/topic:Topic")
    assert topic.plain_inputs["kmsMasterKeyId"] == named(amp, "aws:kms/key:Key", "-metrics").outputs["arn"]
    policy = json.loads(amp.one("aws:sns/topicPolicy:TopicPolicy").plain_inputs["policy"])["Statement"][0]
    assert policy["Principal"] == {"Service": "aps.amazonaws.com"}
    assert policy["Condition"]["ArnEquals"]["aws:SourceArn"] == amp.one("aws:amp/workspace:Workspace").outputs["arn"]
    subscription = amp.one("aws:sns/topicSubscription:TopicSubscription").plain_inputs
    assert (subscription["protocol"], subscription["endpoint"]) == ("https", HOOK)
    definition = yaml.safe_load(
        yaml.safe_load(amp.one("aws:amp/alertManagerDefinition:AlertManagerDefinition").plain_inputs["definition"])[
            "alertmanager_config"
        ]
    )
    assert definition["receivers"][0]["sns_configs"][0]["topic_arn"] == topic.outputs["arn"]
    kubernetes = [r for r in amp.resources if r.type.startswith("kubernetes:")]
    assert all(HOOK not in json.dumps(r.plain_inputs) for r in kubernetes)


def test_pagerduty_is_reached_through_its_sns_endpoint():
    assert subscription_endpoint("pagerduty", "abc123") == "https://events.pagerduty.com/integration/abc123/enqueue"


def test_slack_cannot_be_reached_from_sns_and_is_refused_naming_the_key():
    config = {**amp_config(alertReceiver="slack"), "wandb-platform:license": LICENSE}
    with pytest.raises(ConfigError) as error:
        load_config(config, secret_keys=("wandb-platform:license",))
    assert "wandb-platform:observability.alertReceiver" in str(error.value)
