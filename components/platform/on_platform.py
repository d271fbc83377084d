"""The `wandb` stack of a split platform: W&B installed on a cluster a `platform` stack made, once that
stack's Vault is initialised. It reads the platform's hand-off through a StackReference (the kubeconfig, the
custom resource's values, the credentials and, with rotation, W&B's MySQL and its admin user, all secret but
the values), writes the credentials to Vault through an explicit Vault provider, has them synced into W&B's
namespace, and creates the `WeightsAndBiases` resource that waits for them.

No `from __future__ import annotations`: the arguments feed Pulumi's schema inference.
"""

from dataclasses import dataclass, field

import pulumi
import pulumi_kubernetes as k8s
import pulumi_vault as vault

from ..contracts import MysqlAdmin, MysqlEndpoint
from ..k8s.credentials import Rotatable
from ..k8s.images import Registry
from ..k8s.wandb_release import wandb_resource
from ..k8s.wandb_values import secret_layout
from ..vault.backend import VaultSecrets, VaultSettings
from .args import Args, VaultArgs
from .vault import vault_mounts, vault_namespace

TOKEN = "wandb-platform:index:WandbOnPlatform"


@dataclass(kw_only=True, frozen=True)
class WandbOnPlatformArgs(Args):
    """What the `wandb` stack needs besides the platform's hand-off."""

    platform_stack: str
    """The `platform` stack, `<org>/<project>/<stack>`."""
    vault: VaultArgs
    """The Vault (its `address` as the deployer reaches it: for an in-cluster Vault, through
    `kubectl port-forward`); mounts named as the platform stack's config names them."""
    secrets: list[str] | None = field(default_factory=list)
    """The Secrets the platform's credentials hold, by name (the same config gives the same names)."""
    rotate: bool | None = False
    """Vault rotates W&B's MySQL password (the platform made an admin user for it)."""
    instance_name: str | None = "wandb"
    """The platform's `instanceName`."""
    namespace: str | None = "wandb"
    """W&B's namespace, which the platform created."""
    wandb_chart_version: str | None = "0.43.8"
    """Pins chart `operator-wandb` through the resource's `spec.chart`; empty lets the operator choose."""
    chart_repository: str | None = ""
    """The repository the operator takes the chart from (`oci://…` or `https://…`); empty is W&B's."""


class WandbOnPlatform(pulumi.ComponentResource):
    """W&B on a platform stack's cluster, its credentials from Vault."""

    url: pulumi.Output[str]
    """W&B's URL (the platform's)."""

    def __init__(self, name: str, args: WandbOnPlatformArgs, opts: pulumi.ResourceOptions | None = None):
        args = WandbOnPlatformArgs.of(args)
        super().__init__(TOKEN, name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        platform = pulumi.StackReference(f"{name}-platform", stack_name=args.platform_stack, opts=child)
        cluster = k8s.Provider(f"{name}-k8s", kubeconfig=platform.require_output("kubeconfig"), opts=child)
        v = args.vault
        login = {"mount": v.login_mount, "role": v.login_role} if v.login_role else None
        provider = vault.Provider(f"{name}-vault", address=v.address, auth_login_jwt=login, opts=child)
        in_cluster = v.mode == "in-cluster"
        kv_mount, auth_mount = vault_mounts(v, name, args.instance_name)
        backend = VaultSecrets(
            VaultSettings(
                address=platform.require_output("vaultAddress") if in_cluster else v.address,
                kv_mount=kv_mount,
                auth_mount=auth_mount,
                path=args.instance_name,
                namespace=args.namespace,
                kubernetes_host="https://kubernetes.default.svc" if in_cluster else v.kubernetes_host,
                kubernetes_ca_cert=None if in_cluster else v.kubernetes_ca_cert or None,
                vault_namespace=v.namespace,
                ca_cert=platform.require_output("vaultCaCert") if in_cluster else v.ca_cert,
                rotation_period_hours=v.rotation_period_hours,
                secrets_operator_chart_version=None,  # the platform stack installed it
                in_cluster=in_cluster,
                vault_k8s_namespace=vault_namespace(args.namespace),
            ),
            provider,
        )
        credentials = platform.require_output("wandbCredentials")
        published = backend.publish(
            name,
            pulumi.Output.from_input(args.namespace),
            {secret: credentials.apply(lambda c, s=secret: c[s]) for secret in sorted(args.secrets)},
            self._rotatable(args, platform),
            pulumi.ResourceOptions(parent=self, providers=[cluster]),
        )
        self.wandb = wandb_resource(
            name,
            args.namespace,
            args.instance_name,
            platform.require_output("wandbValues"),
            args.wandb_chart_version,
            pulumi.ResourceOptions(parent=self, provider=cluster, depends_on=published),
            Registry(charts=args.chart_repository),
        )
        self.url = platform.require_output("url")
        self.register_outputs({"url": self.url})

    @staticmethod
    def _rotatable(args: WandbOnPlatformArgs, platform: pulumi.StackReference) -> Rotatable | None:
        if not args.rotate:
            return None
        rotation = platform.require_output("wandbRotation")

        def field_of(key: str) -> pulumi.Output:
            return rotation.apply(lambda r: r[key])

        mysql = MysqlEndpoint(
            host=field_of("host"),
            port=field_of("port"),
            user=field_of("user"),
            password=pulumi.Output.secret(""),  # Vault's from now on; never read here
            admin=MysqlAdmin(
                user=field_of("adminUser"),
                password=pulumi.Output.secret(platform.require_output("wandbRotationPassword")),
            ),
        )
        return Rotatable(secret_layout(args.instance_name).mysql_password, mysql)

    def stack_outputs(self) -> dict[str, pulumi.Input]:
        return {"url": self.url}
