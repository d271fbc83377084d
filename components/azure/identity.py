"""Workload identity on AKS: a user-assigned identity that exactly the named Kubernetes service accounts may
act as (one federated credential each, on the cluster's OIDC issuer), and the annotation and pod label W&B's
pods carry to use it. Credentials of one identity are written one after another: Azure refuses concurrent
writes to them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pulumi
import pulumi_azure_native as azure

from ..contracts import WorkloadIdentity

TOKEN_AUDIENCE = "api://AzureADTokenExchange"
CLIENT_ID_ANNOTATION = "azure.workload.identity/client-id"
USE_LABEL = "azure.workload.identity/use"


def workload_identity(
    name: str,
    *,
    resource_group_name: pulumi.Input[str],
    location: str,
    issuer: pulumi.Input[str],
    namespace: str,
    service_accounts: Sequence[str],
    tags: Mapping[str, str],
    opts: pulumi.ResourceOptions,
) -> tuple[azure.managedidentity.UserAssignedIdentity, WorkloadIdentity]:
    """The identity (grant it what the workload uses) and the WorkloadIdentity W&B's values take."""
    identity = azure.managedidentity.UserAssignedIdentity(
        name, resource_group_name=resource_group_name, location=location, tags=dict(tags), opts=opts
    )
    previous: list[pulumi.Resource] = []
    for account in service_accounts:
        previous = [
            azure.managedidentity.FederatedIdentityCredential(
                f"{name}-{account}",
                resource_group_name=resource_group_name,
                resource_name_=identity.name,
                federated_identity_credential_resource_name=account,
                issuer=issuer,
                subject=f"system:serviceaccount:{namespace}:{account}",
                audiences=[TOKEN_AUDIENCE],
                opts=pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(depends_on=previous)),
            )
        ]
    return identity, WorkloadIdentity(
        service_account_annotations={CLIENT_ID_ANNOTATION: identity.client_id}, pod_labels={USE_LABEL: "true"}
    )
