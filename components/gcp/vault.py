"""GCP's part of a Vault in GKE. Auto-unseal: a Google service account that only Vault's Kubernetes service
account may act as (workload identity), allowed to encrypt, decrypt and read the one Cloud KMS key kept for
the seal, and the `gcpckms` stanza naming that key. Snapshots: a second account, for the snapshot job alone,
that may only add objects to the platform's bucket. No key files: identities come from the metadata server."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_gcp as gcp

from ..k8s.images import Image
from ..k8s.vault_cluster import VaultSeal
from ..k8s.vault_snapshots import PREFIX, SERVICE_ACCOUNT, SnapshotUpload
from .identity import GKE_SA_ANNOTATION, pod_identity
from .kms import ENCRYPTER_DECRYPTER

TOKEN = "wandb-platform:index:GcpVaultSeal"
GCLOUD_IMAGE = Image("docker.io", "google/cloud-sdk", "500.0.0-slim")


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
        self.account, binding = pod_identity(
            name,
            project=args.project,
            account_id=args.account_id,
            display_name="Vault auto-unseal",
            workload_pool=args.workload_pool,
            namespace=args.namespace,
            service_account=args.service_account,
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
        stanza = pulumi.Output.all(args.key_ring_name, args.key.name).apply(
            lambda a: gcpckms_stanza(args.project, args.region, a[0], a[1])
        )
        self.seal = VaultSeal(
            stanza=stanza,
            service_account_annotations={GKE_SA_ANNOTATION: self.account.email},
            ready=[*grants, binding],
        )
        self.register_outputs({"account": self.account.email})


def gcs_snapshot_upload(
    name: str,
    *,
    project: str,
    account_id: str,
    bucket_name: pulumi.Input[str],
    workload_pool: pulumi.Input[str],
    namespace: str,
    opts: pulumi.ResourceOptions,
) -> SnapshotUpload:
    """The snapshot job's way into the bucket: add objects under `vault-snapshots/`, nothing else (the bucket's
    own key encrypts them; its lifecycle expires them)."""
    account, binding = pod_identity(
        name,
        project=project,
        account_id=account_id,
        display_name="Vault snapshots",
        workload_pool=workload_pool,
        namespace=namespace,
        service_account=SERVICE_ACCOUNT,
        opts=opts,
    )
    grant = gcp.storage.BucketIAMMember(
        f"{name}-add-objects", bucket=bucket_name, role="roles/storage.objectCreator", member=account.member, opts=opts
    )
    script = pulumi.Output.from_input(bucket_name).apply(
        lambda bucket: f'gcloud storage cp "$SNAPSHOT" "gs://{bucket}/{PREFIX}$(date -u +%Y%m%dT%H%M%SZ).snap"\n'
    )
    return SnapshotUpload(
        image=GCLOUD_IMAGE,
        script=script,
        service_account_annotations={GKE_SA_ANNOTATION: account.email},
        ready=[binding, grant],
    )
