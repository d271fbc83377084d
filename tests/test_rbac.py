"""W&B's pods hold no more of the Kubernetes API than they use: no token where a service never calls it, and
the console's cluster-wide rights replaced, on request, by a Role in W&B's namespace."""

import pytest

from components.k8s.wandb_topology import NO_API_TOKEN, WANDB_COMPONENTS, topology_values
from stacks.config import ConfigError, load_config
from tests.conftest import LICENSE, base_gcp_config, planned, run_config

CR = "kubernetes:apps.wandb.com/v1:WeightsAndBiases"


@pytest.mark.parametrize("size", ["small", "large"])
def test_only_services_that_never_call_the_api_go_without_a_token(size):
    values = topology_values(size, weave=True)
    without = {c for c in WANDB_COMPONENTS if values[c].get("serviceAccount", {}).get("automount") is False}
    assert without == set(NO_API_TOKEN) == {"frontend", "weave"}
    assert "console" not in without and "weave-trace" not in without  # they call it (RBAC, signed-in tokens)


def test_by_default_the_console_keeps_w_and_b_s_cluster_role():
    run = run_config(base_gcp_config())
    assert "role" not in run.one(CR).plain_inputs["spec"]["values"]["console"]
    assert not [r for r in run.of_type("kubernetes:rbac.authorization.k8s.io/v1:ClusterRole") if "console" in r.name]


def test_a_namespaced_console_gets_a_role_and_may_read_only_its_own_namespace_cluster_wide():
    run = run_config(base_gcp_config(operator={"consoleAccess": "namespace"}))
    assert run.one(CR).plain_inputs["spec"]["values"]["console"]["role"] == {"type": "Role"}
    role = run.one("kubernetes:rbac.authorization.k8s.io/v1:ClusterRole").plain_inputs
    assert role["rules"] == [
        {"apiGroups": [""], "resources": ["namespaces"], "resourceNames": ["wandb"], "verbs": ["get"]}
    ]
    binding = run.one("kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding").plain_inputs
    assert binding["subjects"] == [{"kind": "ServiceAccount", "name": "wandb-console", "namespace": "wandb"}]
    assert binding["roleRef"]["name"] == role["metadata"]["name"]


def test_an_unknown_console_access_names_its_key():
    config = {**base_gcp_config(operator={"consoleAccess": "none"}), "wandb-platform:license": LICENSE}
    with pytest.raises(ConfigError) as error:
        load_config(config, secret_keys=("wandb-platform:license",))
    assert "operator.consoleAccess" in str(error.value)


def enforced(run) -> dict[str, str]:
    """Each namespace's PodSecurity level."""
    return {
        n.plain_inputs["metadata"]["name"]: n.plain_inputs["metadata"]["labels"]["pod-security.kubernetes.io/enforce"]
        for n in run.of_type("kubernetes:core/v1:Namespace")
    }


def restricted(pod: dict, containers: list[dict]) -> bool:
    """What PodSecurity `restricted` checks, on the pod and its containers as this project writes them."""
    pod_ok = pod.get("runAsNonRoot") is True and pod.get("seccompProfile", {}).get("type") == "RuntimeDefault"
    return pod_ok and all(
        c["securityContext"]["allowPrivilegeEscalation"] is False
        and c["securityContext"]["capabilities"]["drop"] == ["ALL"]
        for c in containers
    )


def test_the_datastore_operators_namespaces_enforce_restricted_and_what_runs_there_meets_it():
    run = planned("prod")
    levels = enforced(run)
    assert levels["wandb-clickhouse"] == levels["wandb-kafka"] == "restricted"
    releases = {r.plain_inputs["name"]: r.plain_inputs["values"] for r in run.of_type("kubernetes:helm.sh/v3:Release")}
    assert {"name": "STRIMZI_POD_SECURITY_PROVIDER_CLASS", "value": "restricted"} in releases["strimzi"]["extraEnvs"]
    altinity = releases["clickhouse-operator"]
    assert (
        altinity["podSecurityContext"]["runAsNonRoot"]
        and altinity["operator"]["containerSecurityContext"]["capabilities"]
    )
    for kind in ("ClickHouseInstallation", "ClickHouseKeeperInstallation"):
        (installation,) = [r for r in run.resources if r.type.endswith(f":{kind}")]
        for template in installation.plain_inputs["spec"]["templates"]["podTemplates"]:
            assert restricted(template["spec"]["securityContext"], template["spec"]["containers"]), kind


def test_vault_and_its_secrets_operator_run_under_restricted():
    run = planned("vault-platform")
    levels = enforced(run)
    assert levels["wandb-vault"] == levels["wandb-vault-sync"] == "restricted"
    releases = {r.plain_inputs["name"]: r.plain_inputs["values"] for r in run.of_type("kubernetes:helm.sh/v3:Release")}
    vault = releases["vault"]["server"]["statefulSet"]["securityContext"]
    assert restricted(vault["pod"], [{"securityContext": vault["container"]}])
    operator = releases["vault-secrets-operator"]["controller"]
    assert restricted(operator["podSecurityContext"], [{"securityContext": operator["securityContext"]}])
