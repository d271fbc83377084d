"""The Azure stack: the validated config as AzureWandbPlatform's arguments."""

from __future__ import annotations

from components.naming import StackNames
from components.platform.azure import AzureWandbPlatform, AzureWandbPlatformArgs
from stacks.config import PlatformConfig
from stacks.wandb_args import cloud_args


def azure_args(cfg: PlatformConfig, names: StackNames) -> AzureWandbPlatformArgs:
    a = cfg.azure
    return AzureWandbPlatformArgs(
        location=cfg.azure_location or "",
        **cloud_args(cfg, names),
        tags=cfg.resource_labels,
        resource_group_name=a.resource_group_name,
        zones=list(a.zones),
        vnet_cidr=str(a.vnet_cidr),
        pod_cidr=str(a.pod_cidr),
        service_cidr=str(a.service_cidr),
        kubernetes_version=a.kubernetes_version,
        api_authorized_ips=[str(c) for c in a.api_authorized_ips],
        admin_group_ids=list(a.admin_group_ids),
        key_rotation_days=a.key_rotation_days,
        log_retention_days=a.log_retention_days,
        storage_allowed_ips=[str(c) for c in a.storage_allowed_ips],
        tls_secret_name=a.tls_secret_name,
        acme_email=a.acme_email,
        alb_controller_chart_version=a.alb_controller_chart_version,
        cert_manager_chart_version=a.cert_manager_chart_version,
    )


def build_azure(cfg: PlatformConfig, names: StackNames) -> dict:
    """The Azure platform for one stack; returns the stack outputs."""
    return AzureWandbPlatform(names.logical, azure_args(cfg, names)).stack_outputs()
