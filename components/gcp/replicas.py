"""GCP's copies in a second region: Cloud SQL's cross-region read replica, and the bucket replicated into a bucket
of its own there by Storage Transfer Service's cross-bucket replication; each encrypted with a key in that region
(Cloud SQL and Cloud Storage take keys of their own region only)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pulumi
import pulumi_gcp as gcp

from .bucket import GcsBucket, GcsBucketArgs
from .mysql import WANDB_MYSQL_FLAGS

TRANSFER_BUCKET_ROLE = "roles/storage.admin"  # what Storage Transfer Service's agent asks on both buckets


def mysql_replica(
    name: str,
    primary: gcp.sql.DatabaseInstance,
    *,
    region: str,
    tier: str,
    database_version: str,
    kms_key_id: pulumi.Input[str],
    network_id: pulumi.Input[str],
    protect: bool,
    labels: Mapping[str, str],
    depends_on: Sequence[pulumi.Resource],
    opts: pulumi.ResourceOptions,
) -> gcp.sql.DatabaseInstance:
    """A read replica of `primary` in `region`, built like it (private address only, TLS only, the same tier
    and W&B's flags): promoted to a primary when the first region is lost (docs/recovery.md)."""
    return gcp.sql.DatabaseInstance(
        f"{name}-mysql",
        project=primary.project,
        region=region,
        database_version=database_version,
        master_instance_name=primary.name,
        encryption_key_name=kms_key_id,
        deletion_protection=protect,
        replica_configuration={"failover_target": False},
        settings={
            "tier": tier,
            "edition": "ENTERPRISE",
            "availability_type": "ZONAL",
            "disk_type": "PD_SSD",
            "disk_autoresize": True,
            "deletion_protection_enabled": protect,
            "ip_configuration": {"ipv4_enabled": False, "private_network": network_id, "ssl_mode": "ENCRYPTED_ONLY"},
            "database_flags": [{"name": k, "value": v} for k, v in WANDB_MYSQL_FLAGS.items()],
            "user_labels": dict(labels),
        },
        opts=pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(protect=protect, depends_on=list(depends_on))),
    )


def bucket_replica(
    name: str,
    source_bucket: pulumi.Input[str],
    *,
    project: str,
    region: str,
    kms_key_id: pulumi.Input[str],
    retention_days: int,
    protect: bool,
    labels: Mapping[str, str],
    depends_on: Sequence[pulumi.Resource],
    opts: pulumi.ResourceOptions,
) -> GcsBucket:
    """A bucket in `region` built like the first (private, versioned, its own key) that Storage Transfer Service
    keeps a copy of the first in: every new and overwritten object (deletions stay, as noncurrent versions expire
    after `retention_days`)."""
    replica = GcsBucket(
        f"{name}-objects",
        GcsBucketArgs(
            project=project,
            location=region,
            kms_key_id=kms_key_id,
            cors_origins=(),
            noncurrent_version_days=retention_days,
            protect=protect,
            labels=labels,
            depends_on=depends_on,
        ),
        opts,
    )
    agent = gcp.storage.get_transfer_project_service_account_output(project=project)
    grants = [
        gcp.storage.BucketIAMMember(
            f"{name}-transfer-{which}",
            bucket=bucket,
            role=TRANSFER_BUCKET_ROLE,
            member=agent.email.apply(lambda email: f"serviceAccount:{email}"),
            opts=opts,
        )
        for which, bucket in (("source", source_bucket), ("replica", replica.info.name))
    ]
    gcp.storage.TransferJob(
        f"{name}-replication",
        project=project,
        description="W&B objects to the second region",
        replication_spec={
            "gcs_data_source": {"bucket_name": source_bucket},
            "gcs_data_sink": {"bucket_name": replica.info.name},
        },
        opts=pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(depends_on=[*grants, *depends_on])),
    )
    return replica
