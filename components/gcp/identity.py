"""W&B's Google identity: one service account holding only what W&B uses, bound to W&B's pods."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_gcp as gcp

from ..contracts import WorkloadIdentity

TOKEN = "wandb-platform:index:GcpWandbIdentity"
GKE_SA_ANNOTATION = "iam.gke.io/gcp-service-account"


def workload_identity_member(workload_pool: str, namespace: str, service_account: str) -> str:
    return f"serviceAccount:{workload_pool}[{namespace}/{service_account}]"


def pod_identity(
    name: str,
    *,
    project: str,
    account_id: str,
    display_name: str,
    workload_pool: pulumi.Input[str],
    namespace: str,
    service_account: str,
    opts: pulumi.ResourceOptions,
) -> tuple[gcp.serviceaccount.Account, gcp.serviceaccount.IAMMember]:
    """A Google service account that exactly one Kubernetes service account may act as (workload identity),
    holding nothing yet: the caller grants what that workload uses."""
    account = gcp.serviceaccount.Account(
        f"{name}-account", project=project, account_id=account_id, display_name=display_name, opts=opts
    )
    binding = gcp.serviceaccount.IAMMember(
        f"{name}-workload-identity",
        service_account_id=account.name,
        role="roles/iam.workloadIdentityUser",
        member=pulumi.Output.from_input(workload_pool).apply(
            lambda pool: workload_identity_member(pool, namespace, service_account)
        ),
        opts=opts,
    )
    return account, binding


@dataclass
class GcpWandbIdentityArgs:
    project: str
    account_id: str  # 6-30 chars, see components.naming.bounded_name
    bucket_name: pulumi.Input[str]
    workload_pool: pulumi.Input[str]  # the cluster's pool: bindings fail until a cluster has created it
    namespace: str
    service_accounts: Sequence[str]  # the Kubernetes service accounts W&B's pods run as
    kms_key_id: pulumi.Input[str] | None = None
    depends_on: Sequence[pulumi.Resource] = ()  # the IAM API


class GcpWandbIdentity(pulumi.ComponentResource):
    """Nothing project-wide: object admin and bucket read on this bucket, encrypt/decrypt on its key, token
    creator on itself (to sign URLs), and workload identity user for exactly W&B's service accounts."""

    def __init__(self, name: str, args: GcpWandbIdentityArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__(TOKEN, name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        account = gcp.serviceaccount.Account(
            f"{name}-sa",
            project=args.project,
            account_id=args.account_id,
            display_name="W&B workloads",
            opts=pulumi.ResourceOptions(parent=self, depends_on=list(args.depends_on)),
        )
        for role in ("roles/storage.objectAdmin", "roles/storage.legacyBucketReader"):
            gcp.storage.BucketIAMMember(
                f"{name}-{role.split('.')[-1].lower()}",
                bucket=args.bucket_name,
                role=role,
                member=account.member,
                opts=child,
            )
        if args.kms_key_id is not None:
            gcp.kms.CryptoKeyIAMMember(
                f"{name}-bucket-key",
                crypto_key_id=args.kms_key_id,
                role="roles/cloudkms.cryptoKeyEncrypterDecrypter",
                member=account.member,
                opts=child,
            )
        gcp.serviceaccount.IAMMember(
            f"{name}-sign-urls",
            service_account_id=account.name,
            role="roles/iam.serviceAccountTokenCreator",
            member=account.member,
            opts=child,
        )
        for sa in args.service_accounts:
            gcp.serviceaccount.IAMMember(
                f"{name}-wi-{sa}",
                service_account_id=account.name,
                role="roles/iam.workloadIdentityUser",
                member=pulumi.Output.from_input(args.workload_pool).apply(
                    lambda pool, sa=sa: workload_identity_member(pool, args.namespace, sa)
                ),
                opts=child,
            )
        self.account = account
        self.workload_identity = WorkloadIdentity(service_account_annotations={GKE_SA_ANNOTATION: account.email})
        self.register_outputs({"email": account.email})
