"""The `wandb` stack of a split platform: the validated config as WandbOnPlatform's arguments. Its config is
the platform stack's (the same datastores, W&B settings and Vault section) with `stackRole: wandb` and
`vault.platformStack`, so the Secrets it publishes are the ones the platform's credentials hold."""

from __future__ import annotations

from components.k8s.wandb_values import secret_layout
from components.naming import StackNames
from components.platform.on_platform import WandbOnPlatform, WandbOnPlatformArgs
from stacks.config import PlatformConfig
from stacks.wandb_args import secrets_args


def credential_secrets(cfg: PlatformConfig) -> list[str]:
    """The Secrets W&B's release fills for this config, by name (WandbRelease's credentials, grouped)."""
    refs = secret_layout(cfg.instance_name)
    names = [refs.license.name, refs.mysql_password.name]
    redis = cfg.redis
    if redis.mode != "external" or redis.password or redis.ca_cert:
        names.append(refs.redis_password.name)
    if cfg.oidc is not None and cfg.oidc.secret is not None:
        names.append(refs.oidc_secret.name)
    if cfg.clickhouse.mode != "none":
        names.append(refs.clickhouse_password.name)
        if cfg.kafka.mode != "none":
            names.append(refs.weave_worker_auth.name)
    if cfg.bucket.mode == "in-cluster" or cfg.bucket.access_key is not None:
        names.append(refs.bucket_access_key.name)
    return sorted(names)


def rotates(cfg: PlatformConfig) -> bool:
    """With Vault, the platform gives a managed MySQL (Cloud SQL, Aurora) an admin user for Vault to rotate W&B's
    password with."""
    return cfg.mysql.mode == "managed"


def build_wandb_role(cfg: PlatformConfig, names: StackNames) -> dict:
    """W&B on the platform stack's cluster, its credentials from Vault; returns the stack outputs."""
    args = WandbOnPlatformArgs(
        platform_stack=cfg.vault.platform_stack,
        vault=secrets_args(cfg, names).vault,
        secrets=credential_secrets(cfg),
        rotate=rotates(cfg),
        instance_name=cfg.instance_name,
        namespace=cfg.namespace,
        wandb_chart_version=cfg.operator.wandb_chart_version,
        chart_repository=cfg.images.chart_repository,
    )
    return WandbOnPlatform(names.logical, args).stack_outputs()
