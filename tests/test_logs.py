"""Logs on every cloud: GKE sends system, API server and containers' logs to Cloud Logging (retention optional,
project-wide); EKS ships containers' and nodes' logs to CloudWatch through the CloudWatch Observability add-on,
into log groups this project creates with its retention and key; AKS sends them to Log Analytics."""

import json

import pytest

from stacks.config import ConfigError, load_config
from tests.conftest import LICENSE, TEST_CERTIFICATE_ARN, base_aws_config, base_gcp_config, planned, run_config

ADDON = "aws:eks/addon:Addon"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
BUCKET_CONFIG = "gcp:logging/projectBucketConfig:ProjectBucketConfig"


def test_eks_ships_containers_logs_into_encrypted_log_groups_of_its_own():
    run = planned("aws")
    addon = next(a for a in run.of_type(ADDON) if a.plain_inputs["addonName"] == "amazon-cloudwatch-observability")
    groups = {
        g.plain_inputs["name"]: g for g in run.of_type(LOG_GROUP) if "/containerinsights/" in g.plain_inputs["name"]
    }
    assert set(groups) == {
        f"/aws/containerinsights/wandb-aws-eks/{k}" for k in ("application", "dataplane", "host", "performance")
    }
    assert all(g.plain_inputs["retentionInDays"] == 365 and g.plain_inputs["kmsKeyId"] for g in groups.values())
    assert {g.urn for g in groups.values()} <= set(addon.dependencies)  # made before the agent could make them
    role = next(r for r in run.of_type("aws:iam/role:Role") if r.urn.split("::")[-1].endswith("-cloudwatch"))
    trust = json.dumps(role.plain_inputs["assumeRolePolicy"])
    assert "system:serviceaccount:amazon-cloudwatch:cloudwatch-agent" in trust
    attached = [
        a.plain_inputs["policyArn"]
        for a in run.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
        if a.name.startswith(role.name)
    ]
    assert [arn.rsplit("/", 1)[-1] for arn in attached] == ["CloudWatchAgentServerPolicy"]


def test_eks_container_logs_can_be_turned_off():
    run = run_config(base_aws_config(aws={"certificateArn": TEST_CERTIFICATE_ARN, "containerLogs": False}))
    assert not [a for a in run.of_type(ADDON) if a.plain_inputs["addonName"] == "amazon-cloudwatch-observability"]


def test_gke_sends_system_api_server_and_workload_logs_and_leaves_retention_unless_asked():
    cluster = planned("prod").one("gcp:container/cluster:Cluster").plain_inputs
    assert set(cluster["loggingConfig"]["enableComponents"]) == {"SYSTEM_COMPONENTS", "APISERVER", "WORKLOADS"}
    assert not planned("prod").of_type(BUCKET_CONFIG)
    run = run_config(base_gcp_config(gcp={"logRetentionDays": 90}))
    bucket = run.one(BUCKET_CONFIG).plain_inputs
    assert (bucket["bucketId"], bucket["location"], bucket["retentionDays"]) == ("_Default", "global", 90)


def test_a_log_retention_beyond_ten_years_names_its_key():
    config = {**base_gcp_config(gcp={"logRetentionDays": 4000}), "wandb-platform:license": LICENSE}
    with pytest.raises(ConfigError) as error:
        load_config(config, secret_keys=("wandb-platform:license",))
    assert "gcp.logRetentionDays" in str(error.value)


def test_aks_sends_control_plane_and_container_logs_to_its_workspace():
    run = planned("azure")
    cluster = run.one("azure-native:containerservice:ManagedCluster").plain_inputs
    assert cluster["addonProfiles"]["omsagent"]["enabled"] is True
    workspace = run.one("azure-native:operationalinsights:Workspace").plain_inputs
    assert workspace["retentionInDays"] == 90
