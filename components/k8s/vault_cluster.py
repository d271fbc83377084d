"""Vault in the cluster, for the Vault secrets backend: HashiCorp's `vault` chart (pinned), HA on integrated
Raft storage (three servers by default, one per node), TLS everywhere from a private CA made with pulumi-tls,
auto-unseal with the cloud's KMS (the seal stanza and the identity that may use the key come from the cloud),
data and audit logs on volumes of the cluster's encrypted class, the injector off, the UI on the ClusterIP
service only, and a namespace its sync alone may reach.

Vault starts sealed and uninitialised: `vault operator init` once (recovery keys, not unseal keys, with
auto-unseal) is the one manual step before the `wandb` role configures it (README, "Vault in the cluster").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi

from .helm import chart_release
from .images import Registry
from .namespace import clients_only, restricted_namespace
from .pod_security import CONFINED
from .private_ca import private_tls

TOKEN = "wandb-platform:index:VaultCluster"
CHART_REPO = "https://helm.releases.hashicorp.com"
VAULT_UID, VAULT_GID = 100, 1000  # the chart's defaults for the official image
RELEASE = "vault"  # the chart names the Service `vault` and the peers' headless Service `vault-internal`
TLS_SECRET = "vault-tls"
TLS_DIR = f"/vault/userconfig/{TLS_SECRET}"  # where the chart mounts `extraVolumes` of type secret
API_PORT, CLUSTER_PORT = 8200, 8201
AUDIT_LOG = "/vault/audit/audit.log"  # on the chart's audit volume; the `wandb` role enables the device


@dataclass(frozen=True)
class VaultSeal:
    """What a cloud gives Vault to auto-unseal with: the `seal` stanza, the annotations that give Vault's
    service account the identity allowed to use the key, and what the servers must wait for (the key grant)."""

    stanza: pulumi.Input[str]
    service_account_annotations: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)
    pod_labels: Mapping[str, str] = field(default_factory=dict)  # AKS: workload identity is asked for by label
    ready: Sequence[pulumi.Resource] = ()


@dataclass
class VaultClusterArgs:
    namespace: str
    clients_namespace: str  # the sync's operator: the only namespace whose pods may reach Vault
    seal: VaultSeal
    replicas: int = 3
    storage_gb: int = 10
    audit_storage_gb: int = 10
    storage_class: str = ""  # "" = the cluster's default class
    chart_version: str = "0.34.1"
    registry: Registry = field(default_factory=Registry)  # where images and charts come from


def server_names(namespace: str) -> list[str]:
    """The names clients and peers reach Vault by; `localhost` for `kubectl port-forward`."""
    return [
        RELEASE,
        f"{RELEASE}.{namespace}",
        f"{RELEASE}.{namespace}.svc",
        f"{RELEASE}.{namespace}.svc.cluster.local",
        f"{RELEASE}-active.{namespace}.svc",
        f"*.{RELEASE}-internal",
        f"*.{RELEASE}-internal.{namespace}.svc.cluster.local",
        "localhost",
    ]


def raft_config(replicas: int, seal_stanza: str) -> str:
    """The servers' HCL: TLS 1.2+ on both ports, Raft joining every peer over TLS, the cloud seal."""
    joins = "\n".join(
        f'  retry_join {{\n    leader_api_addr = "https://{RELEASE}-{i}.{RELEASE}-internal:{API_PORT}"\n'
        f'    leader_ca_cert_file = "{TLS_DIR}/ca.crt"\n  }}'
        for i in range(replicas)
    )
    return (
        "ui = true\n"
        'listener "tcp" {\n'
        f'  address = "[::]:{API_PORT}"\n'
        f'  cluster_address = "[::]:{CLUSTER_PORT}"\n'
        f'  tls_cert_file = "{TLS_DIR}/tls.crt"\n'
        f'  tls_key_file = "{TLS_DIR}/tls.key"\n'
        '  tls_min_version = "tls12"\n'
        "}\n"
        'storage "raft" {\n'
        '  path = "/vault/data"\n'
        f"{joins}\n"
        "}\n"
        f"{seal_stanza.strip()}\n"
        'service_registration "kubernetes" {}\n'
    )


def chart_values(args: VaultClusterArgs, config: pulumi.Input[str]) -> dict:
    volume = {"storageClass": args.storage_class or None}
    return {
        "global": {"tlsDisable": False},
        "injector": {"enabled": False},
        "ui": {"enabled": True, "serviceType": "ClusterIP"},
        "server": {
            "extraEnvironmentVars": {"VAULT_CACERT": f"{TLS_DIR}/ca.crt"},
            "extraVolumes": [{"type": "secret", "name": TLS_SECRET}],
            "serviceAccount": {
                "create": True,
                "name": RELEASE,
                "annotations": dict(args.seal.service_account_annotations),
            },
            "extraLabels": dict(args.seal.pod_labels),
            "dataStorage": {"enabled": True, "size": f"{args.storage_gb}Gi", **volume},
            "auditStorage": {"enabled": True, "size": f"{args.audit_storage_gb}Gi", **volume},
            "ha": {
                "enabled": True,
                "replicas": args.replicas,
                "raft": {"enabled": True, "setNodeId": True, "config": config},
                "disruptionBudget": {"enabled": True, "maxUnavailable": 1},
            },
            "resources": {
                "requests": {"cpu": "250m", "memory": "256Mi"},
                "limits": {"cpu": "1", "memory": "512Mi"},
            },
            # The chart's own non-root user, plus what `restricted` adds: Vault needs no capability (the chart
            # turns mlock off for Raft and skips setcap)
            "statefulSet": {
                "securityContext": {
                    "pod": {
                        "runAsNonRoot": True,
                        "runAsUser": VAULT_UID,
                        "runAsGroup": VAULT_GID,
                        "fsGroup": VAULT_GID,
                        "seccompProfile": {"type": "RuntimeDefault"},
                    },
                    "container": CONFINED,
                }
            },
        },
    }


class VaultCluster(pulumi.ComponentResource):
    """Exposes `address` (the in-cluster https URL), `ca_cert` (the CA's PEM, public) and `release`."""

    def __init__(self, name: str, args: VaultClusterArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__(TOKEN, name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        ns = restricted_namespace(f"{name}-ns", args.namespace, child, args.registry).metadata.name
        self.ca_cert, certificate = private_tls(
            name,
            ca_name="wandb-platform Vault CA",
            common_name=RELEASE,
            dns_names=server_names(args.namespace),
            namespace=ns,
            secret_name=TLS_SECRET,
            ip_addresses=["127.0.0.1"],
            client_auth=True,  # Raft peers present it to each other
            include_ca=True,
            opts=child,
        )
        self.release = chart_release(
            f"{name}-server",
            name=RELEASE,
            chart="vault",
            version=args.chart_version,
            repository=CHART_REPO,
            namespace=ns,
            registry=args.registry,
            values=chart_values(
                args, pulumi.Output.from_input(args.seal.stanza).apply(lambda seal: raft_config(args.replicas, seal))
            ),
            # Vault answers ready only once initialised and unsealed: the one manual step comes after.
            skip_await=True,
            atomic=False,
            cleanup_on_fail=False,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[certificate, *args.seal.ready]),
        )
        clients_only(f"{name}-clients-only", ns, args.clients_namespace, [API_PORT], child)
        self.address = f"https://{RELEASE}.{args.namespace}.svc:{API_PORT}"
        self.register_outputs({"address": self.address})
