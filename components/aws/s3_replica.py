"""The W&B bucket copied into a second region, for the loss of the first: S3 replication of every new and
overwritten object and of deletions into a bucket of its own there, built like the first (private, TLS only,
versioned, SSE-KMS) with a key of its own in that region, through a role that may only replicate these two
buckets."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_aws as aws

from .policies import as_json, replication_policy, service_trust_policy
from .s3 import S3Bucket, S3BucketArgs

TOKEN = "wandb-platform:index:S3Replica"


@dataclass
class S3ReplicaArgs:
    source: S3Bucket
    source_key_arn: pulumi.Input[str]
    region: str  # the replica's
    key_arn: pulumi.Input[str]  # the replica's key, in its region
    provider: aws.Provider  # for the replica's region
    retention_days: int = 30  # how long the replica keeps overwritten and deleted versions
    protect: bool = True
    tags: dict[str, str] = field(default_factory=dict)


def replication_rule(replica_arn: str, replica_key_arn: str) -> dict[str, Any]:
    """Everything, deletions included, encrypted objects re-encrypted with the replica's key."""
    return {
        "id": "everything-to-the-second-region",
        "status": "Enabled",
        "filter": {},
        "delete_marker_replication": {"status": "Enabled"},
        "source_selection_criteria": {"sse_kms_encrypted_objects": {"status": "Enabled"}},
        "destination": {
            "bucket": replica_arn,
            "encryption_configuration": {"replica_kms_key_id": replica_key_arn},
        },
    }


class S3Replica(pulumi.ComponentResource):
    """Exposes `bucket` (the replica's S3Bucket)."""

    def __init__(self, name: str, args: S3ReplicaArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__(TOKEN, name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.bucket = S3Bucket(
            f"{name}-bucket",
            S3BucketArgs(
                region=args.region,
                kms_key_arn=args.key_arn,
                cors_origins=(),
                noncurrent_version_days=args.retention_days,
                protect=args.protect,
                tags=args.tags,
            ),
            pulumi.ResourceOptions(parent=self, provider=args.provider),
        )
        source, replica = args.source.bucket, self.bucket.bucket
        role = aws.iam.Role(
            f"{name}-role",
            assume_role_policy=as_json(service_trust_policy, "s3"),
            tags=args.tags,
            opts=child,
        )
        aws.iam.RolePolicy(
            f"{name}-role",
            role=role.id,
            policy=as_json(replication_policy, source.arn, replica.arn, args.source_key_arn, args.key_arn),
            opts=child,
        )
        aws.s3.BucketReplicationConfig(
            f"{name}-replication",
            bucket=source.id,
            role=role.arn,
            rules=[pulumi.Output.all(replica.arn, args.key_arn).apply(lambda a: replication_rule(a[0], a[1]))],
            opts=pulumi.ResourceOptions(parent=self, depends_on=[args.source.versioning, self.bucket.versioning]),
        )
        self.register_outputs({"replica": replica.bucket})
