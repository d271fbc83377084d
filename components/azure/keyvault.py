"""The platform's customer-managed keys on Azure: one Key Vault (RBAC authorization, purge protection, soft
delete, no public network access, reached through a private endpoint; or, in a region with no network of the
platform's, a firewall that admits Azure's trusted services only) holding one RSA 3072 key per consumer,
rotated by a policy set at creation and never expiring (a consumer that caches a key version must not lose it),
each usable only by the identities that encrypt with it (Key Vault Crypto Service Encryption User on that key,
or Crypto User where a consumer encrypts with the key itself).

Keys are made through Azure's management API, which needs no access to the vault's network.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_azure_native as azure

from .network import private_endpoint
from .roles import KEY_VAULT_CRYPTO_SERVICE_ENCRYPTION_USER, KEY_VAULT_CRYPTO_USER, grant

TOKEN = "wandb-platform:index:AzureKeyVault"
VAULT_NAME_MAX = 24  # 3-24 letters, digits and hyphens, unique in Azure


@dataclass
class AzureKeyVaultArgs:
    resource_group_name: pulumi.Input[str]
    location: str
    tenant_id: pulumi.Input[str]
    subscription_id: pulumi.Input[str]
    vault_name: pulumi.Input[str]  # unique in Azure: 3-24 letters, digits and hyphens
    keys: Mapping[str, Sequence[pulumi.Input[str]]]  # key name -> principal ids that encrypt with it
    endpoint_subnet_id: pulumi.Input[str] | None  # None: no private endpoint, Azure's trusted services only
    vnet_id: pulumi.Input[str] | None
    encrypt_keys: Sequence[str] = ()  # keys also used to encrypt data directly (AKS's KMS plugin), not only wrap
    rotation_days: int = 90
    soft_delete_days: int = 90
    protect: bool = True
    tags: Mapping[str, str] = field(default_factory=dict)


def rotation_policy(days: int) -> dict:
    """A new key version every `days`; versions never expire."""
    return {"lifetime_actions": [{"trigger": {"time_after_create": f"P{days}D"}, "action": {"type": "rotate"}}]}


class AzureKeyVault(pulumi.ComponentResource):
    """Exposes `vault`, `keys` by name, `grants` by key name (what a consumer waits for), `key_uri(k)`
    (versionless: consumers follow rotations) and `key_uri_with_version(k)`."""

    def __init__(self, name: str, args: AzureKeyVaultArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__(TOKEN, name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        stateful = pulumi.ResourceOptions(parent=self, protect=args.protect)
        self.vault = azure.keyvault.Vault(
            f"{name}-vault",
            resource_group_name=args.resource_group_name,
            location=args.location,
            vault_name=args.vault_name,
            properties={
                "tenant_id": args.tenant_id,
                "sku": {"family": "A", "name": "standard"},
                "enable_rbac_authorization": True,
                "enable_purge_protection": True,
                "enable_soft_delete": True,
                "soft_delete_retention_in_days": args.soft_delete_days,
                # without an endpoint the firewall must be on for its trusted-services exception to apply
                "public_network_access": "Disabled" if args.endpoint_subnet_id else "Enabled",
                "network_acls": {"default_action": "Deny", "bypass": "AzureServices"},
            },
            tags=dict(args.tags),
            opts=stateful,
        )
        self.keys: dict[str, azure.keyvault.Key] = {}
        self.grants: dict[str, list[azure.authorization.RoleAssignment]] = {}
        for key_name, principals in args.keys.items():
            encrypts = key_name in args.encrypt_keys
            role = KEY_VAULT_CRYPTO_USER if encrypts else KEY_VAULT_CRYPTO_SERVICE_ENCRYPTION_USER
            key = azure.keyvault.Key(
                f"{name}-{key_name}",
                resource_group_name=args.resource_group_name,
                vault_name=self.vault.name,
                key_name=key_name,
                properties={
                    "kty": "RSA",
                    "key_size": 3072,
                    "key_ops": ["wrapKey", "unwrapKey", *(["encrypt", "decrypt"] if encrypts else [])],
                    "rotation_policy": rotation_policy(args.rotation_days),
                },
                tags=dict(args.tags),
                opts=stateful,
            )
            self.keys[key_name] = key
            self.grants[key_name] = [
                grant(
                    f"{name}-{key_name}-user-{i}",
                    principal_id=principal,
                    subscription_id=args.subscription_id,
                    role=role,
                    scope=key.id,
                    opts=child,
                )
                for i, principal in enumerate(principals)
            ]
        if args.endpoint_subnet_id is None:
            self.register_outputs({"vaultId": self.vault.id})
            return
        private_endpoint(
            f"{name}-private",
            resource_group_name=args.resource_group_name,
            location=args.location,
            subnet_id=args.endpoint_subnet_id,
            vnet_id=args.vnet_id,
            target_id=self.vault.id,
            group="vault",
            zone="privatelink.vaultcore.azure.net",
            opts=child,
        )
        self.register_outputs({"vaultId": self.vault.id})

    def key_uri(self, key: str) -> pulumi.Output[str]:
        return self.keys[key].key_uri

    def key_uri_with_version(self, key: str) -> pulumi.Output[str]:
        return self.keys[key].key_uri_with_version
