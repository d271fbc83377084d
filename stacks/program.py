"""The Pulumi program: validated config in, one target's builder, stack outputs out."""

from __future__ import annotations

import pulumi

from components.naming import StackNames, normalized_stack_note
from stacks.config import PlatformConfig


def build(cfg: PlatformConfig) -> dict[str, pulumi.Input]:
    """Build the stack for `cfg.target`; each target's cloud SDK is imported only when it is used."""
    stack = pulumi.get_stack()
    names = StackNames.of(cfg.instance_name, stack, cfg.name_prefix)
    note = normalized_stack_note(stack)
    if note and not cfg.name_prefix:
        pulumi.log.info(note)
    if cfg.stack_role == "wandb":
        from stacks.wandb_role import build_wandb_role

        return build_wandb_role(cfg, names)
    if cfg.target == "gcp":
        from stacks.gcp import build_gcp

        return build_gcp(cfg, names)
    if cfg.target == "aws":
        from stacks.aws import build_aws

        return build_aws(cfg, names)
    if cfg.target == "azure":
        from stacks.azure import build_azure

        return build_azure(cfg, names)
    if cfg.target == "existing":
        from stacks.existing import build_existing

        return build_existing(cfg, names)
    raise AssertionError(f"unreachable: config validation admits no target {cfg.target!r}")
