"""The W&B object bucket on GCS: private, CMEK-encrypted, versioned, CORS for browser uploads."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_gcp as gcp

from ..contracts import BucketInfo

TOKEN = "wandb-platform:index:GcsBucket"


@dataclass
class GcsBucketArgs:
    project: str
    location: str  # the bucket's region; the key must live there too
    kms_key_id: pulumi.Input[str]
    cors_origins: Sequence[str] = ("*",)  # () = no CORS (a replica nobody's browser reaches)
    noncurrent_version_days: int = 30
    expire_prefixes: Mapping[str, int] = field(default_factory=dict)  # prefix -> days its objects are kept
    protect: bool = True
    labels: Mapping[str, str] = field(default_factory=dict)
    depends_on: Sequence[pulumi.Resource] = ()  # the Storage agent's grant on the key


class GcsBucket(pulumi.ComponentResource):
    """Exposes `info` (BucketInfo). Noncurrent versions are deleted after `noncurrent_version_days`, so
    versioning guards against mistakes without keeping every overwrite forever."""

    def __init__(self, name: str, args: GcsBucketArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__(TOKEN, name, None, opts)
        bucket = gcp.storage.Bucket(
            f"{name}-bucket",
            project=args.project,
            location=args.location.upper(),
            storage_class="STANDARD",
            uniform_bucket_level_access=True,
            public_access_prevention="enforced",
            encryption={"default_kms_key_name": args.kms_key_id},
            versioning={"enabled": True},
            lifecycle_rules=[
                {
                    "action": {"type": "Delete"},
                    "condition": {"days_since_noncurrent_time": args.noncurrent_version_days, "with_state": "ARCHIVED"},
                },
                {"action": {"type": "AbortIncompleteMultipartUpload"}, "condition": {"age": 7}},
                *[
                    {"action": {"type": "Delete"}, "condition": {"age": days, "matches_prefixes": [prefix]}}
                    for prefix, days in sorted(args.expire_prefixes.items())
                ],
            ],
            cors=(
                [
                    {
                        "origins": list(args.cors_origins),
                        "methods": ["GET", "HEAD", "PUT"],
                        "response_headers": ["ETag"],
                        "max_age_seconds": 3000,
                    }
                ]
                if args.cors_origins
                else None
            ),
            force_destroy=not args.protect,
            labels=dict(args.labels),
            opts=pulumi.ResourceOptions(parent=self, protect=args.protect, depends_on=list(args.depends_on)),
        )
        self.bucket = bucket
        self.info = BucketInfo(provider="gcs", name=bucket.name, region=args.location, kms_key=args.kms_key_id)
        self.register_outputs({"name": bucket.name, "url": bucket.url})
