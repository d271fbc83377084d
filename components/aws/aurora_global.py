"""Aurora's copy in a second region: a global database whose secondary cluster, in a standby network there,
follows the primary by storage-level replication (typically under a second behind), encrypted with a key of
that region, with W&B's parameters and one instance ready to take writes once promoted.

The standby network is the one a stack in the second region adopts (`aws.vpcId` and its subnets) when the
first region is lost: the promoted cluster is then in its own VPC, reachable from its private subnets only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from .aurora import LOG_EXPORTS, PORT, cluster_instance, parameter_groups
from .network import AwsNetwork

TOKEN = "wandb-platform:index:AuroraGlobal"


@dataclass(kw_only=True)
class AuroraGlobalArgs:
    primary: aws.rds.Cluster  # in the first region, created with `global_database`
    identifier: str  # the global cluster's, and the prefix of the secondary's names
    engine_version: str
    instance_class: str
    network: AwsNetwork  # the standby network in the second region
    provider: pulumi.ProviderResource  # the second region's
    kms_key_arn: pulumi.Input[str]  # a key of the second region, usable through RDS
    monitoring_role_arn: pulumi.Input[str]  # Enhanced Monitoring's role (IAM is global: the primary's)
    backup_retention_days: int = 14  # kept once the secondary is promoted
    deletion_protection: bool = True
    tags: Mapping[str, str] = field(default_factory=dict)


class AuroraGlobal(pulumi.ComponentResource):
    """Exposes `secondary` (the second region's cluster) and `global_cluster`."""

    def __init__(self, name: str, args: AuroraGlobalArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__(TOKEN, name, None, opts)
        tags = dict(args.tags)
        protected = pulumi.ResourceOptions(parent=self, protect=args.deletion_protection)
        self.global_cluster = aws.rds.GlobalCluster(
            f"{name}-global",
            global_cluster_identifier=args.identifier,
            source_db_cluster_identifier=args.primary.arn,
            force_destroy=True,  # required with a source cluster: deleting it detaches the members
            deletion_protection=args.deletion_protection,
            opts=protected,
        )
        there = pulumi.ResourceOptions(parent=self, provider=args.provider)
        group = aws.ec2.SecurityGroup(
            f"{name}-sg",
            description="Aurora MySQL replica: MySQL from the second region's private subnets only",
            vpc_id=args.network.vpc_id,
            ingress=[
                {
                    "protocol": "tcp",
                    "from_port": PORT,
                    "to_port": PORT,
                    "cidr_blocks": args.network.subnet_cidrs["private"],
                    "description": "the nodes of a stack in the second region",
                }
            ],
            tags=tags,
            opts=there,
        )
        subnets = aws.rds.SubnetGroup(
            f"{name}-subnets", subnet_ids=list(args.network.database_subnet_ids), tags=tags, opts=there
        )
        cluster_params, instance_params = parameter_groups(name, args.engine_version, tags, there)
        self.secondary = aws.rds.Cluster(
            f"{name}-cluster",
            engine="aurora-mysql",
            engine_version=args.engine_version,
            global_cluster_identifier=self.global_cluster.id,
            port=PORT,
            db_subnet_group_name=subnets.name,
            vpc_security_group_ids=[group.id],
            db_cluster_parameter_group_name=cluster_params.name,
            storage_encrypted=True,
            kms_key_id=args.kms_key_arn,
            backup_retention_period=args.backup_retention_days,
            copy_tags_to_snapshot=True,
            skip_final_snapshot=True,  # a member of a global database; the primary keeps the data
            deletion_protection=args.deletion_protection,
            enabled_cloudwatch_logs_exports=LOG_EXPORTS,
            iam_database_authentication_enabled=True,
            tags=tags,
            opts=pulumi.ResourceOptions(
                parent=self,
                provider=args.provider,
                protect=args.deletion_protection,
                depends_on=[self.global_cluster],
                # a promotion detaches it; AWS moves minor versions in the maintenance window
                ignore_changes=["engineVersion", "globalClusterIdentifier", "replicationSourceIdentifier"],
            ),
        )
        cluster_instance(
            f"{name}-0",
            cluster=self.secondary.id,
            instance_class=args.instance_class,
            parameters=instance_params.name,
            kms_key_arn=args.kms_key_arn,
            monitoring_role_arn=args.monitoring_role_arn,
            tags=tags,
            opts=pulumi.ResourceOptions(parent=self, provider=args.provider, protect=args.deletion_protection),
        )
        self.register_outputs({"secondaryEndpoint": self.secondary.endpoint})
