"""IAM roles for Kubernetes service accounts (IRSA): one role, trusted by exactly the named service accounts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pulumi
import pulumi_aws as aws

from .policies import irsa_trust_policy, service_account_subject


def irsa_role(
    name: str,
    *,
    oidc_provider: aws.iam.OpenIdConnectProvider,
    issuer: pulumi.Input[str],
    service_accounts: Sequence[tuple[str, str]],  # (namespace, name)
    managed_policy_arns: Sequence[pulumi.Input[str]] = (),
    inline_policy: pulumi.Input[str] | None = None,
    tags: Mapping[str, str] | None = None,
    role_name: str | None = None,  # a fixed name, for a key policy that must name the role before it exists
    opts: pulumi.ResourceOptions | None = None,
) -> aws.iam.Role:
    subjects = [service_account_subject(ns, sa) for ns, sa in service_accounts]
    trust = pulumi.Output.all(oidc_provider.arn, issuer).apply(
        lambda a: pulumi.Output.json_dumps(irsa_trust_policy(a[0], a[1], subjects))
    )
    role = aws.iam.Role(name, name=role_name, assume_role_policy=trust, tags=dict(tags or {}), opts=opts)
    for i, arn in enumerate(managed_policy_arns):
        aws.iam.RolePolicyAttachment(f"{name}-{i}", role=role.name, policy_arn=arn, opts=opts)
    if inline_policy is not None:
        aws.iam.RolePolicy(f"{name}-inline", role=role.id, policy=inline_policy, opts=opts)
    return role
