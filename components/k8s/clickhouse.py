"""ClickHouse in the cluster for Weave traces, for dev and laptops: one server of ClickHouse's official image,
its data on a PersistentVolumeClaim, its password generated and kept in a Secret of its own namespace.

Weave reaches it over plain HTTP on 8123 inside the cluster, and a NetworkPolicy admits W&B's namespace only.
Its user may create Weave's database (Weave runs `CREATE DATABASE IF NOT EXISTS`). For production, a replicated
ClickHouse with Keeper and TLS is the way.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi
import pulumi_kubernetes as k8s
import pulumi_random as random

from ..contracts import ClickHouseEndpoint
from .images import Image, Registry
from .namespace import MANAGED_BY, clients_only, restricted_namespace

TOKEN = "wandb-platform:index:InClusterClickHouse"
IMAGE = "clickhouse/clickhouse-server"  # on Docker Hub
HTTP_PORT = 8123
NAME = "clickhouse"  # the StatefulSet, its Service and its Secret
USER = "weave"
DATABASE = "weave_trace_db"
PASSWORD_KEY = "CLICKHOUSE_PASSWORD"
SELECTOR = {"app.kubernetes.io/name": "clickhouse"}
UID = 10101  # any unprivileged uid: the image lets an arbitrary user write its data and configuration
POD_SECURITY = {
    "runAsNonRoot": True,
    "runAsUser": UID,
    "runAsGroup": UID,
    "fsGroup": UID,
    "seccompProfile": {"type": "RuntimeDefault"},
}


@dataclass
class InClusterClickHouseArgs:
    namespace: str
    clients_namespace: str  # W&B's: the only namespace whose pods may reach the server
    version: str = "25.8"  # an image tag of a version Weave supports (25.8 to 25.12, 26.3 or newer)
    storage_gb: int = 20
    storage_class: str = ""  # "" = the cluster's default class
    cpu: str = "1"
    cpu_limit: str = "2"
    memory: str = "4Gi"
    registry: Registry = field(default_factory=Registry)  # where the image comes from


def server_container(args: InClusterClickHouseArgs) -> dict:
    """The server: its user and database from the image's environment, ready once it answers `/ping`."""
    probe = {"httpGet": {"path": "/ping", "port": HTTP_PORT}, "periodSeconds": 10}
    return {
        "name": "clickhouse",
        "image": args.registry.ref(Image("docker.io", IMAGE, args.version)),
        "imagePullPolicy": "Always",  # the tag follows the version's patch releases
        "env": [
            {"name": "CLICKHOUSE_USER", "value": USER},
            {"name": "CLICKHOUSE_DB", "value": DATABASE},
            {"name": "CLICKHOUSE_DEFAULT_ACCESS_MANAGEMENT", "value": "1"},  # the user may create databases
            {"name": "CLICKHOUSE_PASSWORD", "valueFrom": {"secretKeyRef": {"name": NAME, "key": PASSWORD_KEY}}},
        ],
        "ports": [{"name": "http", "containerPort": HTTP_PORT}],
        "readinessProbe": {**probe, "initialDelaySeconds": 5},
        "livenessProbe": {**probe, "initialDelaySeconds": 30, "failureThreshold": 6},
        "resources": {
            "requests": {"cpu": args.cpu, "memory": args.memory},
            "limits": {"cpu": args.cpu_limit, "memory": args.memory},
        },
        "securityContext": {"allowPrivilegeEscalation": False, "capabilities": {"drop": ["ALL"]}},
        "volumeMounts": [{"name": "data", "mountPath": "/var/lib/clickhouse"}],
    }


class InClusterClickHouse(pulumi.ComponentResource):
    """Exposes `endpoint` (ClickHouseEndpoint) and `server`, the StatefulSet W&B waits for."""

    def __init__(self, name: str, args: InClusterClickHouseArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__(TOKEN, name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        namespace = restricted_namespace(f"{name}-ns", args.namespace, child, args.registry)
        ns = namespace.metadata.name
        labels = {**MANAGED_BY, **SELECTOR}
        password = random.RandomPassword(f"{name}-password", length=32, special=False, opts=child)
        secret = k8s.core.v1.Secret(
            f"{name}-password",
            metadata={"name": NAME, "namespace": ns, "labels": labels},
            type="Opaque",
            string_data={PASSWORD_KEY: pulumi.Output.secret(password.result)},
            opts=child,
        )
        service = k8s.core.v1.Service(
            f"{name}-svc",
            metadata={"name": NAME, "namespace": ns, "labels": labels},
            spec={"selector": SELECTOR, "ports": [{"name": "http", "port": HTTP_PORT, "targetPort": "http"}]},
            opts=child,
        )
        claim = {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": f"{args.storage_gb}Gi"}}}
        if args.storage_class:
            claim["storageClassName"] = args.storage_class
        self.server = k8s.apps.v1.StatefulSet(
            f"{name}-server",
            metadata={"name": NAME, "namespace": ns, "labels": labels},
            spec={
                "serviceName": NAME,
                "replicas": 1,
                "selector": {"matchLabels": SELECTOR},
                "template": {
                    "metadata": {"labels": labels},
                    "spec": {
                        "securityContext": POD_SECURITY,
                        "automountServiceAccountToken": False,
                        **args.registry.in_pod,
                        "containers": [server_container(args)],
                    },
                },
                "volumeClaimTemplates": [{"metadata": {"name": "data"}, "spec": claim}],
            },
            opts=pulumi.ResourceOptions(parent=self, depends_on=[secret]),
        )
        clients_only(f"{name}-clients-only", ns, args.clients_namespace, [HTTP_PORT], child)
        self.endpoint = ClickHouseEndpoint(
            host=pulumi.Output.concat(service.metadata.name, ".", ns, ".svc.cluster.local"),
            port=HTTP_PORT,
            database=DATABASE,
            user=USER,
            password=pulumi.Output.secret(password.result),
        )
        self.register_outputs({"host": self.endpoint.host})
