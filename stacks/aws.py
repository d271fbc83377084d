"""The AWS stack: the validated config as AwsWandbPlatform's arguments."""

from __future__ import annotations

from components.naming import StackNames
from components.platform.aws import AwsWandbPlatform, AwsWandbPlatformArgs
from stacks.config import PlatformConfig
from stacks.wandb_args import cloud_args


def aws_args(cfg: PlatformConfig, names: StackNames) -> AwsWandbPlatformArgs:
    a = cfg.aws
    return AwsWandbPlatformArgs(
        region=cfg.aws_region or "",
        **cloud_args(cfg, names),
        tags=cfg.resource_labels,
        availability_zones=list(a.availability_zones),
        az_count=a.az_count,
        vpc_cidr=str(a.vpc_cidr),
        vpc_id=a.vpc_id,
        public_subnet_ids=list(a.public_subnet_ids),
        private_subnet_ids=list(a.private_subnet_ids),
        database_subnet_ids=list(a.database_subnet_ids),
        flow_logs=cfg.flow_logs,
        log_retention_days=a.log_retention_days,
        container_logs=a.container_logs,
        kubernetes_version=a.kubernetes_version,
        api_access_cidrs=[str(c) for c in a.api_access_cidrs],
        admin_principal_arns=list(a.admin_principal_arns),
        certificate_arn=a.certificate_arn,
        route53_zone_id=a.route53_zone_id,
        ingress_cidrs=[str(c) for c in a.ingress_cidrs],
        load_balancer_scheme=a.load_balancer_scheme,
        kms_deletion_window_days=a.kms_deletion_window_days,
        aurora_version=a.aurora_version,
        redis_version=a.redis_version,
        lb_controller_chart_version=a.lb_controller_chart_version,
        cluster_autoscaler_chart_version=a.cluster_autoscaler_chart_version,
        msk_version=a.msk_version,
        msk_instance_type=a.msk_instance_type,
        msk_volume_gb=a.msk_volume_gb,
    )


def build_aws(cfg: PlatformConfig, names: StackNames) -> dict:
    """The AWS platform for one stack; returns the stack outputs."""
    return AwsWandbPlatform(names.logical, aws_args(cfg, names)).stack_outputs()
