"""What Aurora and ElastiCache share: private subnets, a security group that admits only the cluster's nodes
on the service's port, their own key, HA and protection."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import pulumi
import pulumi_aws as aws


@dataclass(kw_only=True)
class PrivateDatastoreArgs:
    vpc_id: pulumi.Input[str]
    subnet_ids: Sequence[pulumi.Input[str]]  # the database subnets: no route to the internet
    zones: Sequence[pulumi.Input[str]]  # where replicas go, one zone after another
    node_security_group_id: pulumi.Input[str]  # the only source admitted
    kms_key_arn: pulumi.Input[str]
    high_availability: bool = True
    deletion_protection: bool = True
    tags: Mapping[str, str] = field(default_factory=dict)
    identifier: str = ""  # prefix of physical names unique in the account and region (final snapshots); "" = name


class InTheVpc(Protocol):
    """What a security group admitting only the nodes needs to know."""

    vpc_id: pulumi.Input[str]
    node_security_group_id: pulumi.Input[str]
    tags: Mapping[str, str]


def nodes_only_security_group(
    name: str, args: InTheVpc, port: int, what: str, opts: pulumi.ResourceOptions
) -> aws.ec2.SecurityGroup:
    """A security group admitting `port` from the node security group only, with no egress at all."""
    group = aws.ec2.SecurityGroup(
        f"{name}-sg",
        vpc_id=args.vpc_id,
        description=f"{what}: port {port} from the W&B cluster nodes only",
        egress=[],
        tags={**args.tags, "Name": f"{name}-sg"},
        opts=opts,
    )
    aws.vpc.SecurityGroupIngressRule(
        f"{name}-from-nodes",
        security_group_id=group.id,
        referenced_security_group_id=args.node_security_group_id,
        ip_protocol="tcp",
        from_port=port,
        to_port=port,
        description=f"{what} from the W&B cluster nodes",
        opts=opts,
    )
    return group
