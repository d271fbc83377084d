"""Where the datastores in the cluster back up to, for a platform's arguments: a prefix of the platform's own
bucket, written as a workload identity allowed that prefix only. Each function imports its own cloud's modules
when called, so that a target loads only its own cloud's SDK."""

import json

import pulumi

from ..contracts import BackupStore

CLICKHOUSE_PREFIX = "clickhouse/"
BACKUP_SERVICE_ACCOUNT = "clickhouse-backup"


def clickhouse_backups_on(args) -> bool:
    """A replicated ClickHouse, a bucket of the platform's own, and a schedule."""
    return (
        args.clickhouse.mode == "replicated" and args.bucket.mode == "managed" and bool(args.clickhouse.backup_schedule)
    )


def gcp_clickhouse_backups(name: str, args, *, bucket, account_id: str, workload_pool, opts) -> BackupStore | None:
    """A Google service account bound to ClickHouse's backup service account, allowed to list the bucket and to
    read, write and delete objects under `clickhouse/` only (an IAM condition)."""
    import pulumi_gcp as gcp

    from ..gcp.identity import GKE_SA_ANNOTATION, pod_identity

    if not clickhouse_backups_on(args):
        return None
    namespace = f"{args.wandb.namespace}-clickhouse"
    account, _ = pod_identity(
        name,
        project=args.project,
        account_id=account_id,
        display_name="W&B platform: ClickHouse backups",
        workload_pool=workload_pool,
        namespace=namespace,
        service_account=BACKUP_SERVICE_ACCOUNT,
        opts=opts,
    )
    gcp.storage.BucketIAMMember(
        f"{name}-list", bucket=bucket.name, role="roles/storage.legacyBucketReader", member=account.member, opts=opts
    )
    gcp.storage.BucketIAMMember(
        f"{name}-objects",
        bucket=bucket.name,
        role="roles/storage.objectAdmin",
        member=account.member,
        condition={
            "title": "clickhouse-backups-only",
            "expression": pulumi.Output.concat(
                'resource.name.startsWith("projects/_/buckets/', bucket.name, "/objects/", CLICKHOUSE_PREFIX, '")'
            ),
        },
        opts=opts,
    )
    return BackupStore(
        provider="gcs",
        bucket=bucket.name,
        prefix=CLICKHOUSE_PREFIX,
        region=args.region,
        service_account=BACKUP_SERVICE_ACCOUNT,
        annotations={GKE_SA_ANNOTATION: account.email},
    )


AZURE_CONTAINER = "clickhouse-backups"


def azure_clickhouse_backups(name: str, args, *, storage, issuer, subscription_id, common: dict, opts):
    """A container of its own in the platform's storage account (geo-replicated with it), and a workload identity
    for ClickHouse's backup service account allowed that container only (Azure scopes a role to a container, not
    to a prefix)."""
    import pulumi_azure_native as azure

    from ..azure.identity import workload_identity
    from ..azure.roles import STORAGE_BLOB_DATA_CONTRIBUTOR, grant

    if not clickhouse_backups_on(args) or storage is None:
        return None
    container = azure.storage.BlobContainer(
        f"{name}-container",
        resource_group_name=common["resource_group_name"],
        account_name=storage.account.name,
        container_name=AZURE_CONTAINER,
        public_access="None",
        opts=opts,
    )
    identity, workload = workload_identity(
        name,
        issuer=issuer,
        namespace=f"{args.wandb.namespace}-clickhouse",
        service_accounts=[BACKUP_SERVICE_ACCOUNT],
        opts=opts,
        **common,
    )
    grant(
        f"{name}-blobs",
        principal_id=identity.principal_id,
        subscription_id=subscription_id,
        role=STORAGE_BLOB_DATA_CONTRIBUTOR,
        scope=container.id,
        opts=opts,
    )
    return BackupStore(
        provider="azblob",
        bucket=storage.account.name,
        container=container.name,
        prefix=CLICKHOUSE_PREFIX,
        region=args.location,
        service_account=BACKUP_SERVICE_ACCOUNT,
        annotations=dict(workload.service_account_annotations),
        pod_labels=dict(workload.pod_labels),
    )


def backup_policy(bucket_arn: str, key_arn: str, prefix: str) -> dict:
    """List the prefix, read, write and delete under it, with the bucket's key through S3 only."""
    from ..aws.policies import document

    return document(
        {
            "Effect": "Allow",
            "Action": "s3:ListBucket",
            "Resource": bucket_arn,
            "Condition": {"StringLike": {"s3:prefix": [f"{prefix}*"]}},
        },
        {
            "Effect": "Allow",
            "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
            "Resource": f"{bucket_arn}/{prefix}*",
        },
        {"Effect": "Allow", "Action": ["kms:Decrypt", "kms:GenerateDataKey"], "Resource": key_arn},
    )


def aws_clickhouse_backups(name: str, args, *, bucket, eks, tags: dict, opts) -> BackupStore | None:
    """An IRSA role for ClickHouse's backup service account, allowed the bucket's `clickhouse/` prefix only."""
    from ..aws.irsa import irsa_role

    if not clickhouse_backups_on(args):
        return None
    bucket_arn = bucket.name.apply(lambda b: f"arn:aws:s3:::{b}")
    role = irsa_role(
        name,
        oidc_provider=eks.oidc_provider,
        issuer=eks.issuer,
        service_accounts=[(f"{args.wandb.namespace}-clickhouse", BACKUP_SERVICE_ACCOUNT)],
        inline_policy=pulumi.Output.all(bucket_arn, bucket.kms_key).apply(
            lambda a: json.dumps(backup_policy(a[0], a[1], CLICKHOUSE_PREFIX))
        ),
        tags=tags,
        opts=opts,
    )
    return BackupStore(
        provider="s3",
        bucket=bucket.name,
        prefix=CLICKHOUSE_PREFIX,
        region=args.region,
        service_account=BACKUP_SERVICE_ACCOUNT,
        annotations={"eks.amazonaws.com/role-arn": role.arn},
    )
