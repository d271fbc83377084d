"""Scheduled CSI volume snapshots of the stores that run in the cluster (the W&B chart's MySQL and Redis,
SeaweedFS, a single ClickHouse server), for a cluster whose storage driver takes snapshots.

A CronJob in a namespace of its own (PodSecurity `restricted`) snapshots every PersistentVolumeClaim of the
given namespaces with the given VolumeSnapshotClass and deletes all but the newest `keep` of each claim. Its
service account may only list claims and create, list and delete VolumeSnapshots, in those namespaces. Each
snapshot is crash-consistent, as after a power cut: InnoDB, Redis's append-only file and SeaweedFS recover from
that; claims are snapshotted one after another, not at one instant (W&B repairs references to objects missing
from a bucket restored earlier than its database).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_kubernetes as k8s

from .images import Image, Registry
from .namespace import MANAGED_BY, restricted_namespace
from .pod_security import CONFINED

TOKEN = "wandb-platform:index:VolumeSnapshots"
NAME = "volume-snapshots"  # the CronJob, its service account and its Roles
LABEL = "wandb-platform/snapshot-of"  # on each snapshot: the claim it was taken of
KUBECTL = Image("docker.io", "alpine/k8s", "1.31.12")  # kubectl with a shell (W&B's chart uses it for its hooks)
UID = 65534
SCRIPT = f"""set -eu
stamp="$(date -u +%Y%m%d%H%M)"
for ns in $NAMESPACES; do
  for pvc in $(kubectl -n "$ns" get pvc -o jsonpath='{{.items[*].metadata.name}}'); do
    printf '%s\\n' "apiVersion: snapshot.storage.k8s.io/v1" "kind: VolumeSnapshot" \\
      "metadata: {{name: $pvc-$stamp, labels: {{{LABEL}: $pvc}}}}" \\
      "spec: {{volumeSnapshotClassName: $SNAPSHOT_CLASS, source: {{persistentVolumeClaimName: $pvc}}}}" \\
      | kubectl -n "$ns" create -f -
    kubectl -n "$ns" get volumesnapshot -l "{LABEL}=$pvc" --sort-by=.metadata.creationTimestamp -o name \\
      | awk -v keep="$KEEP" '{{n[NR] = $0}} END {{for (i = 1; i <= NR - keep; i++) print n[i]}}' \\
      | xargs -r kubectl -n "$ns" delete
  done
done
"""


@dataclass
class VolumeSnapshotsArgs:
    namespace: str  # the CronJob's own
    namespaces: Sequence[str]  # whose claims are snapshotted
    snapshot_class: str  # a VolumeSnapshotClass of the cluster's CSI driver
    schedule: str = "*/30 * * * *"  # cron, UTC
    keep: int = 48  # snapshots kept of each claim
    registry: Registry = field(default_factory=Registry)


class VolumeSnapshots(pulumi.ComponentResource):
    """Pass the cluster's Kubernetes provider as `opts.providers`. Exposes `job`."""

    def __init__(self, name: str, args: VolumeSnapshotsArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__(TOKEN, name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        ns = restricted_namespace(f"{name}-ns", args.namespace, child, args.registry).metadata.name
        account = k8s.core.v1.ServiceAccount(
            f"{name}-account", metadata={"name": NAME, "namespace": ns, "labels": MANAGED_BY}, opts=child
        )
        grants = [self._grant(name, target, ns, child) for target in args.namespaces]
        self.job = k8s.batch.v1.CronJob(
            f"{name}-job",
            metadata={"name": NAME, "namespace": ns, "labels": {**MANAGED_BY, "app.kubernetes.io/name": NAME}},
            spec={
                "schedule": args.schedule,
                "concurrencyPolicy": "Forbid",
                "successfulJobsHistoryLimit": 3,
                "failedJobsHistoryLimit": 3,
                "jobTemplate": {"spec": {"backoffLimit": 2, "template": {"spec": self._pod(args)}}},
            },
            opts=pulumi.ResourceOptions(parent=self, depends_on=[account, *grants]),
        )
        self.register_outputs({})

    @staticmethod
    def _pod(args: VolumeSnapshotsArgs) -> dict:
        env = {"NAMESPACES": " ".join(args.namespaces), "SNAPSHOT_CLASS": args.snapshot_class, "KEEP": str(args.keep)}
        return {
            "serviceAccountName": NAME,
            "restartPolicy": "Never",
            **args.registry.in_pod,
            "securityContext": {
                "runAsNonRoot": True,
                "runAsUser": UID,
                "runAsGroup": UID,
                "seccompProfile": {"type": "RuntimeDefault"},
            },
            "containers": [
                {
                    "name": "snapshot",
                    "image": args.registry.ref(KUBECTL),
                    "command": ["sh", "-c", SCRIPT],
                    "env": [{"name": k, "value": v} for k, v in {**env, "HOME": "/tmp"}.items()],
                    "resources": {
                        "requests": {"cpu": "50m", "memory": "64Mi"},
                        "limits": {"cpu": "500m", "memory": "256Mi"},
                    },
                    "securityContext": {**CONFINED, "readOnlyRootFilesystem": True},
                    "volumeMounts": [{"name": "tmp", "mountPath": "/tmp"}],
                }
            ],
            "volumes": [{"name": "tmp", "emptyDir": {}}],
        }

    @staticmethod
    def _grant(name: str, target: str, job_namespace: pulumi.Input[str], opts: pulumi.ResourceOptions):
        """In `target`: list its claims; create, list and delete its snapshots. Nothing else."""
        role = k8s.rbac.v1.Role(
            f"{name}-{target}-role",
            metadata={"name": NAME, "namespace": target, "labels": MANAGED_BY},
            rules=[
                {"apiGroups": [""], "resources": ["persistentvolumeclaims"], "verbs": ["list"]},
                {
                    "apiGroups": ["snapshot.storage.k8s.io"],
                    "resources": ["volumesnapshots"],
                    "verbs": ["create", "list", "delete"],
                },
            ],
            opts=opts,
        )
        return k8s.rbac.v1.RoleBinding(
            f"{name}-{target}-binding",
            metadata={"name": NAME, "namespace": target, "labels": MANAGED_BY},
            role_ref={"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": role.metadata["name"]},
            subjects=[{"kind": "ServiceAccount", "name": NAME, "namespace": job_namespace}],
            opts=opts,
        )
