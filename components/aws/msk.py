"""Amazon MSK for W&B's event streaming: brokers across the database subnets, plaintext on 9092 inside the VPC
(the only protocol W&B's Kafka clients speak), unauthenticated, so admitted only from the cluster's nodes;
storage encrypted with the platform's key, broker logs to an encrypted log group, W&B's topic created ahead."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from ..contracts import KafkaEndpoint
from ..k8s.wandb_values import WEAVE_TOPIC_PARTITIONS
from .datastore import PrivateDatastoreArgs, nodes_only_security_group

TOKEN = "wandb-platform:index:MskKafka"
PORT = 9092  # plaintext; W&B's consumers connect to :9092 whatever the values say
# Replication that survives one broker down; topics only as W&B (and this component) create them.
SERVER_PROPERTIES = {
    "default.replication.factor": "3",
    "min.insync.replicas": "2",
    "auto.create.topics.enable": "false",
    "unclean.leader.election.enable": "false",
}


def broker_count(zones: int) -> int:
    """At least three brokers, and a multiple of the zones (MSK spreads brokers evenly over them)."""
    return zones * -(-3 // zones)


def first_broker(bootstrap_brokers: str) -> str:
    """The host of the first `host:port` of MSK's bootstrap list: W&B's values take one broker host."""
    return bootstrap_brokers.split(",")[0].rsplit(":", 1)[0]


@dataclass(kw_only=True)
class MskArgs(PrivateDatastoreArgs):
    kafka_version: str
    instance_type: str = "kafka.m7g.large"
    volume_gb: int = 500
    log_key_arn: pulumi.Input[str] | None = None
    log_retention_days: int = 365
    topic: str = "wandb-run-updates-shadow"  # W&B's run-updates topic: `<cr-name>-run-updates-shadow`
    partitions: int = 100
    weave_topics: Sequence[str] = ()  # Weave's, created with WEAVE_TOPIC_PARTITIONS each


class MskKafka(pulumi.ComponentResource):
    """Exposes `endpoint` (KafkaEndpoint), resolved once W&B's topic exists."""

    def __init__(self, name: str, args: MskArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__(TOKEN, name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        tags = dict(args.tags)
        group = nodes_only_security_group(name, args, PORT, "Amazon MSK", child)
        logs = aws.cloudwatch.LogGroup(
            f"{name}-logs",
            name=f"/aws/msk/{args.identifier or name}",
            retention_in_days=args.log_retention_days,
            kms_key_id=args.log_key_arn,
            tags=tags,
            opts=child,
        )
        config = aws.msk.Configuration(
            f"{name}-config",
            kafka_versions=[args.kafka_version],
            server_properties="".join(f"{k}={v}\n" for k, v in SERVER_PROPERTIES.items()),
            opts=child,
        )
        brokers = broker_count(len(args.zones))
        cluster = aws.msk.Cluster(
            f"{name}-cluster",
            kafka_version=args.kafka_version,
            number_of_broker_nodes=brokers,
            broker_node_group_info={
                "instance_type": args.instance_type,
                "client_subnets": list(args.subnet_ids),
                "security_groups": [group.id],
                "storage_info": {"ebs_storage_info": {"volume_size": args.volume_gb}},
                "connectivity_info": {"public_access": {"type": "DISABLED"}},
            },
            client_authentication={"unauthenticated": True},
            encryption_info={
                "encryption_at_rest_kms_key_arn": args.kms_key_arn,
                "encryption_in_transit": {"client_broker": "PLAINTEXT", "in_cluster": True},
            },
            configuration_info={"arn": config.arn, "revision": config.latest_revision},
            logging_info={"broker_logs": {"cloudwatch_logs": {"enabled": True, "log_group": logs.name}}},
            enhanced_monitoring="PER_BROKER",
            tags=tags,
            opts=pulumi.ResourceOptions(parent=self, protect=args.deletion_protection),
        )
        topic = aws.msk.Topic(
            f"{name}-run-updates",
            cluster_arn=cluster.arn,
            name=args.topic,
            partition_count=args.partitions,
            replication_factor=min(3, brokers),
            opts=child,
        )
        weave = [
            aws.msk.Topic(
                f"{name}-{weave_topic}",
                cluster_arn=cluster.arn,
                name=weave_topic,
                partition_count=WEAVE_TOPIC_PARTITIONS,
                replication_factor=min(3, brokers),
                opts=child,
            ).id
            for weave_topic in args.weave_topics
        ]
        self.cluster = cluster
        self.endpoint = KafkaEndpoint(
            broker_host=pulumi.Output.all(cluster.bootstrap_brokers, topic.id, *weave).apply(
                lambda a: first_broker(a[0])
            ),
            partitions=args.partitions,
        )
        self.register_outputs({"bootstrapBrokers": cluster.bootstrap_brokers})
