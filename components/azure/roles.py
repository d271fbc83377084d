"""Azure's built-in roles the platform grants, by their fixed ids (learn.microsoft.com, "Azure built-in
roles"), and `grant`, the one way the platform assigns one to a managed identity."""

from __future__ import annotations

import pulumi
import pulumi_azure_native as azure

KEY_VAULT_CRYPTO_SERVICE_ENCRYPTION_USER = "e147488a-f6f5-4113-8e2d-b22465e65bf6"  # wrap/unwrap with a key
KEY_VAULT_CRYPTO_USER = "12338af0-0e69-4776-bea7-57ae8d297424"  # also encrypt/decrypt (AKS's KMS plugin)
KEY_VAULT_CONTRIBUTOR = "f25e0fa2-a7c8-4377-a976-54943a77a395"  # manage the vault, no key or secret data
READER = "acdd72a7-3385-48ef-bd42-f606fba81ae7"
APPGW_FOR_CONTAINERS_CONFIGURATION_MANAGER = "fbc52c3f-28ad-4303-a892-8a056630b8f1"
STORAGE_BLOB_DATA_CONTRIBUTOR = "ba92f5b4-2d11-453d-a403-e96b0029c9fe"
STORAGE_BLOB_DELEGATOR = "db58b8e5-c6ad-4a2a-8342-4190687cbf4a"
NETWORK_CONTRIBUTOR = "4d97b98b-1d4f-4787-a291-c67834d212e7"


def role_definition_id(subscription_id: pulumi.Input[str], role: str) -> pulumi.Output[str]:
    return pulumi.Output.concat(
        "/subscriptions/", subscription_id, "/providers/Microsoft.Authorization/roleDefinitions/", role
    )


def grant(
    name: str,
    *,
    principal_id: pulumi.Input[str],
    subscription_id: pulumi.Input[str],
    role: str,
    scope: pulumi.Input[str],
    opts: pulumi.ResourceOptions,
) -> azure.authorization.RoleAssignment:
    """`role` on `scope` (a resource id) for a managed identity's service principal."""
    return azure.authorization.RoleAssignment(
        name,
        principal_id=principal_id,
        principal_type="ServicePrincipal",
        role_definition_id=role_definition_id(subscription_id, role),
        scope=scope,
        opts=opts,
    )
