"""A replicated ClickHouse for Weave traces in production, run by the Altinity clickhouse-operator: a ClickHouse
Keeper ensemble of three and one shard of N replicas, HTTPS on 8443 with a certificate from a private CA (which
W&B trusts through a ConfigMap), replicas on separate nodes and spread over zones, a PodDisruptionBudget, data
on the cluster's encrypted class, and a namespace W&B's pods alone may reach.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi
import pulumi_kubernetes as k8s
import pulumi_random as random

from ..contracts import BackupStore, ClickHouseEndpoint
from .clickhouse_backup import BackupChain, backup_service_account, backup_sidecar
from .images import Image, Registry
from .namespace import MANAGED_BY, clients_only, operator_namespace
from .pod_security import CONFINED, RESTRICTED_POD
from .private_ca import private_tls

TOKEN = "wandb-platform:index:ReplicatedClickHouse"
OPERATOR_REPO = "https://helm.altinity.com"
OPERATOR_CHART = "altinity-clickhouse-operator"
CHI = "weave"  # the ClickHouseInstallation; its Service is `clickhouse-weave`
CLUSTER = "weave"  # the cluster Weave creates its replicated tables on
KEEPER = "keeper"  # the ClickHouseKeeperInstallation; its Service is `keeper-keeper`
USER = "weave"
DATABASE = "weave_trace_db"
HTTPS_PORT = 8443
CREDENTIALS = "clickhouse-credentials"
CERTIFICATE = "clickhouse-tls"
CERTS_DIR = "/etc/clickhouse-server/secrets.d"  # where the operator mounts `files` taken from Secrets
COMPLETED = {"pulumi.com/waitFor": "jsonpath={.status.status}=Completed"}  # the operator's word for ready
UID = 101  # the images' clickhouse user
METRICS_PORT = 9363  # the servers' Prometheus endpoint, when a monitoring namespace scrapes them
PROMETHEUS = {"endpoint": "/metrics", "port": METRICS_PORT, "metrics": 1, "events": 1, "asynchronous_metrics": 1}


@dataclass
class ReplicatedClickHouseArgs:
    namespace: str
    clients_namespace: str  # W&B's: the only namespace whose pods may reach the servers
    replicas: int = 3
    version: str = "25.8"
    cpu: str = "4"
    memory: str = "16Gi"
    storage_gb: int = 200
    keeper_storage_gb: int = 10
    storage_class: str = ""
    operator_chart_version: str = "0.25.6"
    metrics_namespace: str = ""  # a monitoring namespace allowed to scrape the servers' /metrics ("" = off)
    backup: BackupStore | None = None  # where scheduled backups go (None: none)
    backup_schedule: str = "0 3 * * *"  # full backups, cron UTC
    backup_increment_schedule: str = "*/30 * * * *"  # incremental backups, cron UTC ("" = none)
    backup_retention_days: int = 7
    registry: Registry = field(default_factory=Registry)  # where images and charts come from


def openssl_config() -> str:
    """The server's certificate and key, as the operator mounts them from the Secret (`files` below)."""
    return (
        "<clickhouse><openSSL><server>"
        f"<certificateFile>{CERTS_DIR}/server.crt/{CERTIFICATE}/tls.crt</certificateFile>"
        f"<privateKeyFile>{CERTS_DIR}/server.key/{CERTIFICATE}/tls.key</privateKeyFile>"
        "<verificationMode>none</verificationMode><loadDefaultCAFile>true</loadDefaultCAFile>"
        "<cacheSessions>true</cacheSessions><disableProtocols>sslv2,sslv3,tlsv1,tlsv1_1</disableProtocols>"
        "<preferServerCiphers>true</preferServerCiphers>"
        "</server></openSSL></clickhouse>"
    )


def server_names(namespace: str) -> list[str]:
    """The names W&B and the replicas reach the servers by: the installation's Service, and every replica's."""
    service = f"clickhouse-{CHI}.{namespace}.svc"
    return [f"{service}.cluster.local", service, f"*.{namespace}.svc.cluster.local"]


