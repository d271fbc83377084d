"""Typed, validated stack configuration built from a stack's Pulumi config.

Every key lives in the project's namespace (`wandb-platform:<key>`), except the providers' own `gcp:project`,
`gcp:region`, `aws:region` and `azure-native:location`. `load_config` reports every problem at once, each naming
its key and what is allowed, and raises `ConfigError` before any resource is registered. Secrets are
`SecretStr`, so neither a repr nor an error message can show them.

Modules by concern: `base` (namespace, error, section base), `datastores` and `targets` (the sections),
`platform` (the root model), `checks` (across keys), `loading` (raw config in, problems or a model out).
"""

from components.platform.versions import AURORA_VERSIONS
from stacks.config.base import CLOUD_TARGETS, PROJECT, TARGETS, ConfigError
from stacks.config.datastores import BucketConfig, MysqlConfig, RedisConfig
from stacks.config.loading import credential_keys, load_config, pulumi_config
from stacks.config.platform import PlatformConfig
from stacks.config.targets import AwsConfig, AzureConfig, ExistingConfig, GcpConfig

__all__ = [
    "AURORA_VERSIONS",
    "CLOUD_TARGETS",
    "PROJECT",
    "TARGETS",
    "AwsConfig",
    "AzureConfig",
    "BucketConfig",
    "ConfigError",
    "ExistingConfig",
    "GcpConfig",
    "MysqlConfig",
    "PlatformConfig",
    "RedisConfig",
    "credential_keys",
    "load_config",
    "pulumi_config",
]
