"""Scheduled backups of the replicated ClickHouse to the platform's bucket: clickhouse-backup beside each server
as a workload identity allowed the bucket's `clickhouse/` prefix only, the first replica running the chain of a
daily full and half-hourly incremental backups."""

import json

import pytest

from components.k8s.clickhouse_backup import IMAGE, BackupChain
from components.platform.backups import backup_policy
from tests.conftest import base_gcp_config, planned, primary, run_config

CHI = "kubernetes:clickhouse.altinity.com/v1:ClickHouseInstallation"


def server_pod(run) -> dict:
    return run.one(CHI).plain_inputs["spec"]["templates"]["podTemplates"][0]["spec"]


@pytest.mark.parametrize(("stack", "provider"), [("prod", "gcs"), ("aws", "s3"), ("azure", "azblob")])
def test_each_server_runs_clickhouse_backup_as_the_backup_identity_writing_the_bucket_s_prefix(stack, provider):
    run = planned(stack)
    pod = server_pod(run)
    assert pod["serviceAccountName"] == "clickhouse-backup"
    server, sidecar = pod["containers"]
    assert sidecar["image"] == IMAGE.ref == "docker.io/altinity/clickhouse-backup:2.8.0"
    env = {e["name"]: e.get("value", e.get("valueFrom")) for e in sidecar["env"]}
    assert env["REMOTE_STORAGE"] == provider and env["BACKUPS_TO_KEEP_REMOTE"] == str(7 * (1 + 48))
    assert env["BACKUP_SCHEDULE"] == "name=wandb,full=0 3 * * *,increment=*/30 * * * *"
    assert env["BACKUP_WATCHER"] == "chi-weave-weave-0-0-0"  # the first replica's pod runs the chain
    assert "server --watch" in sidecar["command"][2] and "$BACKUP_WATCHER" in sidecar["command"][2]
    assert env["BACKUPS_TO_KEEP_LOCAL"] == "-1" and env["CLICKHOUSE_PORT"] == "9000"
    assert env["CLICKHOUSE_PASSWORD"] == {"secretKeyRef": {"name": "clickhouse-credentials", "key": "password"}}
    if provider != "azblob":
        bucket = primary(run, "gcp:storage/bucket:Bucket" if stack == "prod" else "aws:s3/bucket:Bucket")
        name = bucket.outputs["name"] if stack == "prod" else bucket.outputs["bucket"]
        assert env["GCS_BUCKET" if provider == "gcs" else "S3_BUCKET"] == name
    assert sidecar["volumeMounts"] == [{"name": "data", "mountPath": "/var/lib/clickhouse"}]
    assert sidecar["securityContext"]["capabilities"] == {"drop": ["ALL"]}
    account = next(s for s in run.of_type("kubernetes:core/v1:ServiceAccount") if s.name.endswith("-clickhouse-backup"))
    assert account.plain_inputs["metadata"]["namespace"] == "wandb-clickhouse"
    assert account.plain_inputs["metadata"]["annotations"]


def test_azure_s_backup_identity_may_only_touch_its_container_of_the_geo_replicated_account():
    run = planned("azure")
    (account,) = run.of_type("azure-native:storage:StorageAccount")
    pod = server_pod(run)
    env = {e["name"]: e.get("value") for e in pod["containers"][1]["env"]}
    assert env["AZBLOB_ACCOUNT_NAME"] == account.outputs["name"] and env["AZBLOB_USE_MANAGED_IDENTITY"] == "true"
    container = next(
        c
        for c in run.of_type("azure-native:storage:BlobContainer")
        if c.plain_inputs["containerName"] == env["AZBLOB_CONTAINER"]
    )
    assert env["AZBLOB_CONTAINER"] == "clickhouse-backups" and container.plain_inputs["publicAccess"] == "None"
    installation = run.one(CHI).plain_inputs["spec"]["templates"]["podTemplates"][0]
    assert installation["metadata"]["labels"] == {"azure.workload.identity/use": "true"}
    identity = next(
        i
        for i in run.of_type("azure-native:managedidentity:UserAssignedIdentity")
        if i.name == "wandb-clickhouse-backups"
    )
    sa = next(s for s in run.of_type("kubernetes:core/v1:ServiceAccount") if s.name.endswith("-clickhouse-backup"))
    assert sa.plain_inputs["metadata"]["annotations"] == {
        "azure.workload.identity/client-id": identity.outputs["clientId"]
    }
    federated = next(
        f
        for f in run.of_type("azure-native:managedidentity:FederatedIdentityCredential")
        if f.name.startswith("wandb-clickhouse-backups")
    )
    assert federated.plain_inputs["subject"] == "system:serviceaccount:wandb-clickhouse:clickhouse-backup"
    grants = [
        g.plain_inputs
        for g in run.of_type("azure-native:authorization:RoleAssignment")
        if g.plain_inputs["principalId"] == identity.outputs["principalId"]
    ]
    assert [g["scope"] for g in grants] == [container.id]  # the container alone


def test_the_chain_keeps_its_retention_in_days():
    assert BackupChain("0 3 * * *", "*/30 * * * *", 7).kept() == 7 * 49
    assert BackupChain("0 3 * * *", "", 14).kept() == 14
    assert BackupChain("0 3 * * *", "0 * * * *", 2).schedule() == "name=wandb,full=0 3 * * *,increment=0 * * * *"


def test_gcp_s_backup_identity_may_only_touch_the_clickhouse_prefix():
    run = planned("prod")
    grants = {m.name: m.plain_inputs for m in run.of_type("gcp:storage/bucketIAMMember:BucketIAMMember")}
    objects = grants["wandb-clickhouse-backups-objects"]
    assert objects["role"] == "roles/storage.objectAdmin"
    bucket = primary(run, "gcp:storage/bucket:Bucket").outputs["name"]
    assert objects["condition"]["expression"] == (
        f'resource.name.startsWith("projects/_/buckets/{bucket}/objects/clickhouse/")'
    )
    assert grants["wandb-clickhouse-backups-list"]["role"] == "roles/storage.legacyBucketReader"


def test_aws_s_backup_role_may_only_touch_the_clickhouse_prefix():
    policy = backup_policy("arn:aws:s3:::b", "arn:key", "clickhouse/")
    statements = policy["Statement"]
    assert statements[0]["Condition"] == {"StringLike": {"s3:prefix": ["clickhouse/*"]}}
    assert statements[1]["Resource"] == "arn:aws:s3:::b/clickhouse/*" and "s3:DeleteObject" in statements[1]["Action"]
    role = next(r for r in planned("aws").of_type("aws:iam/role:Role") if r.name.endswith("-clickhouse-backups"))
    assert "system:serviceaccount:wandb-clickhouse:clickhouse-backup" in json.dumps(
        role.plain_inputs["assumeRolePolicy"]
    )


def test_no_schedule_no_backups():
    run = run_config(base_gcp_config(size="large", clickhouse={"mode": "replicated", "backupSchedule": ""}))
    assert len(server_pod(run)["containers"]) == 1
