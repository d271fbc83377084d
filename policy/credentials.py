"""The rules about credentials: none in the open in a Kubernetes object, and, across a stack, none written by
Pulumi where Vault's operator makes the Secrets."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from .base import Props, dig

# --- credentials only in Secrets -------------------------------------------------------------------------

CREDENTIAL_KEYS = {"password", "license", "secret", "token", "apikey", "authstring", "accesskey", "clientsecret"}
REDACTED = "[secret]"


def _credentials(value: Any, path: str) -> Iterator[str]:
    if type(value).__name__ == "Secret" or value == REDACTED:  # CrossGuard's wrapper, the offline plan's mark
        yield path
    elif isinstance(value, Mapping):
        for k, v in value.items():
            if isinstance(v, str) and v and str(k).lower() in CREDENTIAL_KEYS:
                yield f"{path}.{k}"
            else:
                yield from _credentials(v, f"{path}.{k}" if path else str(k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _credentials(v, f"{path}[{i}]")


def credentials_only_in_secrets(typ: str, props: Props, protect: bool) -> list[str]:
    """No credential in the W&B custom resource, a ConfigMap or any Kubernetes object but a Secret."""
    if not typ.startswith("kubernetes:") or typ == "kubernetes:core/v1:Secret":
        return []
    return [f"a credential in the open at {p}: put it in a Secret and reference it" for p in _credentials(props, "")]


# --- across a stack --------------------------------------------------------------------------------------

VSO_SYNCED = (
    "kubernetes:secrets.hashicorp.com/v1beta1:VaultStaticSecret",
    "kubernetes:secrets.hashicorp.com/v1beta1:VaultDynamicSecret",
)
PUBLIC_KEYS = {"ca.crt"}  # a Secret holding only a CA certificate (what VSO reads a private CA from)


@dataclass(frozen=True)
class StackRule:
    name: str
    description: str
    remediation: str
    check: Callable[[list[tuple[str, Props]]], list[str]]


def vault_synced_secrets_only(resources: list[tuple[str, Props]]) -> list[str]:
    """Where Vault's operator makes the Secrets, Pulumi writes none holding a credential: the value would sit in
    Pulumi's state and fight the synced copy."""
    synced = {dig(props, "metadata", "namespace") for typ, props in resources if typ in VSO_SYNCED}
    found = []
    for typ, props in resources:
        if typ != "kubernetes:core/v1:Secret" or dig(props, "metadata", "namespace") not in synced:
            continue
        keys = set(dig(props, "stringData") or {}) | set(dig(props, "data") or {})
        if keys - PUBLIC_KEYS:
            found.append(
                f"Secret {dig(props, 'metadata', 'name')} in namespace {dig(props, 'metadata', 'namespace')} holds "
                f"{', '.join(sorted(keys - PUBLIC_KEYS))} although that namespace's Secrets are synced from Vault"
            )
    return found


STACK_RULES = [
    StackRule(
        "vault-synced-secrets-only",
        "With Vault as the secrets backend, no credential is written as a Kubernetes Secret by Pulumi.",
        "Write the credential to Vault and sync it (wandb-platform's secrets backend `vault` does).",
        vault_synced_secrets_only,
    ),
]


def stack_violations(resources: list[tuple[str, Props]]) -> list[tuple[str, str]]:
    return [(rule.name, message) for rule in STACK_RULES for message in rule.check(resources)]
