"""The cluster's half of the Vault backend: HashiCorp's Vault Secrets Operator (VSO, pinned chart) copies W&B's
entries from Vault into Secrets of exactly the names and keys W&B's values reference, in W&B's namespace.

VSO logs in to Vault with a service account of W&B's namespace made for it alone (the only identity the Vault
role admits); with a Vault outside the cluster, Vault reviews that account's token with the token itself, so
the account may create TokenReviews (`system:auth-delegator`) and nothing else. Each KV entry becomes one
Secret (`VaultStaticSecret`); with rotation, W&B's MySQL password comes from the database engine's static role
(`VaultDynamicSecret`) under the key W&B reads.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_kubernetes as k8s

from .images import Registry
from .namespace import MANAGED_BY, operator_namespace
from .pod_security import CONFINED

TOKEN = "wandb-platform:index:VaultSecretsSync"
API = "secrets.hashicorp.com/v1beta1"
CHART_REPO = "https://helm.releases.hashicorp.com"
CONNECTION = "vault"  # the VaultConnection and VaultAuth in W&B's namespace
REFRESH = "60s"
RBAC = "rbac.authorization.k8s.io"  # how soon a changed entry reaches its Secret


@dataclass(frozen=True)
class RotatedKey:
    """A Secret key whose value Vault's database engine rotates: the static role's current password."""

    secret: str
    key: str
    mount: pulumi.Input[str]
    role: str


@dataclass
class VaultSecretsSyncArgs:
    namespace: pulumi.Input[str]  # W&B's: where the Secrets are made
    namespace_name: str  # the same, known ahead (names the cluster-wide binding)
    operator_namespace: str
    service_account: str
    address: pulumi.Input[str]
    auth_mount: str
    role: pulumi.Input[str]
    kv_mount: str
    path: str  # entries at `<kv_mount>/<path>/<secret name>`
    secrets: Sequence[str]  # one Secret per KV entry of the same name
    rotated: RotatedKey | None = None
    vault_namespace: str = ""
    ca_cert: pulumi.Input[str] = ""  # PEM of Vault's private CA; "" = the system's roots
    audience: str = "vault"
    external: bool = True  # Vault outside the cluster reviews tokens with the client's own
    chart_version: str | None = "1.4.1"  # None: the operator is installed already (the platform stack's)
    registry: Registry = field(default_factory=Registry)  # where its images and chart come from


def destination(secret: str) -> dict:
    """A Secret VSO creates and owns, holding the entry's keys only (not VSO's `_raw` copy)."""
    return {"name": secret, "create": True, "labels": dict(MANAGED_BY), "transformation": {"excludeRaw": True}}


def static_secret_spec(args: VaultSecretsSyncArgs, secret: str) -> dict:
    return {
        "vaultAuthRef": CONNECTION,
        "mount": args.kv_mount,
        "type": "kv-v2",
        "path": f"{args.path}/{secret}",
        "refreshAfter": REFRESH,
        "hmacSecretData": True,
        "destination": destination(secret),
    }


def rotated_secret_spec(rotated: RotatedKey, mount: str) -> dict:
    """The static role's current password under W&B's key, and nothing else of the engine's answer."""
    target = destination(rotated.secret)
    target["transformation"] = {
        "excludeRaw": True,
        "excludes": [".*"],
        "templates": {rotated.key: {"text": '{{- get .Secrets "password" -}}'}},
    }
    return {
        "vaultAuthRef": CONNECTION,
        "mount": mount,
        "path": f"static-creds/{rotated.role}",
        "allowStaticCreds": True,
        "destination": target,
    }


def auth_spec(args: VaultSecretsSyncArgs, role: str) -> dict:
    spec = {
        "vaultConnectionRef": CONNECTION,
        "method": "kubernetes",
        "mount": args.auth_mount,
        "kubernetes": {"role": role, "serviceAccount": args.service_account, "audiences": [args.audience]},
    }
    if args.vault_namespace:
        spec["namespace"] = args.vault_namespace
    return spec