def _claim(name: str, size_gb: int, storage_class: str) -> dict:
    spec: dict = {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": f"{size_gb}Gi"}}}
    if storage_class:
        spec["storageClassName"] = storage_class
    return {"name": name, "reclaimPolicy": "Retain", "spec": spec}


def _spread(labels: dict, registry: Registry) -> dict:
    """One replica per node (required), and over the zones as evenly as they allow (preferred); images pulled
    with the mirror's Secret, if it has one."""
    return {
        **registry.in_pod,
        "securityContext": {
            "runAsUser": UID,
            "runAsGroup": UID,
            "fsGroup": UID,
            "runAsNonRoot": True,
            "seccompProfile": {"type": "RuntimeDefault"},
        },
        "topologySpreadConstraints": [
            {
                "maxSkew": 1,
                "topologyKey": "topology.kubernetes.io/zone",
                "whenUnsatisfiable": "ScheduleAnyway",
                "labelSelector": {"matchLabels": labels},
            }
        ],
    }


def _containers(server: dict, args: ReplicatedClickHouseArgs) -> dict:
    """The server, and with backups the clickhouse-backup sidecar and the service account of their identity."""
    if args.backup is None:
        return {"containers": [server]}
    password = {"name": CREDENTIALS, "key": "password"}
    chain = BackupChain(args.backup_schedule, args.backup_increment_schedule, args.backup_retention_days)
    sidecar = backup_sidecar(args.backup, chain, f"chi-{CHI}-{CLUSTER}-0-0-0", USER, password, args.registry)
    return {"serviceAccountName": args.backup.service_account, "containers": [server, sidecar]}


def keeper_spec(args: ReplicatedClickHouseArgs) -> dict:
    return {
        "configuration": {"clusters": [{"name": KEEPER, "layout": {"replicasCount": 3}}]},
        "defaults": {"templates": {"podTemplate": "keeper", "dataVolumeClaimTemplate": "data"}},
        "templates": {
            "podTemplates": [
                {
                    "name": "keeper",
                    "podDistribution": [{"type": "ClickHouseAntiAffinity", "scope": "ClickHouseKeeperInstallation"}],
                    "spec": {
                        **_spread({"clickhouse-keeper.altinity.com/chk": KEEPER}, args.registry),
                        "containers": [
                            {
                                "name": "clickhouse-keeper",
                                "image": args.registry.ref(
                                    Image("docker.io", "clickhouse/clickhouse-keeper", args.version)
                                ),
                                "securityContext": CONFINED,
                            }
                        ],
                    },
                }
            ],
            "volumeClaimTemplates": [_claim("data", args.keeper_storage_gb, args.storage_class)],
        },
    }


def installation_spec(args: ReplicatedClickHouseArgs) -> dict:
    server = {
        "name": "clickhouse",
        "image": args.registry.ref(Image("docker.io", "clickhouse/clickhouse-server", args.version)),
        "securityContext": CONFINED,
        "resources": {
            "requests": {"cpu": args.cpu, "memory": args.memory},
            "limits": {"cpu": args.cpu, "memory": args.memory},
        },
    }
    settings: dict = {"https_port": HTTPS_PORT}
    if args.metrics_namespace:
        settings.update({f"prometheus/{key}": value for key, value in PROMETHEUS.items()})
        server["ports"] = [{"name": "metrics", "containerPort": METRICS_PORT}]
    https = {"name": "https", "port": HTTPS_PORT}
    return {
        "configuration": {
            "zookeeper": {"nodes": [{"host": f"keeper-{KEEPER}", "port": 2181}]},
            "clusters": [{"name": CLUSTER, "layout": {"shardsCount": 1, "replicasCount": args.replicas}}],
            "users": {
                f"{USER}/k8s_secret_password": f"{CREDENTIALS}/password",
                f"{USER}/networks/ip": ["::/0"],
                f"{USER}/access_management": 1,
            },
            "settings": settings,
            "files": {
                "openssl.xml": openssl_config(),
                "server.crt": {"valueFrom": {"secretKeyRef": {"name": CERTIFICATE, "key": "tls.crt"}}},
                "server.key": {"valueFrom": {"secretKeyRef": {"name": CERTIFICATE, "key": "tls.key"}}},
            },
        },
        "defaults": {
            "templates": {
                "podTemplate": "server",
                "dataVolumeClaimTemplate": "data",
                "serviceTemplate": "https",
            }
        },
        "templates": {
            "podTemplates": [
                {
                    "name": "server",
                    **(
                        {"metadata": {"labels": dict(args.backup.pod_labels)}}
                        if args.backup and args.backup.pod_labels
                        else {}
                    ),
                    "podDistribution": [{"type": "ClickHouseAntiAffinity", "scope": "ClickHouseInstallation"}],
                    "spec": {
                        **_spread({"clickhouse.altinity.com/chi": CHI}, args.registry),
                        **_containers(server, args),
                    },
                }
            ],
            "volumeClaimTemplates": [_claim("data", args.storage_gb, args.storage_class)],
            # The installation's Service, with HTTPS: the operator's default one carries 8123 and 9000 only.
            "serviceTemplates": [
                {"name": "https", "generateName": "clickhouse-{chi}", "spec": {"type": "ClusterIP", "ports": [https]}}
            ],
        },
    }


class ReplicatedClickHouse(pulumi.ComponentResource):
    """Exposes `endpoint` (ClickHouseEndpoint: HTTPS on 8443, replicated, the CA) and `ready`, the installation
    W&B waits for."""

    def __init__(self, name: str, args: ReplicatedClickHouseArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__(TOKEN, name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        ns, operator = operator_namespace(
            name,
            args.namespace,
            {
                "name": "clickhouse-operator",
                "chart": OPERATOR_CHART,
                "version": args.operator_chart_version,
                "repository": OPERATOR_REPO,
                "values": {  # the operator's image runs as `nobody`; `restricted` asks it in numbers
                    "podSecurityContext": RESTRICTED_POD,
                    "operator": {"containerSecurityContext": CONFINED},
                    "metrics": {"containerSecurityContext": CONFINED},
                },
            },
            child,
            restricted=True,
            registry=args.registry,
        )
        password = random.RandomPassword(f"{name}-password", length=32, special=False, opts=child)
        credentials = k8s.core.v1.Secret(
            f"{name}-credentials",
            metadata={"name": CREDENTIALS, "namespace": ns, "labels": MANAGED_BY},
            string_data={"password": pulumi.Output.secret(password.result)},
            opts=child,
        )
        ca_certificate, certificate = private_tls(
            name,
            ca_name="wandb-platform ClickHouse CA",
            common_name=f"clickhouse-{CHI}",
            dns_names=ns.apply(server_names),
            namespace=ns,
            secret_name=CERTIFICATE,
            opts=child,
        )
        after = pulumi.ResourceOptions(parent=self, depends_on=[operator])
        keeper = k8s.apiextensions.CustomResource(
            f"{name}-keeper",
            api_version="clickhouse-keeper.altinity.com/v1",
            kind="ClickHouseKeeperInstallation",
            metadata={"name": KEEPER, "namespace": ns, "labels": MANAGED_BY, "annotations": COMPLETED},
            spec=keeper_spec(args),
            opts=after,
        )
        identity = [backup_service_account(f"{name}-backup", ns, args.backup, child)] if args.backup else []
        installation = k8s.apiextensions.CustomResource(
            f"{name}-servers",
            api_version="clickhouse.altinity.com/v1",
            kind="ClickHouseInstallation",
            metadata={"name": CHI, "namespace": ns, "labels": MANAGED_BY, "annotations": COMPLETED},
            spec=installation_spec(args),
            opts=pulumi.ResourceOptions(
                parent=self, depends_on=[operator, keeper, credentials, certificate, *identity]
            ),
        )
        k8s.policy.v1.PodDisruptionBudget(
            f"{name}-pdb",
            metadata={"name": "clickhouse", "namespace": ns, "labels": MANAGED_BY},
            spec={"maxUnavailable": 1, "selector": {"matchLabels": {"clickhouse.altinity.com/chi": CHI}}},
            opts=child,
        )
        scrapers = (args.metrics_namespace, [METRICS_PORT]) if args.metrics_namespace else None
        clients_only(f"{name}-clients-only", ns, args.clients_namespace, [HTTPS_PORT], child, scrapers)
        self.ready = [installation]
        self.endpoint = ClickHouseEndpoint(
            host=pulumi.Output.concat("clickhouse-", CHI, ".", ns, ".svc.cluster.local"),
            port=HTTPS_PORT,
            database=DATABASE,
            user=USER,
            password=pulumi.Output.secret(password.result),
            replicated=True,
            cluster=CLUSTER,
            ca_cert=ca_certificate,
        )
        self.register_outputs({"host": self.endpoint.host})
