"""ElastiCache for Redis 7 for W&B: TLS in transit with an AUTH token, CMK encryption at rest, and multi-AZ
automatic failover when HA."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws
import pulumi_random as random

from ..contracts import RedisEndpoint
from .datastore import PrivateDatastoreArgs, nodes_only_security_group

TOKEN = "wandb-platform:index:ElastiCacheRedis"
PORT = 6379


@dataclass(kw_only=True)
class ElastiCacheArgs(PrivateDatastoreArgs):
    engine_version: str
    node_type: str
    snapshot_retention_days: int = 7


class ElastiCacheRedis(pulumi.ComponentResource):
    def __init__(self, name: str, args: ElastiCacheArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__(TOKEN, name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        tags = dict(args.tags)
        group = nodes_only_security_group(name, args, PORT, "ElastiCache Redis", child)
        subnets = aws.elasticache.SubnetGroup(
            f"{name}-subnets",
            description="W&B Redis: database subnets",
            subnet_ids=list(args.subnet_ids),
            tags=tags,
            opts=child,
        )
        # AUTH tokens allow only a few symbols, and W&B puts the token in a URL unescaped: letters and digits.
        token = random.RandomPassword(f"{name}-auth", length=64, special=False, opts=child)
        nodes = 2 if args.high_availability else 1
        redis = aws.elasticache.ReplicationGroup(
            f"{name}-rg",
            description="W&B Redis",
            engine="redis",
            engine_version=args.engine_version,
            node_type=args.node_type,
            num_cache_clusters=nodes,
            preferred_cache_cluster_azs=[args.zones[i % len(args.zones)] for i in range(nodes)],
            automatic_failover_enabled=args.high_availability,
            multi_az_enabled=args.high_availability,
            port=PORT,
            subnet_group_name=subnets.name,
            security_group_ids=[group.id],
            transit_encryption_enabled=True,
            transit_encryption_mode="required",
            auth_token=token.result,
            auth_token_update_strategy="ROTATE",
            at_rest_encryption_enabled=True,
            kms_key_id=args.kms_key_arn,
            snapshot_retention_limit=args.snapshot_retention_days,
            snapshot_window="02:00-03:00",
            maintenance_window="sun:05:30-sun:06:30",
            auto_minor_version_upgrade=True,
            final_snapshot_identifier=f"{args.identifier or name}-final" if args.deletion_protection else None,
            apply_immediately=False,
            tags=tags,
            opts=pulumi.ResourceOptions(parent=self, protect=args.deletion_protection),
        )
        self.replication_group = redis
        # ElastiCache's certificates chain to Amazon's public roots, which W&B's images already trust.
        self.endpoint = RedisEndpoint(
            host=redis.primary_endpoint_address, port=PORT, password=pulumi.Output.secret(token.result), tls=True
        )
        self.register_outputs({"endpoint": redis.primary_endpoint_address})
