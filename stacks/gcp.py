"""The GCP stack: the validated config as GcpWandbPlatform's arguments."""

from __future__ import annotations

from components.naming import StackNames
from components.platform.gcp import AuthorizedNetworkArgs, GcpWandbPlatform, GcpWandbPlatformArgs
from stacks.config import PlatformConfig
from stacks.wandb_args import cloud_args


def gcp_args(cfg: PlatformConfig, names: StackNames) -> GcpWandbPlatformArgs:
    g = cfg.gcp
    return GcpWandbPlatformArgs(
        project=cfg.gcp_project or "",
        region=cfg.gcp_region,
        **cloud_args(cfg, names),
        labels=cfg.resource_labels,
        subnet_cidr=str(g.subnet_cidr),
        pods_cidr=str(g.pods_cidr),
        services_cidr=str(g.services_cidr),
        master_cidr=str(g.master_cidr),
        private_services_prefix_length=g.private_services_prefix_length,
        authorized_networks=[AuthorizedNetworkArgs(cidr=str(n.cidr), name=n.name) for n in g.authorized_networks],
        private_endpoint=g.private_endpoint,
        release_channel=g.release_channel,
        kubernetes_version=g.kubernetes_version,
        rbac_security_group=g.rbac_security_group,
        kms_rotation_days=g.kms_rotation_days,
        enable_apis=g.enable_apis,
        log_retention_days=g.log_retention_days,
    )


def build_gcp(cfg: PlatformConfig, names: StackNames) -> dict:
    """The GCP platform for one stack; returns the stack outputs."""
    return GcpWandbPlatform(names.logical, gcp_args(cfg, names)).stack_outputs()
