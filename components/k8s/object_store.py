"""An in-cluster S3-compatible store for W&B on a cluster without a cloud bucket: SeaweedFS, single pod.

SeaweedFS's official chart is maintained (the MinIO community chart no longer is). It runs master, volume,
filer and the S3 gateway in one pod with a persistent volume, reads its S3 identities from a Secret this
component generates, and creates the bucket with a hook Job. W&B gets the same keys through its own Secret
(components.k8s.wandb_release) and reaches the store by its Service; browsers reach it through W&B's proxy.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi
import pulumi_kubernetes as k8s
import pulumi_random as random

from ..contracts import BucketInfo
from .helm import chart_release
from .images import Registry
from .namespace import MANAGED_BY, baseline_namespace

TOKEN = "wandb-platform:index:InClusterObjectStore"
CHART_REPO = "https://seaweedfs.github.io/seaweedfs/helm"
RELEASE = "seaweedfs"  # fixed, so the Service is `seaweedfs-all-in-one`
S3_PORT = 8333
CONFIG_SECRET = "seaweedfs-s3-config"
CONFIG_KEY = "seaweedfs_s3_config"  # the key the chart mounts as the S3 gateway's identities file
REGION = "us-east-1"  # SeaweedFS accepts any; S3 clients need one


def s3_identities(access_key: str, secret_key: str) -> dict:
    """SeaweedFS's S3 identities file: one identity, W&B's, allowed everything on the store."""
    actions = ["Admin", "Read", "List", "Tagging", "Write"]
    return {
        "identities": [
            {"name": "wandb", "credentials": [{"accessKey": access_key, "secretKey": secret_key}], "actions": actions}
        ]
    }


def seaweedfs_values(bucket: str, size_gb: int, storage_class: str) -> dict:
    """Single-pod mode with a persistent volume; no hostPath and no cluster-wide RBAC (fits PodSecurity
    baseline and a namespace-scoped deployer)."""
    return {
        "global": {"seaweedfs": {"createClusterRole": False}},
        "master": {"enabled": False},
        "volume": {"enabled": False},
        "filer": {"enabled": False},
        "allInOne": {
            "enabled": True,
            "data": {"type": "persistentVolumeClaim", "size": f"{size_gb}Gi", "storageClass": storage_class},
            "resources": {"requests": {"cpu": "100m", "memory": "256Mi"}, "limits": {"memory": "1Gi"}},
            "s3": {
                "enabled": True,
                "enableAuth": True,
                "existingConfigSecret": CONFIG_SECRET,
                "createBuckets": [{"name": bucket}],
            },
        },
    }


@dataclass
class InClusterObjectStoreArgs:
    namespace: str  # created here, beside W&B's own
    bucket: str = "wandb"
    size_gb: int = 20
    storage_class: str = ""  # "" = the cluster's default
    chart_version: str = "4.44.0"
    registry: Registry = field(default_factory=Registry)  # where its image and chart come from


class InClusterObjectStore(pulumi.ComponentResource):
    """Pass the cluster's Kubernetes provider as `opts.providers`. `info` is W&B's bucket, with its keys;
    `release` is what W&B should wait for."""

    def __init__(self, name: str, args: InClusterObjectStoreArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__(TOKEN, name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        namespace = baseline_namespace(f"{name}-ns", args.namespace, child, args.registry)
        # Letters and digits only: W&B puts the keys into an s3:// URL unescaped.
        access_key = random.RandomPassword(f"{name}-access-key", length=20, special=False, opts=child).result
        secret_key = random.RandomPassword(f"{name}-secret-key", length=40, special=False, opts=child).result
        identities = pulumi.Output.secret(
            pulumi.Output.all(access_key, secret_key).apply(lambda k: pulumi.Output.json_dumps(s3_identities(*k)))
        )
        config = k8s.core.v1.Secret(
            f"{name}-s3-config",
            metadata={"name": CONFIG_SECRET, "namespace": namespace.metadata.name, "labels": MANAGED_BY},
            type="Opaque",
            string_data={CONFIG_KEY: identities},
            opts=child,
        )
        self.release = chart_release(
            f"{name}-seaweedfs",
            name=RELEASE,
            chart="seaweedfs",
            version=args.chart_version,
            repository=CHART_REPO,
            namespace=namespace.metadata.name,
            values=seaweedfs_values(args.bucket, args.size_gb, args.storage_class),
            registry=args.registry,
            timeout=600,  # the bucket Job waits up to five minutes for the store
            opts=pulumi.ResourceOptions(parent=self, depends_on=[config]),
        )
        self.info = BucketInfo(
            provider="s3",
            name=args.bucket,
            region=REGION,
            endpoint=f"{RELEASE}-all-in-one.{args.namespace}.svc.cluster.local:{S3_PORT}",
            tls=False,  # inside the cluster only; browsers go through W&B's proxy
            access_key=pulumi.Output.secret(access_key),
            secret_key=pulumi.Output.secret(secret_key),
            proxied=True,
        )
        self.register_outputs({"endpoint": self.info.endpoint, "bucket": args.bucket})
