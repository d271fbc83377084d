"""W&B's services by size: which run, their replicas and autoscalers, their resources, and their confinement;
on the pure function, and in the committed production and dev stacks."""

import pytest

from components.k8s.wandb_topology import PRODUCTION_SIZES, WANDB_COMPONENTS, production_scales, topology_values
from components.k8s.wandb_values import wandb_values
from tests.conftest import base_aws_config, base_gcp_config, dig, planned, run_config, values_input, wandb_cr

STATELESS = ("api", "frontend", "executor", "weave-trace")


@pytest.mark.parametrize("size", PRODUCTION_SIZES)
def test_a_production_size_splits_the_api_with_three_replicas_or_more_and_autoscales_the_stateless(size):
    scales = production_scales(size)
    assert scales["api"].least >= 3 and scales["app"].least == scales["app"].most == 1
    for component in STATELESS:
        assert 1 <= scales[component].least < scales[component].most, component
    for scale in scales.values():
        requests, limits = scale.resources.values()["requests"], scale.resources.values()["limits"]
        assert requests["cpu"] and requests["memory"] and limits["cpu"] and limits["memory"]
    values = topology_values(size, weave=True)
    assert values["global"] == {"api": {"enabled": True}, "glue": {"enabled": True}, "executor": {"enabled": True}}
    assert values["frontend"]["install"] is True and values["executor"]["install"] is True
    hpa = values["api"]["autoscaling"]["horizontal"]
    assert hpa["enabled"] is True and hpa["minReplicas"] == scales["api"].least
    assert values["glue"]["replicaCount"] == 1 and "autoscaling" not in values["glue"]
    assert values["console"]["replicaCount"] == 2  # its PodDisruptionBudget then keeps one up
    assert values["api"]["podDisruptionBudget"] == {"enabled": True, "maxUnavailable": 1}
    spread = {c["topologyKey"] for c in values["api"]["topologySpreadConstraints"]}
    assert spread == {"topology.kubernetes.io/zone", "kubernetes.io/hostname"}


def test_bigger_sizes_never_scale_down():
    for component in STATELESS:
        least = [production_scales(size)[component].least for size in PRODUCTION_SIZES]
        most = [production_scales(size)[component].most for size in PRODUCTION_SIZES]
        assert least == sorted(least) and most == sorted(most), component


def test_small_keeps_w_and_b_s_single_service_layout_and_the_chart_s_sizing():
    values = topology_values("small", weave=True)
    assert "global" not in values and "install" not in values["frontend"]
    assert not any("autoscaling" in values[c] or "replicaCount" in values[c] for c in WANDB_COMPONENTS)
    assert not any("podDisruptionBudget" in values[c] for c in WANDB_COMPONENTS)


@pytest.mark.parametrize("size", ["small", "large"])
def test_every_w_and_b_container_drops_all_capabilities_and_the_host_path_agent_is_off(size):
    values = topology_values(size, weave=False)
    for component in WANDB_COMPONENTS:
        context = values[component]["securityContext"]
        assert context == {"allowPrivilegeEscalation": False, "capabilities": {"drop": ["ALL"]}}, component
    assert values["otel"] == {"daemonset": {"install": False}}
    assert "resources" not in values["weave-trace"]  # no Weave traces: nothing to size


def test_the_stack_s_own_values_win_over_the_topology():
    values = wandb_values(
        values_input(size="large", extra_values={"global": {"api": {"enabled": False}}, "api": {"replicaCount": 5}})
    )
    assert values["global"]["api"] == {"enabled": False} and values["api"]["replicaCount"] == 5


def test_prod_runs_the_split_api_at_three_replicas_or_more_with_requests_and_limits():
    values = wandb_cr(planned("prod")).plain_inputs["spec"]["values"]
    api = values["api"]
    assert values["global"]["size"] == "large" and values["global"]["api"]["enabled"] is True
    assert api["autoscaling"]["horizontal"]["minReplicas"] >= 3
    assert api["resources"]["requests"]["cpu"] and api["resources"]["limits"]["memory"]
    for component in STATELESS:
        assert dig(values, component, "autoscaling", "horizontal", "enabled") is True, component


def test_dev_stays_small_and_confined():
    values = wandb_cr(planned("dev")).plain_inputs["spec"]["values"]
    assert "api" not in values["global"] and values["app"]["securityContext"]["capabilities"] == {"drop": ["ALL"]}


def test_aws_and_azure_production_run_the_same_topology():
    for stack in ("aws", "azure"):
        values = wandb_cr(planned(stack)).plain_inputs["spec"]["values"]
        assert values["global"]["executor"] == {"enabled": True}, stack
        assert values["executor"]["install"] is True, stack


def test_a_medium_gcp_stack_gets_the_medium_scale():
    run = run_config(base_gcp_config(size="medium", mysql={"mode": "managed"}))
    values = wandb_cr(run).plain_inputs["spec"]["values"]
    assert values["api"]["autoscaling"]["horizontal"]["maxReplicas"] == production_scales("medium")["api"].most


def pod_security(run) -> dict[str, str]:
    return {
        n.plain_inputs["metadata"]["name"]: n.plain_inputs["metadata"]["labels"]["pod-security.kubernetes.io/enforce"]
        for n in run.of_type("kubernetes:core/v1:Namespace")
    }


def test_namespaces_holding_only_this_project_s_pods_are_restricted_and_w_and_b_s_baseline():
    dev = pod_security(planned("dev"))
    assert dev["wandb"] == "baseline" and dev["wandb-clickhouse"] == "restricted"
    vault = {"secrets": {"backend": "vault"}, "vault": {"address": "https://vault.example.com"}}
    aws = run_config(base_aws_config(mysql={"mode": "managed"}, **vault))
    assert pod_security(aws)["wandb-mysql-admin"] == "restricted"
