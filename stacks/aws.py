"""The AWS stack: network, EKS, Aurora, ElastiCache and S3 in parallel, then the load balancer controller and
the W&B release.

Aurora, ElastiCache and the bucket wait only for the network, the node security group and their keys; only
the Kubernetes objects and the IRSA roles (which need the cluster's OIDC issuer) wait for EKS.
"""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from components.aws.account import AwsAccount, current_account
from components.aws.aurora import AuroraArgs, AuroraMysql
from components.aws.eks import EksCluster, EksClusterArgs
from components.aws.elasticache import ElastiCacheArgs, ElastiCacheRedis
from components.aws.identity import AwsWandbIdentity, AwsWandbIdentityArgs
from components.aws.ingress import AlbIngress, AlbIngressArgs
from components.aws.kms import AwsKms, AwsKmsArgs
from components.aws.network import AwsNetwork, AwsNetworkArgs, ExistingVpc
from components.aws.policies import KeyUse
from components.aws.s3 import S3Bucket, S3BucketArgs
from components.contracts import BucketInfo, MysqlEndpoint, RedisEndpoint
from components.k8s.wandb_values import service_account_names
from components.naming import StackNames
from stacks.config import PlatformConfig
from stacks.release import ReleaseInputs, external_bucket, install_wandb

EKS_NAME_MAX = 100
ALB_NAME_MAX = 32
SNAPSHOT_PREFIX_MAX = 40  # final snapshot names add `-final-<8 hex>`; ElastiCache takes 255, RDS 255
AUTOSCALING_ROLE = "aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling"


def _kms_keys(cfg: PlatformConfig) -> dict[str, KeyUse]:
    """One key per consumer this stack creates, usable only through the service that stores data with it."""
    keys = {
        "eks": KeyUse(via_services=["eks"]),
        # Node volumes: EC2 through the EBS CSI driver, and the Auto Scaling role that launches the nodes.
        "ebs": KeyUse(via_services=["ec2"], roles=[AUTOSCALING_ROLE]),
        "logs": KeyUse(service_principals=["logs"], log_groups=True),
    }
    managed = {"rds": cfg.mysql.mode, "elasticache": cfg.redis.mode, "s3": cfg.bucket.mode}
    keys.update({svc: KeyUse(via_services=[svc]) for svc, mode in managed.items() if mode == "managed"})
    return keys


def _zones(cfg: PlatformConfig, invoke: pulumi.InvokeOptions) -> list[pulumi.Output[str]]:
    """The zones the network spans: configured, those of your database subnets, or the region's first ones."""
    if cfg.aws.vpc_id:
        return [aws.ec2.get_subnet_output(id=s, opts=invoke).availability_zone for s in cfg.aws.database_subnet_ids]
    if cfg.aws.availability_zones:
        return [pulumi.Output.from_input(z) for z in cfg.aws.availability_zones]
    names = aws.get_availability_zones_output(state="available", opts=invoke).names
    return [names.apply(lambda n, i=i: n[i]) for i in range(cfg.az_count)]


def _network(
    cfg: PlatformConfig, names: StackNames, zones: list, kms: AwsKms, opts: pulumi.ResourceOptions
) -> AwsNetwork:
    existing = None
    if cfg.aws.vpc_id:
        existing = ExistingVpc(
            cfg.aws.vpc_id, cfg.aws.public_subnet_ids, cfg.aws.private_subnet_ids, cfg.aws.database_subnet_ids
        )
    return AwsNetwork(
        f"{names.logical}-net",
        AwsNetworkArgs(
            region=cfg.aws_region or "",
            zones=zones,
            zone_count=len(zones),
            vpc_cidr=str(cfg.aws.vpc_cidr),
            nat_per_zone=cfg.ha,
            flow_logs=cfg.flow_logs,
            log_key_arn=kms.arn("logs"),
            log_retention_days=cfg.aws.log_retention_days,
            log_group_name=f"/aws/vpc/{names.physical}/flow-logs",
            existing=existing,
            tags=cfg.resource_labels,
        ),
        opts,
    )


