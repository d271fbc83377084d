"""wandb-platform: load the stack's config, build the platform, export its outputs."""

import pulumi

from stacks.config import ConfigError, load_config, pulumi_config
from stacks.program import build

try:
    config = load_config(pulumi_config())
except ConfigError as error:
    raise pulumi.RunError(str(error)) from None

for name, value in build(config).items():
    pulumi.export(name, value)
