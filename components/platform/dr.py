"""Copies in a second region (`dr`), for a platform's arguments: each cloud's replica bucket and MySQL replica,
with keys of their own in that region. Each function imports its own cloud's modules when called, so that a
target loads only its own cloud's SDK."""

from dataclasses import dataclass, replace
from typing import Any

import pulumi

STANDBY_ZONES = 3  # the second region's standby network, where Aurora's replica waits


def copies(args) -> dict[str, bool]:
    """Which copies a platform makes in `dr.secondary_region`: of a managed bucket, of a managed MySQL (each cloud
    its own way: a replica bucket or geo-redundant storage; a replica, a global database's secondary or
    geo-redundant backups)."""
    dr = args.dr
    on = bool(dr.secondary_region)
    return {
        "bucket": on and dr.bucket and args.bucket.mode == "managed",
        "mysql": on and dr.mysql and args.mysql.mode == "managed",
    }


@dataclass(frozen=True)
class AwsSecondRegion:
    """The second region's provider and keys (one per copy, usable through its service only)."""

    name: str
    region: str
    provider: Any
    keys: Any  # AwsKms
    opts: pulumi.ResourceOptions  # the platform's parent, the second region's provider


def aws_second_region(name: str, args, *, account, prefix: str, tags: dict, parent) -> AwsSecondRegion | None:
    """Nothing without a copy to make there."""
    import pulumi_aws as aws

    from ..aws.kms import AwsKms, AwsKmsArgs
    from ..aws.policies import KeyUse

    made = copies(args)
    if not any(made.values()):
        return None
    region = args.dr.secondary_region
    provider = aws.Provider(f"{name}-aws", region=region, opts=pulumi.ResourceOptions(parent=parent))
    in_region = pulumi.ResourceOptions(parent=parent, providers=[provider])
    keys = {"s3": KeyUse(via_services=["s3"])} if made["bucket"] else {}
    if made["mysql"]:  # the replica's storage, and the standby network's flow logs
        keys |= {"rds": KeyUse(via_services=["rds"]), "logs": KeyUse(service_principals=["logs"], log_groups=True)}
    kms = AwsKms(
        f"{name}-kms",
        AwsKmsArgs(
            account=replace(account, region=region),
            keys=keys,
            alias_prefix=f"{prefix}-dr",
            deletion_window_days=args.kms_deletion_window_days,
            protect=args.protect,
            tags=tags,
        ),
        in_region,
    )
    return AwsSecondRegion(name, region, provider, kms, in_region)


def aws_bucket_replica(args, *, source, second: AwsSecondRegion | None, tags: dict, opts: pulumi.ResourceOptions):
    """The S3 bucket replicated into the second region (nothing without its copy). `opts`: the platform's, with
    the first region's provider (the replication rule belongs to the source bucket)."""
    from ..aws.s3_replica import S3Replica, S3ReplicaArgs

    if second is None or not copies(args)["bucket"]:
        return None
    return S3Replica(
        f"{second.name}-objects",
        S3ReplicaArgs(
            source=source,
            source_key_arn=source.info.kms_key,
            region=second.region,
            key_arn=second.keys.arn("s3"),
            provider=second.provider,
            retention_days=args.dr.retention_days,
            protect=args.protect,
            tags=tags,
        ),
        opts,
    )


def aws_mysql_replica(
    args, *, primary, second: AwsSecondRegion | None, prefix: str, engine_version: str, instance_class: str, tags
):
    """Aurora's global database: a secondary cluster in a standby network of the second region (nothing without
    its copy). `primary`: the AuroraMysql, created as a global database's primary."""
    import pulumi_aws as aws

    from ..aws.aurora_global import AuroraGlobal, AuroraGlobalArgs
    from ..aws.network import AwsNetwork, AwsNetworkArgs

    if second is None or not copies(args)["mysql"]:
        return None
    zones = aws.get_availability_zones_output(state="available", opts=pulumi.InvokeOptions(provider=second.provider))
    network = AwsNetwork(
        f"{second.name}-net",
        AwsNetworkArgs(
            region=second.region,
            zones=[zones.names.apply(lambda n, i=i: n[i]) for i in range(STANDBY_ZONES)],
            zone_count=STANDBY_ZONES,
            vpc_cidr=args.dr.vpc_cidr,
            nat_per_zone=False,  # standing by: one NAT until a stack there needs more
            flow_logs=True,
            log_key_arn=second.keys.arn("logs"),
            log_group_name=f"/aws/vpc/{prefix}-dr/flow-logs",
            nodes=False,  # the stack that adopts it makes its own
            tags=tags,
        ),
        second.opts,
    )
    return AuroraGlobal(
        f"{second.name}-mysql",
        AuroraGlobalArgs(
            primary=primary.cluster,
            identifier=f"{prefix}-mysql",
            engine_version=engine_version,
            instance_class=instance_class,
            network=network,
            provider=second.provider,
            kms_key_arn=second.keys.arn("rds"),
            monitoring_role_arn=primary.monitoring_role.arn,
            backup_retention_days=primary.cluster.backup_retention_period,
            deletion_protection=args.protect,
            tags=tags,
        ),
        pulumi.ResourceOptions(parent=second.opts.parent),
    )


TRANSFER_API = "storagetransfer.googleapis.com"  # the bucket's replication


def gcp_dr_keys(name: str, args, *, agents: dict, labels: dict, depends_on, opts: pulumi.ResourceOptions):
    """The second region's key ring: a key for each copy, usable by its service's agent only (None: no copy)."""
    from ..gcp.kms import GcpKms, KmsArgs

    made = [copy for copy, on in copies(args).items() if on]
    if not made:
        return None
    agent = {"bucket": agents["storage"], "mysql": agents["sql"]}
    return GcpKms(
        name,
        KmsArgs(
            project=args.project,
            location=args.dr.secondary_region,
            keys={copy: [agent[copy]] for copy in made},
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

    if not copies(args)["mysql"]:
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

    if not copies(args)["bucket"]:
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


def azure_geo_backup_key(name: str, args, *, vault_name, tenant_id, subscription_id, common: dict, parent):
    """The paired region's key for Flexible Server's geo-redundant backups, in a vault there, and an identity there
    allowed to use it (Azure takes neither across regions). None without that copy."""
    import pulumi_azure_native as azure

    from ..azure.keyvault import AzureKeyVault, AzureKeyVaultArgs
    from ..azure.mysql import GeoBackupKey

    if not copies(args)["mysql"]:
        return None
    there = {**common, "location": args.dr.secondary_region}
    opts = pulumi.ResourceOptions(parent=parent)
    identity = azure.managedidentity.UserAssignedIdentity(f"{name}-mysql", opts=opts, **there)
    vault = AzureKeyVault(
        f"{name}-keys",
        AzureKeyVaultArgs(
            resource_group_name=common["resource_group_name"],
            location=args.dr.secondary_region,
            tenant_id=tenant_id,
            subscription_id=subscription_id,
            vault_name=vault_name,
            keys={"mysql": [identity.principal_id]},
            endpoint_subnet_id=None,  # no network of the platform's there: Azure's trusted services only
            vnet_id=None,
            rotation_days=args.key_rotation_days,
            protect=args.protect,
            tags=common["tags"],
        ),
        opts,
    )
    return GeoBackupKey(identity_id=identity.id, key_uri=vault.key_uri("mysql"), ready=vault.grants["mysql"])
