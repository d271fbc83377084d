"""Customer-managed keys: one per consumer, rotated yearly, each usable only by the service that stores data
with it (components.aws.policies.key_policy)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from .account import AwsAccount
from .policies import KeyUse, as_json, key_policy

TOKEN = "wandb-platform:index:AwsKms"


@dataclass
class AwsKmsArgs:
    account: AwsAccount
    keys: Mapping[str, KeyUse]  # key name -> who may use it
    alias_prefix: str
    deletion_window_days: int = 30
    rotation_days: int = 365
    protect: bool = True
    tags: Mapping[str, str] = field(default_factory=dict)


class AwsKms(pulumi.ComponentResource):
    def __init__(self, name: str, args: AwsKmsArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__(TOKEN, name, None, opts)
        account = args.account
        self.keys: dict[str, aws.kms.Key] = {}
        for key, use in args.keys.items():
            self.keys[key] = aws.kms.Key(
                f"{name}-{key}",
                description=f"{args.alias_prefix} {key}",
                enable_key_rotation=True,
                rotation_period_in_days=args.rotation_days,
                deletion_window_in_days=args.deletion_window_days,
                policy=as_json(key_policy, use, account.partition, account.account_id, account.region),
                tags={**args.tags, "Name": f"{args.alias_prefix}-{key}"},
                opts=pulumi.ResourceOptions(parent=self, protect=args.protect),
            )
            aws.kms.Alias(
                f"{name}-{key}-alias",
                name=f"alias/{args.alias_prefix}-{key}",
                target_key_id=self.keys[key].key_id,
                opts=pulumi.ResourceOptions(parent=self),
            )
        self.register_outputs({f"{k}KeyArn": v.arn for k, v in self.keys.items()})

    def arn(self, key: str) -> pulumi.Output[str]:
        return self.keys[key].arn
