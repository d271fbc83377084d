"""wandb-platform: load the stack's config, build the platform, export its outputs."""

import pulumi

from stacks.config import ConfigError, load_config, pulumi_config
from stacks.program import build

values, secret_keys = pulumi_config()
try:
    config = load_config(values, secret_keys=secret_keys)
except ConfigError as error:
    raise pulumi.RunError(str(error)) from None

for name, value in build(config).items():
    pulumi.export(name, value)
