"""The W&B bucket on S3: private (all four public-access blocks, owner-enforced), SSE-KMS with the CMK and a
bucket key, TLS-only, versioned with noncurrent versions expiring, CORS for browser uploads."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from ..contracts import BucketInfo
from .policies import as_json, tls_only_bucket_policy

TOKEN = "wandb-platform:index:S3Bucket"
CORS_METHODS = ["GET", "HEAD", "PUT"]  # what browser uploads need (W&B's own modules set the same)


@dataclass
class S3BucketArgs:
    region: str
    kms_key_arn: pulumi.Input[str]
    cors_origins: Sequence[str] = ("*",)  # () = no CORS (a replica nobody's browser reaches)
    noncurrent_version_days: int = 30
    expire_prefixes: Mapping[str, int] = field(default_factory=dict)  # prefix -> days its objects are kept
    protect: bool = True  # no force-destroy, and Pulumi refuses to delete it
    tags: Mapping[str, str] = field(default_factory=dict)


class S3Bucket(pulumi.ComponentResource):
    def __init__(self, name: str, args: S3BucketArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__(TOKEN, name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        bucket = aws.s3.Bucket(
            name,
            force_destroy=not args.protect,
            tags=dict(args.tags),
            opts=pulumi.ResourceOptions(parent=self, protect=args.protect),
        )
        access_block = aws.s3.BucketPublicAccessBlock(
            f"{name}-private",
            bucket=bucket.id,
            block_public_acls=True,
            block_public_policy=True,
            ignore_public_acls=True,
            restrict_public_buckets=True,
            opts=child,
        )
        aws.s3.BucketOwnershipControls(
            f"{name}-owner", bucket=bucket.id, rule={"object_ownership": "BucketOwnerEnforced"}, opts=child
        )
        aws.s3.BucketServerSideEncryptionConfiguration(
            f"{name}-sse",
            bucket=bucket.id,
            rules=[
                {
                    "apply_server_side_encryption_by_default": {
                        "sse_algorithm": "aws:kms",
                        "kms_master_key_id": args.kms_key_arn,
                    },
                    "bucket_key_enabled": True,
                }
            ],
            opts=child,
        )
        versioning = aws.s3.BucketVersioning(
            f"{name}-versioning", bucket=bucket.id, versioning_configuration={"status": "Enabled"}, opts=child
        )
        aws.s3.BucketLifecycleConfiguration(
            f"{name}-lifecycle",
            bucket=bucket.id,
            rules=[
                {
                    "id": "expire-noncurrent-versions",
                    "status": "Enabled",
                    "filter": {},
                    "noncurrent_version_expiration": {"noncurrent_days": args.noncurrent_version_days},
                    "abort_incomplete_multipart_upload": {"days_after_initiation": 7},
                },
                *[
                    {
                        "id": f"expire-{prefix.strip('/')}",
                        "status": "Enabled",
                        "filter": {"prefix": prefix},
                        "expiration": {"days": days},
                    }
                    for prefix, days in sorted(args.expire_prefixes.items())
                ],
            ],
            opts=pulumi.ResourceOptions(parent=self, depends_on=[versioning]),
        )
        if args.cors_origins:
            self._cors(name, bucket, args.cors_origins)
        aws.s3.BucketPolicy(
            f"{name}-tls-only",
            bucket=bucket.id,
            policy=as_json(tls_only_bucket_policy, bucket.arn),
            opts=pulumi.ResourceOptions(parent=self, depends_on=[access_block]),
        )
        self.bucket, self.versioning = bucket, versioning
        self.info = BucketInfo(provider="s3", name=bucket.bucket, region=args.region, kms_key=args.kms_key_arn)
        self.register_outputs({"name": bucket.bucket, "arn": bucket.arn})

    def _cors(self, name: str, bucket: aws.s3.Bucket, origins: Sequence[str]) -> None:
        aws.s3.BucketCorsConfiguration(
            f"{name}-cors",
            bucket=bucket.id,
            cors_rules=[
                {
                    "allowed_methods": CORS_METHODS,
                    "allowed_origins": list(origins),
                    "allowed_headers": ["*"],
                    "expose_headers": ["ETag"],
                    "max_age_seconds": 3000,
                }
            ],
            opts=pulumi.ResourceOptions(parent=self),
        )
