"""Scheduled backups of the replicated ClickHouse to the platform's bucket, with Altinity's clickhouse-backup: a
sidecar in each server pod (it must read the server's data directory) serving its API inside the namespace, as
the workload identity the target bound to its service account (no key anywhere), and a CronJob asking one
replica for a remote backup and waiting for it. With one shard every replica holds all of the data, so one
replica's backup is the whole of it; the sidecar keeps the newest `kept` in the bucket and nothing locally."""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from ..contracts import BackupStore
from .namespace import MANAGED_BY
from .pod_security import CONFINED, RESTRICTED_CONTAINER

IMAGE = "altinity/clickhouse-backup:2.8.0"
CURL_IMAGE = "curlimages/curl:8.11.1"
JOB_UID = 10100  # an unprivileged uid apart from the host's: curl needs no user of its own
API_PORT = 7171
DATA_DIR = "/var/lib/clickhouse"
# Ask for a remote backup, then follow it to its end (the API answers at once and works in the background).
BACKUP_SCRIPT = """set -eu
started=$(curl -sf -X POST "$API/backup/create_remote")
id=$(echo "$started" | sed -n 's/.*"operation_id" *: *"\\([^"]*\\)".*/\\1/p')
[ -n "$id" ] || { echo "no operation: $started"; exit 1; }
while sleep 30; do
  status=$(curl -sf "$API/backup/status?operationid=$id")
  case "$status" in
    *'"status":"success"'*) echo "$status"; exit 0 ;;
    *'"status":"error"'*) echo "$status"; exit 1 ;;
  esac
done
"""


def storage_env(store: BackupStore) -> list[dict[str, Any]]:
    """Where clickhouse-backup writes: the bucket's prefix, as the pod's own identity (no credentials)."""
    if store.provider == "gcs":
        return [{"name": "GCS_BUCKET", "value": store.bucket}, {"name": "GCS_PATH", "value": store.prefix}]
    return [
        {"name": "S3_BUCKET", "value": store.bucket},
        {"name": "S3_PATH", "value": store.prefix},
        {"name": "S3_REGION", "value": store.region},
    ]


def backup_sidecar(store: BackupStore, kept: int, user: str, password: dict[str, str]) -> dict[str, Any]:
    """The container beside each server: clickhouse-backup's API on `API_PORT`, the data directory shared."""
    env = [
        {"name": "REMOTE_STORAGE", "value": store.provider},
        *storage_env(store),
        {"name": "BACKUPS_TO_KEEP_LOCAL", "value": "-1"},  # deleted from the disk once uploaded
        {"name": "BACKUPS_TO_KEEP_REMOTE", "value": str(kept)},
        {"name": "CLICKHOUSE_HOST", "value": "localhost"},
        {"name": "CLICKHOUSE_PORT", "value": "9000"},  # set, so that a Service's variables cannot override it
        {"name": "CLICKHOUSE_USERNAME", "value": user},
        {"name": "CLICKHOUSE_PASSWORD", "valueFrom": {"secretKeyRef": password}},
        {"name": "API_LISTEN", "value": f"0.0.0.0:{API_PORT}"},
        {"name": "API_CREATE_INTEGRATION_TABLES", "value": "false"},
    ]
    return {
        "name": "clickhouse-backup",
        "image": IMAGE,
        "args": ["server"],
        "env": env,
        "ports": [{"name": "backup-api", "containerPort": API_PORT}],
        "volumeMounts": [{"name": "data", "mountPath": DATA_DIR}],
        "securityContext": CONFINED,
        "resources": {"requests": {"cpu": "100m", "memory": "256Mi"}, "limits": {"memory": "1Gi"}},
    }


def backup_job(name: str, namespace: pulumi.Input[str], replica_host: str, schedule: str, opts) -> k8s.batch.v1.CronJob:
    """The schedule: one run at a time, each waiting for its backup to finish (6 hours at most)."""
    container = {
        "name": "backup",
        "image": CURL_IMAGE,
        "imagePullPolicy": "Always",
        "command": ["sh", "-c", BACKUP_SCRIPT],
        "env": [{"name": "API", "value": f"http://{replica_host}:{API_PORT}"}],
        "securityContext": RESTRICTED_CONTAINER,
        "resources": {"requests": {"cpu": "10m", "memory": "16Mi"}, "limits": {"cpu": "100m", "memory": "64Mi"}},
    }
    pod = {
        "restartPolicy": "Never",
        "automountServiceAccountToken": False,
        "securityContext": {"runAsNonRoot": True, "runAsUser": JOB_UID, "seccompProfile": {"type": "RuntimeDefault"}},
        "containers": [container],
    }
    return k8s.batch.v1.CronJob(
        name,
        metadata={"name": "clickhouse-backup", "namespace": namespace, "labels": MANAGED_BY},
        spec={
            "schedule": schedule,
            "timeZone": "Etc/UTC",
            "concurrencyPolicy": "Forbid",
            "successfulJobsHistoryLimit": 3,
            "failedJobsHistoryLimit": 3,
            "jobTemplate": {"spec": {"backoffLimit": 1, "activeDeadlineSeconds": 6 * 3600, "template": {"spec": pod}}},
        },
        opts=opts,
    )


def backup_service_account(name: str, namespace: pulumi.Input[str], store: BackupStore, opts):
    """The servers' service account, carrying the identity allowed to write the bucket's prefix."""
    return k8s.core.v1.ServiceAccount(
        name,
        metadata={
            "name": store.service_account,
            "namespace": namespace,
            "labels": MANAGED_BY,
            "annotations": dict(store.annotations),
        },
        automount_service_account_token=False,
        opts=opts,
    )
