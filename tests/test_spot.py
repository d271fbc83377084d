"""A spot pool beside the regular nodes, on each cloud, and W&B's queue workers (only) allowed onto it."""

import pytest

from components.k8s.wandb_topology import SPOT_TOLERANT
from stacks.config import ConfigError, load_config
from tests.conftest import LICENSE, base_aws_config, base_gcp_config, run_config, wandb_cr
from tests.test_azure_stack import azure_config

SPOT = {"maxNodes": 6}


def tolerations(run) -> dict:
    values = wandb_cr(run).plain_inputs["spec"]["values"]
    return {c: values.get(c, {}).get("tolerations") for c in (*SPOT_TOLERANT, "api", "app")}


def assert_only_workers_tolerate(run, key: str, value: str) -> None:
    found = tolerations(run)
    for component in SPOT_TOLERANT:
        assert found[component] == [{"key": key, "operator": "Equal", "value": value, "effect": "NoSchedule"}]
    assert found["api"] is None and found["app"] is None


def test_gke_adds_a_tainted_spot_pool_scaling_from_none():
    run = run_config(base_gcp_config(spot=SPOT))
    pools = {p.name: p.plain_inputs for p in run.of_type("gcp:container/nodePool:NodePool")}
    spot = pools["wandb-cluster-spot-pool"]
    assert spot["nodeConfig"]["spot"] is True and spot["autoscaling"]["totalMinNodeCount"] == 0
    assert spot["autoscaling"]["totalMaxNodeCount"] == 6
    assert spot["nodeConfig"]["taints"] == [
        {"key": "cloud.google.com/gke-spot", "value": "true", "effect": "NO_SCHEDULE"}
    ]
    assert spot["nodeConfig"]["bootDiskKmsKey"] == pools["wandb-cluster-pool"]["nodeConfig"]["bootDiskKmsKey"]
    assert_only_workers_tolerate(run, "cloud.google.com/gke-spot", "true")


def test_eks_adds_a_spot_node_group_the_autoscaler_grows_from_none():
    run = run_config(base_aws_config(spot={**SPOT, "nodeType": "r6a.2xlarge"}))
    groups = {g.name: g.plain_inputs for g in run.of_type("aws:eks/nodeGroup:NodeGroup")}
    spot = groups["wandb-cluster-spot-nodes"]
    assert spot["capacityType"] == "SPOT" and spot["instanceTypes"] == ["r6a.2xlarge"]
    assert spot["scalingConfig"] == {"minSize": 0, "maxSize": 6, "desiredSize": 0}
    assert spot["taints"] == [{"key": "wandb-platform/spot", "value": "true", "effect": "NO_SCHEDULE"}]
    assert spot["launchTemplate"] == groups["wandb-cluster-nodes"]["launchTemplate"]  # IMDSv2, encrypted disks
    assert_only_workers_tolerate(run, "wandb-platform/spot", "true")


def test_aks_adds_a_spot_pool_evicted_for_capacity_only():
    run = run_config(azure_config(spot=SPOT))
    pools = {p.name: p.plain_inputs for p in run.of_type("azure-native:containerservice:AgentPool")}
    spot = pools["wandb-cluster-spot"]
    assert spot["scaleSetPriority"] == "Spot" and spot["spotMaxPrice"] == -1 and spot["minCount"] == 0
    assert spot["enableEncryptionAtHost"] is True
    assert_only_workers_tolerate(run, "kubernetes.azure.com/scalesetpriority", "spot")


def test_no_spot_pool_by_default():
    values = wandb_cr(run_config(base_gcp_config())).plain_inputs["spec"]["values"]
    assert "tolerations" not in values["executor"]


def test_a_cluster_of_yours_takes_no_spot_pool():
    config = {
        "wandb-platform:target": "existing",
        "wandb-platform:host": "http://localhost:8080",
        "wandb-platform:ingress": {"create": False, "tls": False},
        "wandb-platform:license": LICENSE,
        "wandb-platform:spot": SPOT,
    }
    with pytest.raises(ConfigError, match="wandb-platform:spot.maxNodes"):
        load_config(config, secret_keys=("wandb-platform:license",))
