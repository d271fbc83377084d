"""Copies in a second region (`dr`), for a platform's arguments: each cloud's replica bucket and MySQL replica,
with keys of their own in that region. Each function imports its own cloud's modules when called, so that a
target loads only its own cloud's SDK."""

from dataclasses import replace

import pulumi


def aws_bucket_replica(name: str, args, *, source, account, prefix: str, tags: dict, opts: pulumi.ResourceOptions):
    """The S3 bucket replicated into `dr.secondary_region` (nothing without it, or with `dr.bucket` off). `opts`:
    the platform's, with the first region's provider (the replication rule belongs to the source bucket)."""
    import pulumi_aws as aws

    from ..aws.kms import AwsKms, AwsKmsArgs
    from ..aws.policies import KeyUse
    from ..aws.s3_replica import S3Replica, S3ReplicaArgs

    dr = args.dr
    if not (dr.secondary_region and dr.bucket):
        return None
    region = dr.secondary_region
    provider = aws.Provider(f"{name}-aws", region=region, opts=pulumi.ResourceOptions(parent=opts.parent))
    in_region = pulumi.ResourceOptions(parent=opts.parent, providers=[provider])
    keys = AwsKms(
        f"{name}-kms",
        AwsKmsArgs(
            account=replace(account, region=region),
            keys={"s3": KeyUse(via_services=["s3"])},
            alias_prefix=f"{prefix}-dr",
            deletion_window_days=args.kms_deletion_window_days,
            protect=args.protect,
            tags=tags,
        ),
        in_region,
    )
    return S3Replica(
        f"{name}-objects",
        S3ReplicaArgs(
            source=source,
            source_key_arn=source.info.kms_key,
            region=region,
            key_arn=keys.arn("s3"),
            provider=provider,
            retention_days=dr.retention_days,
            protect=args.protect,
            tags=tags,
        ),
        opts,
    )


TRANSFER_API = "storagetransfer.googleapis.com"  # the bucket's replication


def gcp_copies(args) -> dict[str, bool]:
    """Which copies a GCP platform makes in `dr.secondary_region`: of a managed bucket, of a managed MySQL."""
    dr = args.dr
    on = bool(dr.secondary_region)
    return {
        "bucket": on and dr.bucket and args.bucket.mode == "managed",
        "mysql": on and dr.mysql and args.mysql.mode == "managed",
    }


def gcp_dr_keys(name: str, args, *, agents: dict, labels: dict, depends_on, opts: pulumi.ResourceOptions):
    """The second region's key ring: a key for each copy, usable by its service's agent only (None: no copy)."""
    from ..gcp.kms import GcpKms, KmsArgs

    copies = [copy for copy, on in gcp_copies(args).items() if on]
    if not copies:
        return None
    agent = {"bucket": agents["storage"], "mysql": agents["sql"]}
    return GcpKms(
        name,
        KmsArgs(
            project=args.project,
            location=args.dr.secondary_region,
            keys={copy: [agent[copy]] for copy in copies},
            rotation_days=args.kms_rotation_days,
            protect=args.protect,
            labels=labels,
            depends_on=depends_on,
        ),
        opts,
    )


def gcp_mysql_replica(name: str, args, *, primary, keys, network_id, tier: str, labels: dict, opts):
    """Cloud SQL's cross-region read replica (nothing without `dr.mysql`)."""
    from ..gcp.replicas import mysql_replica

    if not gcp_copies(args)["mysql"]:
        return None
    return mysql_replica(
        name,
        primary,
        region=args.dr.secondary_region,
        tier=tier,
        database_version=f"MYSQL_{args.mysql.version.replace('.', '_')}",
        kms_key_id=keys.key_id("mysql"),
        network_id=network_id,
        protect=args.protect,
        labels=labels,
        depends_on=keys.ready("mysql"),
        opts=opts,
    )


def gcp_bucket_replica(name: str, args, *, source_bucket, keys, labels: dict, depends_on, opts):
    """The bucket replicated into the second region (nothing without `dr.bucket`)."""
    from ..gcp.replicas import bucket_replica

    if not gcp_copies(args)["bucket"]:
        return None
    return bucket_replica(
        name,
        source_bucket,
        project=args.project,
        region=args.dr.secondary_region,
        kms_key_id=keys.key_id("bucket"),
        retention_days=args.dr.retention_days,
        protect=args.protect,
        labels=labels,
        depends_on=[*keys.ready("bucket"), *depends_on],
        opts=opts,
    )