def secrets_operator(
    name: str, namespace: str, chart_version: str, opts: pulumi.ResourceOptions, registry: Registry
) -> k8s.helm.v3.Release:
    """VSO in its own namespace under PodSecurity `restricted` (the chart's non-root pods, plus the seccomp
    profile and the capability drop it leaves out): it reads Vault and writes Secrets where told."""
    _, operator = operator_namespace(
        name,
        namespace,
        {
            "name": "vault-secrets-operator",
            "chart": "vault-secrets-operator",
            "version": chart_version,
            "repository": CHART_REPO,
            "values": {
                "controller": {
                    "podSecurityContext": {"runAsNonRoot": True, "seccompProfile": {"type": "RuntimeDefault"}},
                    "securityContext": CONFINED,
                }
            },
        },
        opts,
        restricted=True,
        registry=registry,
    )
    return operator


class VaultSecretsSync(pulumi.ComponentResource):
    """Pass the cluster's Kubernetes provider as `opts.providers`. Exposes `ready`: what W&B waits for."""

    def __init__(self, name: str, args: VaultSecretsSyncArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__(TOKEN, name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        operator = (
            [secrets_operator(name, args.operator_namespace, args.chart_version, child, args.registry)]
            if args.chart_version
            else []
        )
        account = k8s.core.v1.ServiceAccount(
            f"{name}-account",
            metadata={"name": args.service_account, "namespace": args.namespace, "labels": MANAGED_BY},
            automount_service_account_token=False,
            opts=child,
        )
        if args.external:
            k8s.rbac.v1.ClusterRoleBinding(
                f"{name}-token-review",
                metadata={"name": f"{args.service_account}-{args.namespace_name}-token-review", "labels": MANAGED_BY},
                role_ref={
                    "apiGroup": "rbac.authorization.k8s.io",
                    "kind": "ClusterRole",
                    "name": "system:auth-delegator",
                },
                subjects=[{"kind": "ServiceAccount", "name": args.service_account, "namespace": args.namespace}],
                opts=child,
            )
        connection: dict = {"address": args.address, "skipTLSVerify": False}
        trusted: list[pulumi.Resource] = []
        if args.ca_cert:
            trusted.append(
                k8s.core.v1.Secret(
                    f"{name}-ca",
                    metadata={"name": f"{CONNECTION}-ca", "namespace": args.namespace, "labels": MANAGED_BY},
                    string_data={"ca.crt": args.ca_cert},  # a public certificate, in the Secret VSO reads it from
                    opts=child,
                )
            )
            connection["caCertSecretRef"] = f"{CONNECTION}-ca"
        vault_connection = self._custom(
            f"{name}-connection",
            "VaultConnection",
            CONNECTION,
            args.namespace,
            connection,
            pulumi.ResourceOptions(parent=self, depends_on=[*operator, *trusted]),
        )
        auth = self._custom(
            f"{name}-auth",
            "VaultAuth",
            CONNECTION,
            args.namespace,
            pulumi.Output.from_input(args.role).apply(lambda role: auth_spec(args, role)),
            pulumi.ResourceOptions(parent=self, depends_on=[*operator, account, vault_connection]),
        )
        after_auth = pulumi.ResourceOptions(parent=self, depends_on=[*operator, auth])
        self.ready: list[pulumi.Resource] = [
            self._custom(
                f"{name}-{secret}",
                "VaultStaticSecret",
                secret,
                args.namespace,
                static_secret_spec(args, secret),
                after_auth,
            )
            for secret in sorted(args.secrets)
        ]
        if args.rotated is not None:
            rotated = args.rotated
            spec = pulumi.Output.from_input(rotated.mount).apply(lambda mount: rotated_secret_spec(rotated, mount))
            self.ready.append(
                self._custom(
                    f"{name}-{rotated.secret}", "VaultDynamicSecret", rotated.secret, args.namespace, spec, after_auth
                )
            )
        self.register_outputs({})

    @staticmethod
    def _custom(
        resource_name: str, kind: str, name: str, namespace: pulumi.Input[str], spec: pulumi.Input[dict], opts
    ) -> k8s.apiextensions.CustomResource:
        return k8s.apiextensions.CustomResource(
            resource_name,
            api_version=API,
            kind=kind,
            metadata={"name": name, "namespace": namespace, "labels": MANAGED_BY},
            spec=spec,
            opts=opts,
        )
