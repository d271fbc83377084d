"""Kafka in the cluster for W&B's Runs V2, run by Strimzi (the CNCF operator for Apache Kafka on Kubernetes):
KRaft brokers in one node pool, replication that survives one broker down, volumes on the cluster's encrypted
class, a plaintext listener on 9092 (the only one W&B's clients speak) that admits W&B's namespace only, and
W&B's topics created ahead (run updates, and Weave's when Weave runs on it).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_kubernetes as k8s

from ..contracts import KafkaEndpoint
from .image_catalogue import KAFKA_VERSION
from .images import Registry
from .namespace import MANAGED_BY, clients_only, operator_namespace
from .wandb_values import WEAVE_TOPIC_PARTITIONS

TOKEN = "wandb-platform:index:InClusterKafka"
OPERATOR_CHART, OPERATOR_REPO = "strimzi-kafka-operator", "oci://quay.io/strimzi-helm"
API = "kafka.strimzi.io/v1"
CLUSTER = "wandb"  # the Kafka resource; its bootstrap Service is `<cluster>-kafka-bootstrap`
PORT = 9092
READY = {"pulumi.com/waitFor": "condition=Ready"}  # Pulumi waits until Strimzi reports the resource Ready
METRICS_PORT = 9404  # brokers' and the Kafka Exporter's `tcp-prometheus`
METRICS_CONFIG, METRICS_KEY = "kafka-metrics", "kafka-metrics-config.yml"
# The JMX exporter's rules: the brokers' partition health and throughput (names as Strimzi's own examples give
# them, lowercased).
JMX_RULES = {
    "lowercaseOutputName": True,
    "rules": [
        {
            "pattern": "kafka.server<type=ReplicaManager, name=(UnderReplicatedPartitions|UnderMinIsrPartitionCount"
            "|OfflineReplicaCount)><>Value",
            "name": "kafka_server_replicamanager_$1",
            "type": "GAUGE",
        },
        {
            "pattern": "kafka.controller<type=KafkaController, name=(ActiveControllerCount"
            "|OfflinePartitionsCount)><>Value",
            "name": "kafka_controller_kafkacontroller_$1",
            "type": "GAUGE",
        },
        {
            "pattern": "kafka.server<type=BrokerTopicMetrics, name=(BytesInPerSec|BytesOutPerSec"
            "|MessagesInPerSec)><>Count",
            "name": "kafka_server_brokertopicmetrics_$1_total",
            "type": "COUNTER",
        },
    ],
}


@dataclass
class InClusterKafkaArgs:
    namespace: str
    clients_namespace: str  # W&B's: the only namespace whose pods may reach the brokers
    topic: str  # W&B's run-updates topic: `<cr-name>-run-updates-shadow`
    brokers: int = 3
    partitions: int = 100
    weave_topics: Sequence[str] = ()  # Weave's, created with WEAVE_TOPIC_PARTITIONS each
    storage_gb: int = 100
    storage_class: str = ""  # "" = the cluster's default class
    operator_chart_version: str = "1.2.0"
    kafka_version: str = KAFKA_VERSION  # one the operator version supports (its image is pinned in the catalogue)
    metrics_namespace: str = ""  # a monitoring namespace allowed to scrape the brokers and the exporter ("" = off)
    registry: Registry = field(default_factory=Registry)  # where images and charts come from


def resource_name(topic: str) -> str:
    """A KafkaTopic's Kubernetes name for a topic: lowercase, `_` as `-`."""
    return topic.lower().replace("_", "-")


def replication(brokers: int) -> tuple[int, int]:
    """Replicas per partition and `min.insync.replicas`: three and two from three brokers, so writes go on with
    one broker down; a single broker (dev) keeps one of each."""
    factor = min(3, brokers)
    return factor, max(1, factor - 1)


