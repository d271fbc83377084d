"""W&B's AWS identity: one IRSA role, trusted by exactly W&B's service accounts, allowed this bucket and key."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from ..contracts import WorkloadIdentity
from .irsa import irsa_role
from .policies import as_json, bucket_access_policy

TOKEN = "wandb-platform:index:AwsWandbIdentity"
IRSA_ANNOTATION = "eks.amazonaws.com/role-arn"


@dataclass
class AwsWandbIdentityArgs:
    oidc_provider: aws.iam.OpenIdConnectProvider
    issuer: pulumi.Input[str]
    namespace: str
    service_accounts: Sequence[str]  # the Kubernetes service accounts W&B's pods run as
    bucket_arn: pulumi.Input[str]
    kms_key_arn: pulumi.Input[str] | None = None
    tags: Mapping[str, str] = field(default_factory=dict)


class AwsWandbIdentity(pulumi.ComponentResource):
    def __init__(self, name: str, args: AwsWandbIdentityArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__(TOKEN, name, None, opts)
        self.role = irsa_role(
            f"{name}-role",
            oidc_provider=args.oidc_provider,
            issuer=args.issuer,
            service_accounts=[(args.namespace, sa) for sa in args.service_accounts],
            inline_policy=as_json(bucket_access_policy, args.bucket_arn, args.kms_key_arn),
            tags=args.tags,
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.workload_identity = WorkloadIdentity(service_account_annotations={IRSA_ANNOTATION: self.role.arn})
        self.register_outputs({"roleArn": self.role.arn})
