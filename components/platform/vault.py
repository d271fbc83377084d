"""The platform's side of the Vault secrets backend: the backend W&B's release publishes its credentials
through, and a Vault run in the platform's cluster with the cloud's seal."""

from __future__ import annotations

import pulumi
import pulumi_vault as vault

from ..contracts import ClusterInfo
from ..k8s.credentials import KubernetesSecrets, SecretsBackend
from ..k8s.vault_cluster import VaultCluster, VaultClusterArgs, VaultSeal
from ..k8s.vault_sync import secrets_operator
from ..vault.backend import VaultSecrets, VaultSettings
from .args import SecretsArgs, VaultArgs, WandbArgs


def sync_namespace(wandb: WandbArgs) -> str:
    """Where the Vault Secrets Operator runs: the only namespace an in-cluster Vault admits."""
    return f"{wandb.namespace}-vault-sync"


def vault_namespace(wandb: WandbArgs) -> str:
    return f"{wandb.namespace}-vault"


def secrets_backend(
    name: str, wandb: WandbArgs, secrets: SecretsArgs, cluster: ClusterInfo, parent: pulumi.Resource
) -> SecretsBackend:
    """Kubernetes Secrets written here, or a Vault configured through its own explicit provider (logged in with
    `VAULT_TOKEN` from the environment, or a JWT login) that the cluster syncs them from."""
    if secrets.backend != "vault":
        return KubernetesSecrets()
    v = secrets.vault
    login = {"mount": v.login_mount, "role": v.login_role} if v.login_role else None
    provider = vault.Provider(
        f"{name}-vault", address=v.address, auth_login_jwt=login, opts=pulumi.ResourceOptions(parent=parent)
    )
    settings = VaultSettings(
        address=v.address,
        kv_mount=v.kv_mount or name,
        auth_mount=v.auth_mount or f"kubernetes-{name}",
        path=wandb.instance_name,
        namespace=wandb.namespace,
        kubernetes_host=v.kubernetes_host or cluster.api_server,
        kubernetes_ca_cert=v.kubernetes_ca_cert or cluster.api_ca_cert or None,
        vault_namespace=v.namespace,
        ca_cert=v.ca_cert,
        rotation_period_hours=v.rotation_period_hours,
        secrets_operator_chart_version=v.secrets_operator_chart_version,
    )
    return VaultSecrets(settings, provider)


def in_cluster_vault(
    name: str, wandb: WandbArgs, v: VaultArgs, cluster: ClusterInfo, seal: VaultSeal, parent: pulumi.Resource
) -> VaultCluster:
    """Vault on the cluster's encrypted class, and the Vault Secrets Operator that alone may reach it."""
    opts = pulumi.ResourceOptions(parent=parent, providers=[cluster.k8s_provider])
    secrets_operator(f"{name}-vault-sync", sync_namespace(wandb), v.secrets_operator_chart_version, opts)
    return VaultCluster(
        f"{name}-vault",
        VaultClusterArgs(
            namespace=vault_namespace(wandb),
            clients_namespace=sync_namespace(wandb),
            seal=seal,
            replicas=v.replicas,
            storage_gb=v.storage_gb,
            audit_storage_gb=v.storage_gb,
            storage_class=cluster.storage_class,
            chart_version=v.chart_version,
        ),
        opts,
    )
