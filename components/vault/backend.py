"""The Vault secrets backend: W&B's credentials written to Vault (VaultConfig) and synced into the Secrets W&B
references (VaultSecretsSync), with W&B's MySQL password rotated by Vault where the server has an admin user."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi

from ..k8s.credentials import Credentials, Rotatable
from ..k8s.images import Registry
from ..k8s.vault_cluster import AUDIT_LOG
from ..k8s.vault_snapshots import SERVICE_ACCOUNT as SNAPSHOT_ACCOUNT
from ..k8s.vault_sync import RotatedKey, VaultSecretsSync, VaultSecretsSyncArgs
from .config import STATIC_ROLE, SyncIdentity, VaultConfig, VaultConfigArgs


@dataclass
class VaultSettings:
    """Where W&B's things go in a Vault, and how the cluster reaches it."""

    address: pulumi.Input[str]  # how the cluster's sync reaches Vault
    kv_mount: str
    auth_mount: str
    path: str  # W&B's entries: `<kv_mount>/<path>/<secret>`; also names its policy and role
    namespace: str  # W&B's Kubernetes namespace
    kubernetes_host: pulumi.Input[str]
    kubernetes_ca_cert: pulumi.Input[str] | None = None
    vault_namespace: str = ""
    ca_cert: pulumi.Input[str] = ""
    rotation_period_hours: int = 720
    secrets_operator_chart_version: str | None = "1.4.1"  # None: the platform stack installed it
    registry: Registry = field(default_factory=Registry)  # where the operator's images and chart come from
    in_cluster: bool = False  # a Vault of this platform's, in its cluster
    vault_k8s_namespace: str = ""  # with `in_cluster`: Vault's namespace, where its snapshot job runs


class VaultSecrets:
    """A secrets backend; `provider` is the Vault provider every `vault:` resource is created with."""

    rotates = True

    def __init__(self, settings: VaultSettings, provider: pulumi.ProviderResource):
        self.settings = settings
        self.provider = provider

    def publish(
        self,
        name: str,
        namespace: pulumi.Output[str],
        credentials: Credentials,
        rotatable: Rotatable | None,
        opts: pulumi.ResourceOptions,
    ) -> list[pulumi.Resource]:
        s = self.settings
        entries = dict(credentials)
        if rotatable is not None:  # Vault owns that password from now on: no entry for it
            entry = entries.pop(rotatable.ref.name)
            if isinstance(entry, Mapping):  # with a managed MySQL, that Secret holds the password alone
                assert set(entry) == {rotatable.ref.key}, f"{rotatable.ref.name} holds more than the password"
        sync_identity = SyncIdentity(namespace=s.namespace, service_account=f"{s.path}-vault-sync")
        config = VaultConfig(
            f"{name}-vault",
            VaultConfigArgs(
                kv_mount=s.kv_mount,
                path=s.path,
                auth_mount=s.auth_mount,
                kubernetes_host=s.kubernetes_host,
                kubernetes_ca_cert=s.kubernetes_ca_cert,
                sync=sync_identity,
                entries=entries,
                mysql=rotatable.mysql if rotatable else None,
                rotation_period_hours=s.rotation_period_hours,
                vault_namespace=s.vault_namespace,
                in_cluster=s.in_cluster,
                audit_file=AUDIT_LOG if s.in_cluster else "",
                snapshots=SyncIdentity(s.vault_k8s_namespace, SNAPSHOT_ACCOUNT) if s.in_cluster else None,
            ),
            pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(providers=[self.provider])),
        )
        rotated = None
        if rotatable is not None and config.database_mount is not None:
            rotated = RotatedKey(rotatable.ref.name, rotatable.ref.key, config.database_mount, STATIC_ROLE)
        sync = VaultSecretsSync(
            f"{name}-vault-sync",
            VaultSecretsSyncArgs(
                namespace=namespace,
                namespace_name=s.namespace,
                operator_namespace=f"{s.namespace}-vault-sync",
                service_account=sync_identity.service_account,
                address=s.address,
                auth_mount=s.auth_mount,
                role=config.role.role_name,
                kv_mount=s.kv_mount,
                path=s.path,
                secrets=sorted(entries),
                rotated=rotated,
                vault_namespace=s.vault_namespace,
                ca_cert=s.ca_cert,
                audience=sync_identity.audience,
                external=not s.in_cluster,
                chart_version=s.secrets_operator_chart_version,
                registry=s.registry,
            ),
            pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(depends_on=config.entries)),
        )
        return sync.ready
