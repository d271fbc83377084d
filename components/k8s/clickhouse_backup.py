"""Scheduled backups of the replicated ClickHouse to the platform's bucket, with Altinity's clickhouse-backup: a
sidecar in each server pod (it must read the server's data directory) serving its API inside the namespace, as
the workload identity the target bound to its service account (no key anywhere). The first replica's sidecar
also runs clickhouse-backup's `watch` chain: a full backup on one cron schedule and incremental ones, each on the
previous, on another, uploaded and deleted from the disk. With one shard every replica holds all of the data,
so one replica's chain is the whole of it; the others' sidecars serve restores."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from ..contracts import BackupStore
from .images import Image, Registry
from .namespace import MANAGED_BY
from .pod_security import CONFINED

IMAGE = Image("docker.io", "altinity/clickhouse-backup", "2.8.0")
API_PORT = 7171
DATA_DIR = "/var/lib/clickhouse"
CHAIN = "wandb"  # the watch chain's name, a prefix of its backups' names


@dataclass(frozen=True)
class BackupChain:
    full: str  # cron, UTC
    increment: str  # cron, UTC; "" = full backups only
    retention_days: int

    def schedule(self) -> str:
        """clickhouse-backup's `--schedule` for this chain."""
        increment = f",increment={self.increment}" if self.increment else ""
        return f"name={CHAIN},full={self.full}{increment}"

    def kept(self) -> int:
        """Backups to keep in the bucket for `retention_days` of the chain (clickhouse-backup counts backups,
        and keeps any older one a kept increment needs)."""
        per_day = 1 + (1440 // cron_minutes(self.increment) if self.increment else 0)
        return self.retention_days * per_day


def cron_minutes(schedule: str) -> int:
    """The minutes between two runs of a simple cron schedule: every N minutes or hours, hourly, daily."""
    minute, hour, *_ = schedule.split()
    if minute.startswith("*/"):
        return int(minute[2:])
    if hour.startswith("*/"):
        return int(hour[2:]) * 60
    return 60 if hour == "*" else 1440


def storage_env(store: BackupStore) -> list[dict[str, Any]]:
    """Where clickhouse-backup writes: the bucket's prefix, as the pod's own identity (no credentials)."""
    if store.provider == "gcs":
        return [{"name": "GCS_BUCKET", "value": store.bucket}, {"name": "GCS_PATH", "value": store.prefix}]
    if store.provider == "azblob":  # through the pod's workload identity (DefaultAzureCredential)
        return [
            {"name": "AZBLOB_ACCOUNT_NAME", "value": store.bucket},
            {"name": "AZBLOB_CONTAINER", "value": store.container},
            {"name": "AZBLOB_PATH", "value": store.prefix},
            {"name": "AZBLOB_USE_MANAGED_IDENTITY", "value": "true"},
            {"name": "AZBLOB_ASSUME_CONTAINER_EXISTS", "value": "true"},
            {"name": "AZBLOB_ENDPOINT_SCHEMA", "value": "https"},
            {"name": "AZBLOB_ENDPOINT_SUFFIX", "value": "core.windows.net"},
        ]
    return [
        {"name": "S3_BUCKET", "value": store.bucket},
        {"name": "S3_PATH", "value": store.prefix},
        {"name": "S3_REGION", "value": store.region},
    ]


def backup_sidecar(
    store: BackupStore, chain: BackupChain, watcher: str, user: str, password: dict[str, str], registry: Registry
) -> dict[str, Any]:
    """The container beside each server: clickhouse-backup's API on `API_PORT`, the data directory shared; on
    the pod named `watcher` it also runs the backup chain."""
    env = [
        {"name": "REMOTE_STORAGE", "value": store.provider},
        *storage_env(store),
        {"name": "BACKUPS_TO_KEEP_LOCAL", "value": "-1"},  # deleted from the disk once uploaded
        {"name": "BACKUPS_TO_KEEP_REMOTE", "value": str(chain.kept())},
        {"name": "CLICKHOUSE_HOST", "value": "localhost"},
        {"name": "CLICKHOUSE_PORT", "value": "9000"},  # set, so that a Service's variables cannot override it
        {"name": "CLICKHOUSE_USERNAME", "value": user},
        {"name": "CLICKHOUSE_PASSWORD", "valueFrom": {"secretKeyRef": password}},
        {"name": "API_LISTEN", "value": f"0.0.0.0:{API_PORT}"},
        {"name": "API_CREATE_INTEGRATION_TABLES", "value": "false"},
        {"name": "BACKUP_SCHEDULE", "value": chain.schedule()},
        {"name": "BACKUP_WATCHER", "value": watcher},
    ]
    start = (
        'if [ "$(hostname)" = "$BACKUP_WATCHER" ]; then'
        ' exec clickhouse-backup server --watch --schedule="$BACKUP_SCHEDULE";'
        " else exec clickhouse-backup server; fi"
    )
    return {
        "name": "clickhouse-backup",
        "image": registry.ref(IMAGE),
        "command": ["sh", "-c", start],
        "env": env,
        "ports": [{"name": "backup-api", "containerPort": API_PORT}],
        "volumeMounts": [{"name": "data", "mountPath": DATA_DIR}],
        "securityContext": CONFINED,
        "resources": {"requests": {"cpu": "100m", "memory": "256Mi"}, "limits": {"memory": "1Gi"}},
    }


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
