"""AWS's part of a Vault in EKS. Auto-unseal: an IRSA role that only Vault's Kubernetes service account may
take, allowed to encrypt, decrypt and describe the one KMS key kept for the seal (whose policy names that role),
and the `awskms` stanza naming the key. Snapshots: a second role, for the snapshot job alone, that may only put
objects under `vault-snapshots/` in the platform's bucket (with its key)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from ..k8s.images import Image
from ..k8s.vault_cluster import VaultSeal
from ..k8s.vault_snapshots import PREFIX, SERVICE_ACCOUNT, SnapshotUpload
from .irsa import irsa_role

TOKEN = "wandb-platform:index:AwsVaultSeal"
AWS_CLI_IMAGE = Image("docker.io", "amazon/aws-cli", "2.35.10")
IRSA_ANNOTATION = "eks.amazonaws.com/role-arn"
SEAL_ACTIONS = ["kms:Encrypt", "kms:Decrypt", "kms:DescribeKey"]


def awskms_stanza(region: str, key_id: str) -> str:
    return f'seal "awskms" {{\n  region = "{region}"\n  kms_key_id = "{key_id}"\n}}\n'


def seal_policy(key_arn: str) -> str:
    return json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": SEAL_ACTIONS, "Resource": key_arn}]}
    )


def snapshot_policy(bucket_arn: str, key_arn: str) -> str:
    """Put objects under the snapshots' prefix, encrypted with the bucket's key: no read, no list, no delete."""
    statements = [
        {"Effect": "Allow", "Action": ["s3:PutObject"], "Resource": f"{bucket_arn}/{PREFIX}*"},
        {"Effect": "Allow", "Action": ["kms:GenerateDataKey"], "Resource": key_arn},
    ]
    return json.dumps({"Version": "2012-10-17", "Statement": statements})


@dataclass
class AwsVaultSealArgs:
    region: str
    role_name: str  # named ahead: the key's policy names the role before it exists
    key: aws.kms.Key  # the seal's own key
    oidc_provider: aws.iam.OpenIdConnectProvider
    issuer: pulumi.Input[str]
    namespace: str  # Vault's
    tags: Mapping[str, str] = field(default_factory=dict)
    service_account: str = "vault"  # Vault's Kubernetes service account


class AwsVaultSeal(pulumi.ComponentResource):
    """Exposes `role` and `seal` (VaultSeal)."""

    def __init__(self, name: str, args: AwsVaultSealArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__(TOKEN, name, None, opts)
        self.role = irsa_role(
            f"{name}-role",
            oidc_provider=args.oidc_provider,
            issuer=args.issuer,
            service_accounts=[(args.namespace, args.service_account)],
            inline_policy=args.key.arn.apply(seal_policy),
            tags=args.tags,
            role_name=args.role_name,
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.seal = VaultSeal(
            stanza=args.key.key_id.apply(lambda key_id: awskms_stanza(args.region, key_id)),
            service_account_annotations={IRSA_ANNOTATION: self.role.arn},
            ready=[self.role],
        )
        self.register_outputs({"role": self.role.arn})


def s3_snapshot_upload(
    name: str,
    *,
    bucket_name: pulumi.Input[str],
    bucket_arn: pulumi.Input[str],
    bucket_key_arn: pulumi.Input[str],
    oidc_provider: aws.iam.OpenIdConnectProvider,
    issuer: pulumi.Input[str],
    namespace: str,
    tags: Mapping[str, str],
    opts: pulumi.ResourceOptions,
) -> SnapshotUpload:
    """The snapshot job's way into the bucket, under `vault-snapshots/` only."""
    role = irsa_role(
        f"{name}-role",
        oidc_provider=oidc_provider,
        issuer=issuer,
        service_accounts=[(namespace, SERVICE_ACCOUNT)],
        inline_policy=pulumi.Output.all(bucket_arn, bucket_key_arn).apply(lambda a: snapshot_policy(a[0], a[1])),
        tags=tags,
        opts=opts,
    )
    script = pulumi.Output.from_input(bucket_name).apply(
        lambda bucket: f'aws s3 cp "$SNAPSHOT" "s3://{bucket}/{PREFIX}$(date -u +%Y%m%dT%H%M%SZ).snap"\n'
    )
    return SnapshotUpload(
        image=AWS_CLI_IMAGE, script=script, service_account_annotations={IRSA_ANNOTATION: role.arn}, ready=[role]
    )