def build_aws(cfg: PlatformConfig, names: StackNames) -> dict[str, pulumi.Input]:
    """Compose the AWS platform for one stack; returns the stack outputs."""
    prefix = names.logical
    region, size, tags = cfg.aws_region or "", cfg.cluster_size, cfg.resource_labels
    provider = aws.Provider(f"{prefix}-aws", region=region)  # every component tags its own resources
    opts = pulumi.ResourceOptions(providers=[provider])
    account: AwsAccount = current_account(region, provider)
    kms = AwsKms(
        f"{prefix}-kms",
        AwsKmsArgs(
            account=account,
            keys=_kms_keys(cfg),
            alias_prefix=names.physical,
            deletion_window_days=cfg.aws.kms_deletion_window_days,
            protect=cfg.protect,
        ),
        opts,
    )
    zones = _zones(cfg, pulumi.InvokeOptions(provider=provider))
    network = _network(cfg, names, zones, kms, opts)
    cluster_name = names.cloud("eks", EKS_NAME_MAX)
    eks = EksCluster(
        f"{prefix}-cluster",
        EksClusterArgs(
            account=account,
            cluster_name=cluster_name,
            kubernetes_version=cfg.aws.kubernetes_version,
            private_subnet_ids=network.private_subnet_ids,
            node_security_group_id=network.node_security_group_id,
            secrets_key_arn=kms.arn("eks"),
            disk_key_arn=kms.arn("ebs"),
            log_key_arn=kms.arn("logs"),
            instance_type=size.node_type,
            min_nodes=size.node_min_count,
            max_nodes=size.node_max_count,
            disk_size_gb=size.node_disk_gb,
            api_access_cidrs=[str(c) for c in cfg.aws.api_access_cidrs],
            admin_principal_arns=cfg.aws.admin_principal_arns,
            log_retention_days=cfg.aws.log_retention_days,
            deletion_protection=cfg.protect,
            tags=tags,
        ),
        opts,
    )

    def datastore(key: str, what: str) -> dict:
        """What Aurora and ElastiCache share: database subnets, the node group's security group, their key."""
        return dict(
            identifier=names.cloud(what, SNAPSHOT_PREFIX_MAX),
            vpc_id=network.vpc_id,
            subnet_ids=network.database_subnet_ids,
            zones=zones,
            node_security_group_id=network.node_security_group_id,
            kms_key_arn=kms.arn(key),
            high_availability=cfg.ha,
            deletion_protection=cfg.protect,
            tags=tags,
        )

    mysql: MysqlEndpoint | None = None
    if cfg.mysql.mode == "managed":
        mysql = AuroraMysql(
            f"{prefix}-mysql",
            AuroraArgs(
                **datastore("rds", "mysql"),
                account=account,
                engine_version=cfg.aurora_version,
                instance_class=size.mysql_tier,
                backup_retention_days=cfg.mysql_backup_days,
                database=cfg.mysql.database,
                user=cfg.mysql.user,
            ),
            opts,
        ).endpoint

    redis: RedisEndpoint | None = None
    if cfg.redis.mode == "managed":
        redis = ElastiCacheRedis(
            f"{prefix}-redis",
            ElastiCacheArgs(
                **datastore("elasticache", "redis"),
                engine_version=cfg.aws.redis_version,
                node_type=size.redis_node_type,
            ),
            opts,
        ).endpoint

    bucket: BucketInfo
    if cfg.bucket.mode == "managed":
        bucket = S3Bucket(
            f"{prefix}-objects",
            S3BucketArgs(
                region=region,
                kms_key_arn=kms.arn("s3"),
                noncurrent_version_days=cfg.bucket.noncurrent_version_days,
                protect=cfg.protect,
                tags=tags,
            ),
            opts,
        ).info
    else:
        bucket = external_bucket(cfg)

    identity = AwsWandbIdentity(
        f"{prefix}-identity",
        AwsWandbIdentityArgs(
            oidc_provider=eks.oidc_provider,
            issuer=eks.issuer,
            namespace=cfg.namespace,
            service_accounts=service_account_names(cfg.instance_name),
            bucket_arn=pulumi.Output.all(account.partition, bucket.name).apply(lambda a: f"arn:{a[0]}:s3:::{a[1]}"),
            kms_key_arn=bucket.kms_key or None,
            tags=tags,
        ),
        opts,
    )
    internal = cfg.aws.load_balancer_scheme == "internal"
    load_balancer_name = names.cloud("alb", ALB_NAME_MAX)
    ingress = AlbIngress(
        f"{prefix}-ingress",
        AlbIngressArgs(
            region=region,
            cluster_name=eks.cluster.name,
            vpc_id=network.vpc_id,
            oidc_provider=eks.oidc_provider,
            issuer=eks.issuer,
            subnet_ids=network.private_subnet_ids if internal else network.public_subnet_ids,
            host_name=cfg.host_name,
            load_balancer_name=load_balancer_name,
            scheme=cfg.aws.load_balancer_scheme,
            inbound_cidrs=[str(c) for c in cfg.aws.ingress_cidrs],
            tls=cfg.ingress.tls,
            certificate_arn=cfg.aws.certificate_arn,
            route53_zone_id=cfg.aws.route53_zone_id,
            chart_version=cfg.aws.lb_controller_chart_version,
            extra_annotations=cfg.ingress.annotations,
            tags=tags,
        ),
        pulumi.ResourceOptions(providers=[provider, eks.info.k8s_provider]),
    )
    outputs = install_wandb(
        cfg,
        prefix,
        ReleaseInputs(
            cluster=eks.info,
            cloud_provider="aws",
            mysql=mysql,
            redis=redis,
            bucket=bucket,
            identity=identity.workload_identity,
            ingress=ingress.settings,
            wait_for=[ingress.controller],
        ),
    )
    return {
        **outputs,
        "loadBalancerName": load_balancer_name,
        "certificateArn": ingress.certificate_arn,
        "wandbRoleArn": identity.role.arn,
    }
