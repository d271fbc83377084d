"""The existing-cluster target: W&B on a cluster you already run, through your kubeconfig, with nothing
outside it. Datastores run in the cluster or are yours (`external`); the object store is SeaweedFS in the
cluster or your bucket.
"""

from __future__ import annotations

import os

import pulumi
import pulumi_kubernetes as k8s

from components.contracts import BucketInfo, ClusterInfo, IngressSettings
from components.k8s.object_store import InClusterObjectStore, InClusterObjectStoreArgs
from components.naming import StackNames
from stacks.config import PlatformConfig
from stacks.release import ReleaseInputs, external_bucket, install_wandb


def _ingress(cfg: PlatformConfig) -> IngressSettings:
    tls = [{"hosts": [cfg.host_name], "secretName": cfg.existing.tls_secret_name}] if cfg.ingress.tls else []
    return IngressSettings(
        ingress_class=cfg.existing.ingress_class,
        annotations=dict(cfg.ingress.annotations),
        tls=tls,
        create=cfg.ingress.create,
    )


def build_existing(cfg: PlatformConfig, names: StackNames) -> dict[str, pulumi.Input]:
    """Install W&B, and an object store when asked, on the cluster the kubeconfig names."""
    ex, prefix = cfg.existing, names.logical
    provider = k8s.Provider(
        f"{prefix}-k8s",
        kubeconfig=os.path.expanduser(ex.kubeconfig) if ex.kubeconfig else None,  # None: $KUBECONFIG, ~/.kube
        context=ex.context or None,
    )
    cluster = ClusterInfo(
        name=ex.context or "current-context", kubeconfig=None, k8s_provider=provider, oidc_issuer=ex.oidc_issuer
    )
    bucket: BucketInfo
    wait_for: list[pulumi.Resource] = []
    if cfg.bucket.mode == "in-cluster":
        store = InClusterObjectStore(
            f"{prefix}-objects",
            InClusterObjectStoreArgs(
                namespace=f"{cfg.namespace}-objects",
                size_gb=cfg.bucket.storage_gb,
                storage_class=ex.storage_class,
                chart_version=ex.object_store_chart_version,
            ),
            pulumi.ResourceOptions(providers=[provider]),
        )
        bucket, wait_for = store.info, [store.release]
    else:
        bucket = external_bucket(cfg)
    return install_wandb(
        cfg,
        prefix,
        ReleaseInputs(cluster=cluster, cloud_provider="", bucket=bucket, ingress=_ingress(cfg), wait_for=wait_for),
    )
