"""Where W&B's credentials live: `secrets` picks the backend, `vault` describes the Vault it uses."""

from __future__ import annotations

from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, field_validator, model_validator

from stacks.config.base import Section

VAULT_PATH = r"^([a-zA-Z0-9][-a-zA-Z0-9_]{0,62}[a-zA-Z0-9])?$"  # a mount path of one segment


class SecretsConfig(Section):
    backend: Literal["kubernetes", "vault"] = "kubernetes"


IN_CLUSTER_ADDRESS = "https://127.0.0.1:8200"  # the deployer's: `kubectl port-forward -n <ns>-vault svc/vault 8200`


class VaultConfig(Section):
    """A Vault you run (`external`), or one this platform runs in its cluster (`in-cluster`); either way this
    program configures it and W&B's Secrets are synced from it."""

    mode: Literal["external", "in-cluster"] = "external"
    address: str = ""  # external: how the deployer and the cluster reach Vault; in-cluster: the deployer's
    platform_stack: str = ""  # stackRole wandb: the platform stack, `<org>/<project>/<stack>`
    replicas: int = Field(3, ge=1, le=7)  # in-cluster Raft servers
    storage_gb: int = Field(10, ge=1, le=1000)  # in-cluster: each server's data and audit volumes
    chart_version: str = "0.34.1"  # in-cluster: chart `vault`
    snapshot_retention_days: int = Field(30, ge=1, le=3650)  # in-cluster: Raft snapshots kept in the bucket
    namespace: str = ""  # a Vault Enterprise namespace; "" = the root
    ca_cert: str = ""  # PEM of Vault's CA when it is private; the cluster's sync trusts it
    kv_mount: str = Field("", pattern=VAULT_PATH)  # "" = <instanceName>-<stack> (the physical prefix)
    auth_mount: str = Field("", pattern=VAULT_PATH)  # "" = kubernetes-<instanceName>-<stack>
    kubernetes_host: str = ""  # the cluster's API server as Vault reaches it; "" = the platform cluster's
    kubernetes_ca_cert: str = ""  # with kubernetesHost: its CA
    login_mount: str = ""  # JWT/OIDC login of the provider (CI); "" = VAULT_TOKEN from the environment
    login_role: str = ""
    rotation_period_hours: int = Field(720, ge=1, le=8760)  # the W&B MySQL user's password, with managed MySQL
    secrets_operator_chart_version: str = "1.4.1"

    @model_validator(mode="after")
    def _address_for_mode(self):
        if self.mode == "external" and not self.address:
            raise ValueError("address is required with mode 'external': Vault's https:// URL")
        if self.replicas % 2 == 0:
            raise ValueError(f"replicas must be odd (a Raft quorum): got {self.replicas}")
        return self

    @property
    def deployer_address(self) -> str:
        return self.address or IN_CLUSTER_ADDRESS

    @model_validator(mode="after")
    def _login_pair(self):
        if bool(self.login_mount) != bool(self.login_role):
            raise ValueError("loginMount and loginRole go together (or neither: VAULT_TOKEN from the environment)")
        return self

    @field_validator("address", "kubernetes_host")
    @classmethod
    def _https(cls, v: str) -> str:
        if v and (urlsplit(v).scheme != "https" or not urlsplit(v).hostname):
            raise ValueError("must be an https:// URL (Vault and the API server speak TLS only here)")
        return v.rstrip("/")