def kafka_spec(args: InClusterKafkaArgs) -> dict:
    factor, in_sync = replication(args.brokers)
    listener = {
        "name": "plain",
        "port": PORT,
        "type": "internal",
        "tls": False,
        "networkPolicyPeers": [
            {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": args.clients_namespace}}}
        ],
    }
    config = {
        "default.replication.factor": factor,
        "min.insync.replicas": in_sync,
        "offsets.topic.replication.factor": factor,
        "transaction.state.log.replication.factor": factor,
        "transaction.state.log.min.isr": in_sync,
        "auto.create.topics.enable": False,
        "unclean.leader.election.enable": False,
    }
    spec: dict = {
        "kafka": {"version": args.kafka_version, "listeners": [listener], "config": config},
        "entityOperator": {"topicOperator": {}},
    }
    if args.metrics_namespace:
        reference = {"configMapKeyRef": {"name": METRICS_CONFIG, "key": METRICS_KEY}}
        spec["kafka"]["metricsConfig"] = {"type": "jmxPrometheusExporter", "valueFrom": reference}
        spec["kafkaExporter"] = {"topicRegex": ".*", "groupRegex": ".*"}  # consumer lag, per group and topic
    return spec


def node_pool_spec(args: InClusterKafkaArgs) -> dict:
    volume = {
        "id": 0,
        "type": "persistent-claim",
        "size": f"{args.storage_gb}Gi",
        "deleteClaim": False,
        "kraftMetadata": "shared",
        **({"class": args.storage_class} if args.storage_class else {}),
    }
    return {
        "replicas": args.brokers,
        "roles": ["controller", "broker"],
        "storage": {"type": "jbod", "volumes": [volume]},
    }


class InClusterKafka(pulumi.ComponentResource):
    """Exposes `endpoint` (KafkaEndpoint) and `ready`, what W&B waits for: the cluster and its topic, Ready."""

    def __init__(self, name: str, args: InClusterKafkaArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__(TOKEN, name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        ns, operator = operator_namespace(
            name,
            args.namespace,
            {
                "name": "strimzi",
                "chart": OPERATOR_CHART,
                "version": args.operator_chart_version,
                "repository": OPERATOR_REPO,
                "values": {
                    "replicas": 1,
                    "resources": {"requests": {"cpu": "200m", "memory": "384Mi"}},
                    # Strimzi's own switch: every pod it runs gets the security context `restricted` asks for
                    # (the operator's chart already meets it)
                    "extraEnvs": [{"name": "STRIMZI_POD_SECURITY_PROVIDER_CLASS", "value": "restricted"}],
                },
            },
            child,
            restricted=True,
            registry=args.registry,
        )
        after_operator = pulumi.ResourceOptions(parent=self, depends_on=[operator])
        labels = {**MANAGED_BY, "strimzi.io/cluster": CLUSTER}
        pool = k8s.apiextensions.CustomResource(
            f"{name}-nodes",
            api_version=API,
            kind="KafkaNodePool",
            metadata={"name": "nodes", "namespace": ns, "labels": labels},
            spec=node_pool_spec(args),
            opts=after_operator,
        )
        cluster = k8s.apiextensions.CustomResource(
            f"{name}-cluster",
            api_version=API,
            kind="Kafka",
            metadata={"name": CLUSTER, "namespace": ns, "labels": MANAGED_BY, "annotations": READY},
            spec=kafka_spec(args),
            opts=pulumi.ResourceOptions(parent=self, depends_on=[operator, pool]),
        )
        topic = k8s.apiextensions.CustomResource(
            f"{name}-run-updates",
            api_version=API,
            kind="KafkaTopic",
            metadata={"name": args.topic, "namespace": ns, "labels": labels, "annotations": READY},
            spec={"partitions": args.partitions, "replicas": replication(args.brokers)[0]},
            opts=pulumi.ResourceOptions(parent=self, depends_on=[cluster]),
        )
        weave = [
            k8s.apiextensions.CustomResource(
                f"{name}-{resource_name(weave_topic)}",
                api_version=API,
                kind="KafkaTopic",
                metadata={"name": resource_name(weave_topic), "namespace": ns, "labels": labels, "annotations": READY},
                spec={
                    "topicName": weave_topic,  # a topic name may hold `_`, a Kubernetes name may not
                    "partitions": WEAVE_TOPIC_PARTITIONS,
                    "replicas": replication(args.brokers)[0],
                },
                opts=pulumi.ResourceOptions(parent=self, depends_on=[cluster]),
            )
            for weave_topic in args.weave_topics
        ]
        if args.metrics_namespace:
            k8s.core.v1.ConfigMap(
                f"{name}-metrics",
                metadata={"name": METRICS_CONFIG, "namespace": ns, "labels": MANAGED_BY},
                data={METRICS_KEY: json.dumps(JMX_RULES, sort_keys=True)},  # JSON is YAML
                opts=child,
            )
        scrapers = (args.metrics_namespace, [METRICS_PORT]) if args.metrics_namespace else None
        clients_only(f"{name}-clients-only", ns, args.clients_namespace, [PORT], child, scrapers)
        self.ready = [cluster, topic, *weave]
        self.endpoint = KafkaEndpoint(
            broker_host=pulumi.Output.concat(CLUSTER, "-kafka-bootstrap.", ns, ".svc.cluster.local"),
            partitions=args.partitions,
        )
        self.register_outputs({"brokerHost": self.endpoint.broker_host})
