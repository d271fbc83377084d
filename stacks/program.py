"""The Pulumi program: validated config in, one target's builder, stack outputs out."""

from __future__ import annotations

import pulumi

from stacks.config import PlatformConfig


def stack_prefix(cfg: PlatformConfig) -> str:
    """Logical-name prefix of every resource: `<instanceName>-<stack>`."""
    return f"{cfg.instance_name}-{pulumi.get_stack()}"


def build(cfg: PlatformConfig) -> dict[str, pulumi.Input]:
    """Build the stack for `cfg.target`; each target's cloud SDK is imported only when it is used."""
    if cfg.target == "gcp":
        from stacks.gcp import build_gcp

        return build_gcp(cfg, stack_prefix(cfg))
    if cfg.target == "aws":
        from stacks.aws import build_aws

        return build_aws(cfg, stack_prefix(cfg))
    if cfg.target == "existing":
        from stacks.existing import build_existing

        return build_existing(cfg, stack_prefix(cfg))
    raise AssertionError(f"unreachable: config validation admits no target {cfg.target!r}")
