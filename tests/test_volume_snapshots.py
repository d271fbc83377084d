"""Scheduled CSI snapshots of the in-cluster stores on target `existing`, and what they give the recovery report."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from components.k8s.volume_snapshots import SCRIPT
from stacks.config import ConfigError, load_config
from stacks.plan import stack_config
from stacks.recovery import report
from tests.conftest import run_config

SNAPSHOTS = {"snapshotClass": "csi-snapclass", "snapshotSchedule": "*/20 * * * *", "snapshotsKept": 72}


def _local(**existing) -> dict:
    config = dict(stack_config("local").config)
    if existing:
        config["wandb-platform:existing"] = existing
    return config


@pytest.fixture(scope="module")
def snapshotted():
    return run_config(_local(**SNAPSHOTS))


def _inputs(run, typ: str) -> list[dict]:
    return [r.plain_inputs for r in run.of_type(typ)]


def test_every_in_cluster_store_s_namespace_is_snapshotted_on_schedule(snapshotted):
    (job,) = _inputs(snapshotted, "kubernetes:batch/v1:CronJob")
    assert job["metadata"]["namespace"] == "wandb-snapshots" and job["spec"]["schedule"] == "*/20 * * * *"
    assert job["spec"]["concurrencyPolicy"] == "Forbid"
    pod = job["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    env = {e["name"]: e["value"] for e in container["env"]}
    # the chart's MySQL and Redis, SeaweedFS, the single ClickHouse
    assert env["NAMESPACES"].split() == ["wandb", "wandb-objects", "wandb-clickhouse"]
    assert (env["SNAPSHOT_CLASS"], env["KEEP"]) == ("csi-snapclass", "72")
    assert container["image"] == "docker.io/alpine/k8s:1.31.12"
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert container["securityContext"]["capabilities"] == {"drop": ["ALL"]}
    namespaces = {n["metadata"]["name"]: n for n in _inputs(snapshotted, "kubernetes:core/v1:Namespace")}
    assert namespaces["wandb-snapshots"]["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] == "restricted"


def test_its_account_may_only_list_claims_and_manage_snapshots_where_the_stores_are(snapshotted):
    roles = {
        r["metadata"]["namespace"]: r["rules"]
        for r in _inputs(snapshotted, "kubernetes:rbac.authorization.k8s.io/v1:Role")
        if r["metadata"]["name"] == "volume-snapshots"
    }
    assert set(roles) == {"wandb", "wandb-objects", "wandb-clickhouse"}
    for rules in roles.values():
        assert rules == [
            {"apiGroups": [""], "resources": ["persistentvolumeclaims"], "verbs": ["list"]},
            {
                "apiGroups": ["snapshot.storage.k8s.io"],
                "resources": ["volumesnapshots"],
                "verbs": ["create", "list", "delete"],
            },
        ]
    bindings = [
        b
        for b in _inputs(snapshotted, "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding")
        if b["metadata"]["name"] == "volume-snapshots"
    ]
    assert len(bindings) == 3
    assert all(
        b["subjects"] == [{"kind": "ServiceAccount", "name": "volume-snapshots", "namespace": "wandb-snapshots"}]
        for b in bindings
    )


@pytest.mark.skipif(shutil.which("sh") is None or shutil.which("awk") is None, reason="needs sh and awk")
def test_the_script_parses_and_prunes_all_but_the_newest():
    assert subprocess.run(["sh", "-n", "-c", SCRIPT], capture_output=True).returncode == 0
    prune = SCRIPT.split("| awk ", 1)[1].split(" \\\n", 1)[0]
    names = "".join(f"volumesnapshot/data-{i}\n" for i in range(1, 6))  # oldest first
    kept = subprocess.run(
        ["sh", "-c", f"awk {prune}"],
        input=names,
        env={"KEEP": "2", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
    )
    assert kept.stdout.split() == ["volumesnapshot/data-1", "volumesnapshot/data-2", "volumesnapshot/data-3"]


def test_snapshots_bring_the_in_cluster_stores_within_the_targets_but_a_region(snapshotted):
    rows = {row.store.split(" wandb")[0]: row for row in report(snapshotted)}
    for store in ("MySQL (W&B's chart, one pod)", "SeaweedFS object store (one pod)", "ClickHouse (one server)"):
        row = rows[store]
        assert "a snapshot every 20 min (csi-snapclass), 24 h kept" in row.kept
        assert (row.damaged.rpo, row.zone.rpo) == (20, 20) and row.damaged.meets() and row.zone.meets()
        assert row.misses() == ["region lost"]
    without = {row.store.split(" wandb")[0]: row for row in report(run_config(_local()))}
    assert without["MySQL (W&B's chart, one pod)"].damaged.rpo is None


def test_snapshot_settings_are_checked():
    with pytest.raises(ConfigError) as failed:
        load_config({**_local(snapshotClass="csi", snapshotSchedule="hourly", snapshotsKept=0)}, secret_keys=())
    message = str(failed.value)
    assert "existing.snapshotSchedule" in message and "existing.snapshotsKept" in message
