"""Auto-unseal for a Vault in GKE: a Google service account that only Vault's Kubernetes service account may
act as (workload identity), allowed to encrypt, decrypt and read the one Cloud KMS key kept for the seal, and
the `gcpckms` stanza naming that key. No key file: the identity comes from the node's metadata server."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_gcp as gcp

from ..k8s.vault_cluster import VaultSeal
from .kms import ENCRYPTER_DECRYPTER

TOKEN = "wandb-platform:index:GcpVaultSeal"


def gcpckms_stanza(project: str, region: str, key_ring: str, crypto_key: str) -> str:
    return (
        'seal "gcpckms" {\n'
        f'  project = "{project}"\n'
        f'  region = "{region}"\n'
        f'  key_ring = "{key_ring}"\n'
        f'  crypto_key = "{crypto_key}"\n'
        "}\n"
    )


@dataclass
class GcpVaultSealArgs:
    project: str
    region: str
    account_id: str  # the Google service account's id (6 to 30 characters)
    key: gcp.kms.CryptoKey  # the seal's own key, in the platform's key ring
    key_ring_name: pulumi.Input[str]
    workload_pool: pulumi.Input[str]
    namespace: str  # Vault's namespace
    service_account: str = "vault"  # Vault's Kubernetes service account


class GcpVaultSeal(pulumi.ComponentResource):
    """Exposes `account` (its member is what the key grants) and `seal` (VaultSeal)."""

    def __init__(self, name: str, args: GcpVaultSealArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__(TOKEN, name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.account = gcp.serviceaccount.Account(
            f"{name}-account",
            project=args.project,
            account_id=args.account_id,
            display_name="Vault auto-unseal",
            opts=child,
        )
        grants = [
            gcp.kms.CryptoKeyIAMMember(
                f"{name}-{what}",
                crypto_key_id=args.key.id,
                role=role,
                member=self.account.member,
                opts=child,
            )
            for what, role in (("use", ENCRYPTER_DECRYPTER), ("read", "roles/cloudkms.viewer"))
        ]
        binding = gcp.serviceaccount.IAMMember(
            f"{name}-workload-identity",
            service_account_id=self.account.name,
            role="roles/iam.workloadIdentityUser",
            member=pulumi.Output.concat(
                "serviceAccount:", args.workload_pool, "[", args.namespace, "/", args.service_account, "]"
            ),
            opts=child,
        )
        stanza = pulumi.Output.all(args.key_ring_name, args.key.name).apply(
            lambda a: gcpckms_stanza(args.project, args.region, a[0], a[1])
        )
        self.seal = VaultSeal(
            stanza=stanza,
            service_account_annotations={"iam.gke.io/gcp-service-account": self.account.email},
            ready=[*grants, binding],
        )
        self.register_outputs({"account": self.account.email})
