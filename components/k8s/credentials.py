"""W&B's credentials as one contract, and the backends that put them where W&B's values reference them.

`Credentials` maps each Secret name to its keys and values, exactly as the values name them
(`wandb_values.secret_layout`). A backend makes those Secrets exist in W&B's namespace: `KubernetesSecrets`
writes them itself; the Vault backend (`components.vault.backend`) writes the values to Vault and has them
synced in. The release depends on this contract, never on a backend.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

import pulumi
import pulumi_kubernetes as k8s

from ..contracts import MysqlEndpoint
from .namespace import MANAGED_BY
from .wandb_values import SecretRef

# Secret name -> {key: value}; a Secret's data may arrive as one output (read from another stack).
Credentials = Mapping[str, pulumi.Input[Mapping[str, pulumi.Input[str]]]]


def grouped(refs_and_values: list[tuple[SecretRef, pulumi.Input[str]]]) -> dict[str, dict[str, pulumi.Input[str]]]:
    """Secret name -> {key: value}, grouping references that share a Secret."""
    data: dict[str, dict[str, pulumi.Input[str]]] = {}
    for ref, value in refs_and_values:
        data.setdefault(ref.name, {})[ref.key] = value
    return data


@dataclass(frozen=True)
class Rotatable:
    """W&B's MySQL password, where it lives, and the server with the admin user that may change it."""

    ref: SecretRef
    mysql: MysqlEndpoint


class SecretsBackend(Protocol):
    rotates: bool  # W&B's MySQL password may change under running pods (the chart's Reloader restarts them)

    def publish(
        self,
        name: str,
        namespace: pulumi.Output[str],
        credentials: Credentials,
        rotatable: Rotatable | None,
        opts: pulumi.ResourceOptions,
    ) -> list[pulumi.Resource]:
        """Make every Secret of `credentials` exist in `namespace`; returns what W&B must wait for."""
        ...


class KubernetesSecrets:
    """Secrets written by Pulumi, their values secret in the state."""

    rotates = False

    def publish(
        self,
        name: str,
        namespace: pulumi.Output[str],
        credentials: Credentials,
        rotatable: Rotatable | None,
        opts: pulumi.ResourceOptions,
    ) -> list[pulumi.Resource]:
        return [
            k8s.core.v1.Secret(
                f"{name}-{secret_name}",
                metadata={"name": secret_name, "namespace": namespace, "labels": MANAGED_BY},
                type="Opaque",
                string_data={key: pulumi.Output.secret(value) for key, value in dict(data).items()},
                opts=opts,
            )
            for secret_name, data in credentials.items()
        ]
