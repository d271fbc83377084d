"""Versions W&B supports today, on every committed stack: MySQL 8.4, Kubernetes 1.34 or newer, Redis 7."""

import re
from importlib.metadata import version

from stacks.plan import stack_config
from tests.conftest import ROOT, platform_run, wandb_values_of

# pulumi-kubernetes 4.32.0 resolves a custom resource's scope from the CRDs of a Helm release in the same
# program (pulumi/pulumi-kubernetes#4417), so a preview on a cluster without W&B's CRD does not fail.
CRD_SCOPE_FIX = (4, 32, 0)


def _release(text: str) -> tuple[int, ...]:
    return tuple(int(p) for p in text.split("."))


def test_the_kubernetes_sdk_resolves_the_wandb_crd_of_the_operator_release():
    pinned = re.search(r"^pulumi-kubernetes==([0-9.]+)$", (ROOT / "requirements.txt").read_text(), re.M)
    assert pinned and _release(pinned.group(1)) >= CRD_SCOPE_FIX
    assert _release(version("pulumi-kubernetes")) >= CRD_SCOPE_FIX


def test_mysql_is_84_and_kubernetes_at_least_134_on_every_stack(stack_run):
    versions = []
    run = platform_run(stack_run)
    for r in run.resources:
        inputs = r.plain_inputs
        if r.type == "gcp:sql/databaseInstance:DatabaseInstance":
            versions.append(("mysql", inputs["databaseVersion"] == "MYSQL_8_4"))
        elif r.type == "aws:rds/cluster:Cluster":
            versions.append(("mysql", inputs["engineVersion"].startswith("8.4.")))
        elif r.type == "gcp:container/cluster:Cluster":
            versions.append(("kubernetes", _release(inputs["minMasterVersion"]) >= (1, 34)))
        elif r.type == "aws:eks/cluster:Cluster":
            versions.append(("kubernetes", _release(inputs["version"]) >= (1, 34)))
        elif (
            r.type == "azure-native:dbformysql:Server" and inputs.get("createMode") != "Replica"
        ):  # a replica: its source's
            versions.append(("mysql", inputs["version"] == "8.4"))
        elif r.type == "azure-native:containerservice:ManagedCluster":
            versions.append(("kubernetes", _release(inputs["kubernetesVersion"]) >= (1, 34)))
    values = wandb_values_of(run)
    if values["mysql"]["install"]:
        versions.append(("mysql", values["mysql"]["image"]["tag"].startswith("8.4")))
    if values["redis"]["install"]:
        versions.append(("redis", values["redis"]["image"]["tag"].startswith("7.")))
    target = stack_config(stack_run.stack).config.get("wandb-platform:target", "gcp")
    expected = {"mysql", "kubernetes"} if target != "existing" else {"mysql", "redis"}
    assert expected <= {what for what, _ in versions} and all(ok for _, ok in versions), versions
