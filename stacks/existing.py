"""The existing-cluster stack: the validated config as ExistingClusterWandb's arguments."""

from __future__ import annotations

from components.naming import StackNames
from components.platform.existing import ExistingClusterWandb, ExistingClusterWandbArgs
from stacks.config import PlatformConfig
from stacks.wandb_args import common_args


def existing_args(cfg: PlatformConfig, names: StackNames) -> ExistingClusterWandbArgs:
    ex = cfg.existing
    return ExistingClusterWandbArgs(
        **common_args(cfg, names),
        kubeconfig=ex.kubeconfig,
        context=ex.context,
        ingress_class=ex.ingress_class,
        tls_secret_name=ex.tls_secret_name,
        oidc_issuer=ex.oidc_issuer,
        storage_class=ex.storage_class,
        object_store_chart_version=ex.object_store_chart_version,
        snapshot_class=ex.snapshot_class,
        snapshot_schedule=ex.snapshot_schedule,
        snapshots_kept=ex.snapshots_kept,
    )


def build_existing(cfg: PlatformConfig, names: StackNames) -> dict:
    """W&B, and an object store when asked, on the cluster the kubeconfig names; returns the stack outputs."""
    return ExistingClusterWandb(names.logical, existing_args(cfg, names)).stack_outputs()
