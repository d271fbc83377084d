"""An AWS platform's managed datastores: Aurora, ElastiCache and Amazon MSK, each in the database subnets,
admitted only from the nodes, on its own key, waiting for the network and its key, never for EKS."""

from dataclasses import dataclass

import pulumi

from ..aws.aurora import AuroraArgs, AuroraMysql
from ..aws.elasticache import ElastiCacheArgs, ElastiCacheRedis
from ..aws.kms import AwsKms
from ..aws.msk import MskArgs, MskKafka
from ..aws.network import AwsNetwork
from ..contracts import KafkaEndpoint, MysqlEndpoint, RedisEndpoint
from ..k8s.wandb_values import run_updates_topic, weave_topics
from ..naming import bounded_name
from .aws_args import aurora_version
from .dr import AwsSecondRegion, aws_mysql_replica, copies
from .sizes import AwsSize

SNAPSHOT_PREFIX_MAX = 40  # final snapshot names add `-final-<8 hex>`; ElastiCache takes 255, RDS 255
BACKUP_DAYS = 14  # W&B's own AWS module's retention


@dataclass(frozen=True)
class DatastorePlacement:
    """Where the platform puts its datastores, and how it names and tags them."""

    name: str  # the platform's logical name
    prefix: str  # of their physical names
    network: AwsNetwork
    kms: AwsKms
    zones: list
    tags: dict[str, str]
    opts: pulumi.ResourceOptions
    second: AwsSecondRegion | None = None  # where the copies go, if the platform makes any


def aws_datastores(
    args, placed: DatastorePlacement, *, account, size: AwsSize
) -> tuple[MysqlEndpoint | None, RedisEndpoint | None]:
    """Aurora and ElastiCache where they are managed."""
    network, kms = placed.network, placed.kms

    def datastore(key: str, what: str) -> dict:
        """What Aurora and ElastiCache share: database subnets, the node group's security group, their key."""
        return dict(
            identifier=bounded_name(placed.prefix, what, SNAPSHOT_PREFIX_MAX),
            vpc_id=network.vpc_id,
            subnet_ids=network.database_subnet_ids,
            zones=placed.zones,
            node_security_group_id=network.node_security_group_id,
            kms_key_arn=kms.arn(key),
            high_availability=args.high_availability,
            deletion_protection=args.protect,
            tags=placed.tags,
        )

    mysql = None
    if args.mysql.mode == "managed":
        replicated = copies(args)["mysql"]
        aurora = AuroraMysql(
            f"{placed.name}-mysql",
            AuroraArgs(
                **datastore("rds", "mysql"),
                account=account,
                engine_version=aurora_version(args),
                instance_class=size.mysql_tier,
                backup_retention_days=args.mysql.backup_retention_days or BACKUP_DAYS,
                database=args.mysql.database,
                user=args.mysql.user,
                password_rotated=args.secrets.backend == "vault",
                global_database=replicated,
            ),
            placed.opts,
        )
        mysql = aurora.endpoint
        aws_mysql_replica(
            args,
            primary=aurora,
            second=placed.second,
            prefix=placed.prefix,
            engine_version=aurora_version(args),
            instance_class=size.mysql_tier,
            tags=placed.tags,
        )
    redis = None
    if args.redis.mode == "managed":
        redis = ElastiCacheRedis(
            f"{placed.name}-redis",
            ElastiCacheArgs(
                **datastore("elasticache", "redis"),
                engine_version=args.redis_version,
                node_type=size.redis_node_type,
            ),
            placed.opts,
        ).endpoint
    return mysql, redis


def aws_kafka(args, placed: DatastorePlacement) -> KafkaEndpoint | None:
    """Amazon MSK in the database subnets, admitted only from the nodes; like the other datastores it waits
    for the network and its key, never for EKS."""
    network, kms = placed.network, placed.kms
    if args.kafka.mode != "managed":
        return None
    return MskKafka(
        f"{placed.name}-kafka",
        MskArgs(
            identifier=bounded_name(placed.prefix, "kafka", SNAPSHOT_PREFIX_MAX),
            vpc_id=network.vpc_id,
            subnet_ids=network.database_subnet_ids,
            zones=placed.zones,
            node_security_group_id=network.node_security_group_id,
            kms_key_arn=kms.arn("kafka"),
            deletion_protection=args.protect,
            tags=placed.tags,
            kafka_version=args.msk_version,
            instance_type=args.msk_instance_type,
            volume_gb=args.msk_volume_gb,
            log_key_arn=kms.arn("logs"),
            log_retention_days=args.log_retention_days,
            topic=run_updates_topic(args.wandb.instance_name),
            partitions=args.kafka.partitions,
            weave_topics=weave_topics(args.clickhouse.mode != "none"),
        ),
        placed.opts,
    ).endpoint
