"""Scheduled Raft snapshots of an in-cluster Vault, copied to the platform's bucket: a CronJob whose service
account logs in to Vault with a role that may only take snapshots, and whose cloud identity may only add
objects to the bucket. The snapshot is Vault's encrypted storage: it is readable only with the seal key."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_kubernetes as k8s

from .image_catalogue import VAULT
from .images import Image, Registry
from .namespace import MANAGED_BY
from .vault_cluster import API_PORT, RELEASE, TLS_SECRET

TOKEN = "wandb-platform:index:VaultSnapshots"
SERVICE_ACCOUNT = "vault-snapshots"  # bound to Vault's snapshot role (VaultConfig) and to the cloud identity
ROLE = "vault-snapshots"
PREFIX = "vault-snapshots/"  # inside the platform's bucket
SNAPSHOT = "/snapshot/vault.snap"
UID = 10100  # an unprivileged uid apart from the host's: the images need none of their own users here
RESOURCES = {"requests": {"cpu": "100m", "memory": "128Mi"}, "limits": {"cpu": "500m", "memory": "256Mi"}}


@dataclass(frozen=True)
class SnapshotUpload:
    """How a cloud's object store takes the snapshot: an image and its shell command (the file is
    $SNAPSHOT), and the annotations giving the job's account an identity that may add objects."""

    image: Image
    script: pulumi.Input[str]
    service_account_annotations: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)
    ready: Sequence[pulumi.Resource] = ()


@dataclass
class VaultSnapshotsArgs:
    namespace: str  # Vault's
    upload: SnapshotUpload
    auth_mount: str = "kubernetes"
    schedule: str = "17 */6 * * *"  # every six hours
    vault_image: Image = VAULT  # the chart's own server image
    registry: Registry = field(default_factory=Registry)  # where the images come from


def snapshot_script(auth_mount: str) -> str:
    """Log in with the pod's Vault-audience token, save a snapshot for the upload container."""
    return (
        "set -eu\n"
        f'export VAULT_TOKEN="$(vault write -field=token auth/{auth_mount}/login role={ROLE} '
        'jwt="$(cat /var/run/secrets/vault/token)")"\n'
        f"vault operator raft snapshot save {SNAPSHOT}\n"
    )


def job_spec(args: VaultSnapshotsArgs, upload_script: str) -> dict:
    restricted = {
        "allowPrivilegeEscalation": False,
        "capabilities": {"drop": ["ALL"]},
        "readOnlyRootFilesystem": True,
    }
    snapshot_mount = {"name": "snapshot", "mountPath": "/snapshot"}
    return {
        "backoffLimit": 2,
        "activeDeadlineSeconds": 1800,
        "template": {
            "metadata": {"labels": {"app.kubernetes.io/name": SERVICE_ACCOUNT}},
            "spec": {
                "serviceAccountName": SERVICE_ACCOUNT,
                "automountServiceAccountToken": False,
                **args.registry.in_pod,
                "restartPolicy": "Never",
                "securityContext": {
                    "runAsNonRoot": True,
                    "runAsUser": UID,
                    "runAsGroup": UID,
                    "fsGroup": UID,
                    "seccompProfile": {"type": "RuntimeDefault"},
                },
                "initContainers": [
                    {
                        "name": "snapshot",
                        "image": args.registry.ref(args.vault_image),
                        "imagePullPolicy": "Always",
                        "command": ["sh", "-c", snapshot_script(args.auth_mount)],
                        "resources": RESOURCES,
                        "env": [
                            {
                                "name": "VAULT_ADDR",
                                "value": f"https://{RELEASE}-active.{args.namespace}.svc:{API_PORT}",
                            },
                            {"name": "VAULT_CACERT", "value": "/vault-ca/ca.crt"},
                            {"name": "HOME", "value": "/tmp"},
                        ],
                        "securityContext": restricted,
                        "volumeMounts": [
                            snapshot_mount,
                            {"name": "vault-ca", "mountPath": "/vault-ca", "readOnly": True},
                            {"name": "vault-token", "mountPath": "/var/run/secrets/vault", "readOnly": True},
                            {"name": "tmp", "mountPath": "/tmp"},
                        ],
                    }
                ],
                "containers": [
                    {
                        "name": "upload",
                        "image": args.registry.ref(args.upload.image),
                        "imagePullPolicy": "Always",
                        "command": ["sh", "-c", upload_script],
                        "resources": RESOURCES,
                        "env": [{"name": "SNAPSHOT", "value": SNAPSHOT}, {"name": "HOME", "value": "/tmp"}],
                        "securityContext": restricted,
                        "volumeMounts": [snapshot_mount, {"name": "tmp", "mountPath": "/tmp"}],
                    }
                ],
                "volumes": [
                    {"name": "snapshot", "emptyDir": {}},
                    {"name": "tmp", "emptyDir": {}},
                    {
                        "name": "vault-ca",
                        "secret": {"secretName": TLS_SECRET, "items": [{"key": "ca.crt", "path": "ca.crt"}]},
                    },
                    {
                        "name": "vault-token",
                        "projected": {
                            "sources": [
                                {
                                    "serviceAccountToken": {
                                        "audience": "vault",
                                        "expirationSeconds": 600,
                                        "path": "token",
                                    }
                                }
                            ]
                        },
                    },
                ],
            },
        },
    }


class VaultSnapshots(pulumi.ComponentResource):
    """Pass the cluster's Kubernetes provider as `opts.providers`."""

    def __init__(self, name: str, args: VaultSnapshotsArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__(TOKEN, name, None, opts)
        account = k8s.core.v1.ServiceAccount(
            f"{name}-account",
            metadata={
                "name": SERVICE_ACCOUNT,
                "namespace": args.namespace,
                "labels": MANAGED_BY,
                "annotations": dict(args.upload.service_account_annotations),
            },
            automount_service_account_token=False,
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.job = k8s.batch.v1.CronJob(
            f"{name}-job",
            metadata={"name": SERVICE_ACCOUNT, "namespace": args.namespace, "labels": MANAGED_BY},
            spec=pulumi.Output.from_input(args.upload.script).apply(
                lambda script: {
                    "schedule": args.schedule,
                    "concurrencyPolicy": "Forbid",
                    "successfulJobsHistoryLimit": 3,
                    "failedJobsHistoryLimit": 3,
                    "jobTemplate": {"spec": job_spec(args, script)},
                }
            ),
            opts=pulumi.ResourceOptions(parent=self, depends_on=[account, *args.upload.ready]),
        )
        self.register_outputs({})
