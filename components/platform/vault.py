"""The platform's side of the Vault secrets backend: the backend W&B's release publishes its credentials
through, and a Vault run in the platform's cluster with the cloud's seal."""

from __future__ import annotations

from dataclasses import replace

import pulumi
import pulumi_vault as vault

from ..contracts import ClusterInfo, MysqlEndpoint
from ..k8s.credentials import KubernetesSecrets, SecretsBackend
from ..k8s.images import Registry
from ..k8s.mysql_admin import MysqlAdminUser, MysqlAdminUserArgs
from ..k8s.vault_cluster import VaultCluster, VaultClusterArgs, VaultSeal
from ..k8s.vault_snapshots import SnapshotUpload, VaultSnapshots, VaultSnapshotsArgs
from ..k8s.vault_sync import secrets_operator
from ..vault.backend import VaultSecrets, VaultSettings
from .args import SecretsArgs, VaultArgs, WandbArgs


def sync_namespace(wandb: WandbArgs) -> str:
    """Where the Vault Secrets Operator runs: the only namespace an in-cluster Vault admits."""
    return f"{wandb.namespace}-vault-sync"


def vault_namespace(wandb_namespace: str) -> str:
    """An in-cluster Vault's namespace, beside W&B's."""
    return f"{wandb_namespace}-vault"


def vault_mounts(v: VaultArgs, name: str, instance_name: str) -> tuple[str, str]:
    """W&B's KV and Kubernetes auth mounts: given, or for a shared (external) Vault named after the component
    so that platforms keep apart; an in-cluster Vault is the platform's own, and both its stacks must agree."""
    if v.mode == "in-cluster":
        return v.kv_mount or instance_name, v.auth_mount or "kubernetes"
    return v.kv_mount or name, v.auth_mount or f"kubernetes-{name}"


def secrets_backend(
    name: str,
    wandb: WandbArgs,
    secrets: SecretsArgs,
    cluster: ClusterInfo,
    parent: pulumi.Resource,
    registry: Registry | None = None,
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
    kv_mount, auth_mount = vault_mounts(v, name, wandb.instance_name)
    settings = VaultSettings(
        address=v.address,
        kv_mount=kv_mount,
        auth_mount=auth_mount,
        path=wandb.instance_name,
        namespace=wandb.namespace,
        kubernetes_host=v.kubernetes_host or cluster.api_server,
        kubernetes_ca_cert=v.kubernetes_ca_cert or cluster.api_ca_cert or None,
        vault_namespace=v.namespace,
        ca_cert=v.ca_cert,
        rotation_period_hours=v.rotation_period_hours,
        secrets_operator_chart_version=v.secrets_operator_chart_version,
        registry=registry or Registry(),
    )
    return VaultSecrets(settings, provider)


def in_cluster_vault(
    name: str,
    wandb: WandbArgs,
    v: VaultArgs,
    cluster: ClusterInfo,
    seal: VaultSeal,
    upload: SnapshotUpload,
    parent: pulumi.Resource,
    registry: Registry | None = None,
) -> VaultCluster:
    """Vault on the cluster's encrypted class, its scheduled snapshots, and the Vault Secrets Operator that
    alone may reach it."""
    opts = pulumi.ResourceOptions(parent=parent, providers=[cluster.k8s_provider])
    registry = registry or Registry()
    secrets_operator(f"{name}-vault-sync", sync_namespace(wandb), v.secrets_operator_chart_version, opts, registry)
    _, auth_mount = vault_mounts(v, name, wandb.instance_name)
    vault = VaultCluster(
        f"{name}-vault",
        VaultClusterArgs(
            namespace=vault_namespace(wandb.namespace),
            clients_namespace=sync_namespace(wandb),
            seal=seal,
            replicas=v.replicas,
            storage_gb=v.storage_gb,
            audit_storage_gb=v.storage_gb,
            storage_class=cluster.storage_class,
            chart_version=v.chart_version,
            registry=registry,
        ),
        opts,
    )
    VaultSnapshots(
        f"{name}-vault-snapshots",
        VaultSnapshotsArgs(
            namespace=vault_namespace(wandb.namespace), upload=upload, auth_mount=auth_mount, registry=registry
        ),
        pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(depends_on=[vault.release])),
    )
    return vault


def with_rotation_admin(
    name: str,
    wandb: WandbArgs,
    secrets: SecretsArgs,
    mysql: MysqlEndpoint | None,
    cluster: ClusterInfo,
    parent,
    registry: Registry | None = None,
) -> MysqlEndpoint | None:
    """With Vault, a managed MySQL whose API cannot add users gets a second administrative user, made from inside
    the cluster, that Vault rotates W&B's password with (so W&B's password is never the one Vault logs in with)."""
    if mysql is None or secrets.backend != "vault":
        return mysql
    admin = MysqlAdminUser(
        f"{name}-mysql-admin",
        MysqlAdminUserArgs(namespace=f"{wandb.namespace}-mysql-admin", mysql=mysql, registry=registry or Registry()),
        pulumi.ResourceOptions(parent=parent, providers=[cluster.k8s_provider]),
    )
    return replace(mysql, admin=admin.admin)
