"""The W&B release on any cluster: namespace, credential Secrets, the operator, the WeightsAndBiases resource.

Cloud-neutral: it takes endpoints (components.contracts) and never knows which cloud made them. Credentials go
only into Secrets, through a secrets backend (components.k8s.credentials); the custom resource references them
by name and key (components.k8s.wandb_values).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import pulumi
import pulumi_kubernetes as k8s
import pulumi_random as random

from .credentials import KubernetesSecrets, Rotatable, SecretsBackend, grouped
from .helm import chart_release
from .images import Registry
from .namespace import MANAGED_BY, baseline_namespace
from .wandb_values import CHART, SecretRef, ValuesInput, secret_layout, wandb_values, weave_workers_on

TOKEN = "wandb-platform:index:WandbRelease"
OPERATOR_REPO = "https://charts.wandb.ai"


@dataclass
class WandbReleaseArgs:
    values: ValuesInput
    license: pulumi.Output[str]
    oidc_secret: pulumi.Output[str] | None = None
    operator_chart_version: str = "1.4.8"
    operator_image_tag: str = "1.22.0"
    wait_for: Sequence[pulumi.Resource] = ()  # what W&B needs running first: an ingress controller, a store
    secrets: SecretsBackend = field(default_factory=KubernetesSecrets)
    hand_off: bool = False  # stack role `platform`: the `wandb` stack publishes the credentials and makes the CR


@dataclass(frozen=True)
class Handoff:
    """What a `platform` stack hands the `wandb` stack that installs W&B: the custom resource's values (Secret
    references only), the credentials by Secret (secret), and W&B's MySQL with its admin user (secret) when
    Vault rotates its password."""

    values: pulumi.Output[dict]
    credentials: pulumi.Output[dict]
    rotation: pulumi.Output[dict] | None  # host, port, user, adminUser
    rotation_password: pulumi.Output[str] | None  # the admin user's (secret)


def chart_spec(version: str, registry: Registry) -> dict[str, str]:
    """The custom resource's `spec.chart`: operator-wandb at `version`, from the chart repository (an `oci://`
    reference names the chart itself)."""
    source = registry.source(CHART, OPERATOR_REPO)
    url = source["repository_opts"]["repo"] if "repository_opts" in source else source["chart"]
    return {"url": url, "name": CHART, "version": version}


def wandb_resource(
    name: str,
    namespace: pulumi.Input[str],
    instance_name: str,
    values: pulumi.Input[dict],
    wandb_chart_version: str,
    opts: pulumi.ResourceOptions,
    registry: Registry | None = None,
) -> k8s.apiextensions.CustomResource:
    """The `WeightsAndBiases` resource the operator renders W&B from (the chart the operator picks when no
    version is given)."""
    spec: dict = {"values": values}
    if wandb_chart_version:
        spec["chart"] = chart_spec(wandb_chart_version, registry or Registry())
    return k8s.apiextensions.CustomResource(
        f"{name}-wandb",
        api_version="apps.wandb.com/v1",
        kind="WeightsAndBiases",
        metadata={"name": instance_name, "namespace": namespace, "labels": MANAGED_BY},
        spec=spec,
        opts=opts,
    )


class WandbRelease(pulumi.ComponentResource):
    """Pass the cluster's Kubernetes provider as `opts.providers` (or `provider`); children inherit it. With
    `hand_off`, it stops short of the credentials and the custom resource and exposes `handoff` instead."""

    def __init__(self, name: str, args: WandbReleaseArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__(TOKEN, name, None, opts)
        spec = args.values
        refs = secret_layout(spec.instance_name)
        child = pulumi.ResourceOptions(parent=self)

        namespace = baseline_namespace(f"{name}-ns", spec.namespace, child, spec.registry)
        ns = namespace.metadata.name
        credentials = grouped(self._credentials(name, args, child))
        rotatable = None
        if spec.mysql is not None and spec.mysql.admin is not None:
            rotatable = Rotatable(refs.mysql_password, spec.mysql)
        if args.hand_off or args.secrets.rotates:
            spec = replace(spec, restart_on_secret_change=True)

        if spec.console_access == "namespace":
            self._console_namespace_reader(name, spec.instance_name, ns, child)

        operator = chart_release(
            f"{name}-operator",
            name="wandb-operator",
            chart="operator",
            version=args.operator_chart_version,
            repository=OPERATOR_REPO,
            namespace=ns,
            # from a mirror, no release channel either: W&B's chart and images are what the resource names
            values={"airgapped": bool(spec.registry.host)},
            registry=spec.registry,
            tags={"controller": args.operator_image_tag},
            opts=child,
        )

        ca_certs: list[k8s.core.v1.ConfigMap] = []
        if spec.clickhouse is not None and spec.clickhouse.ca_cert is not None:
            # Certificates only: the chart adds every `.crt` key of this ConfigMap to W&B's trusted roots.
            ca_certs.append(
                k8s.core.v1.ConfigMap(
                    f"{name}-ca-certs",
                    metadata={"name": refs.ca_certs.name, "namespace": ns, "labels": MANAGED_BY},
                    data={refs.ca_certs.key: spec.clickhouse.ca_cert},
                    opts=child,
                )
            )

        extras = [
            k8s.apiextensions.CustomResource(
                f"{name}-{m['kind'].lower()}-{m['metadata']['name']}",
                api_version=m["apiVersion"],
                kind=m["kind"],
                metadata={**m["metadata"], "namespace": ns, "labels": MANAGED_BY},
                spec=m["spec"],
                opts=child,
            )
            for m in spec.ingress.manifests
        ]
        self.namespace = ns
        self.handoff: Handoff | None = None
        self.wandb: k8s.apiextensions.CustomResource | None = None
        if args.hand_off:
            self.secrets: list[pulumi.Resource] = []
            self.handoff = Handoff(
                values=pulumi.Output.from_input(wandb_values(spec)),
                credentials=pulumi.Output.secret(pulumi.Output.from_input(credentials)),
                rotation=rotation_handoff(rotatable),
                rotation_password=rotatable.mysql.admin.password if rotatable and rotatable.mysql.admin else None,
            )
        else:
            self.secrets = args.secrets.publish(name, ns, credentials, rotatable, child)
            self.wandb = wandb_resource(
                name,
                ns,
                spec.instance_name,
                wandb_values(spec),
                spec.chart_version,
                pulumi.ResourceOptions(
                    parent=self, depends_on=[operator, *self.secrets, *ca_certs, *extras, *args.wait_for]
                ),
                spec.registry,
            )
        self.register_outputs({"namespace": ns, "instance": spec.instance_name})

    def _console_namespace_reader(self, name: str, instance: str, ns: pulumi.Output[str], opts) -> None:
        """What a namespaced console still needs of the cluster: reading its own Namespace object, by name."""
        role = k8s.rbac.v1.ClusterRole(
            f"{name}-console-namespace",
            metadata={"name": f"{instance}-console-namespace", "labels": MANAGED_BY},
            rules=[{"apiGroups": [""], "resources": ["namespaces"], "resourceNames": [ns], "verbs": ["get"]}],
            opts=opts,
        )
        k8s.rbac.v1.ClusterRoleBinding(
            f"{name}-console-namespace",
            metadata={"name": f"{instance}-console-namespace", "labels": MANAGED_BY},
            role_ref={"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": role.metadata.name},
            subjects=[{"kind": "ServiceAccount", "name": f"{instance}-console", "namespace": ns}],
            opts=opts,
        )

    @staticmethod
    def _credentials(
        name: str, args: WandbReleaseArgs, child: pulumi.ResourceOptions
    ) -> list[tuple[SecretRef, pulumi.Input[str]]]:
        """Every credential W&B's values reference, by Secret name and key; generated where nothing gives one."""
        spec = args.values
        refs = secret_layout(spec.instance_name)

        def generated(what: str) -> pulumi.Output[str]:
            return pulumi.Output.secret(
                random.RandomPassword(f"{name}-{what}", length=32, special=False, opts=child).result
            )

        credentials: list[tuple[SecretRef, pulumi.Input[str]]] = [(refs.license, args.license)]
        if spec.mysql is None:
            credentials += [
                (refs.mysql_password, generated("mysql")),
                (refs.mysql_root_password, generated("mysql-root")),
            ]
        else:
            credentials.append((refs.mysql_password, spec.mysql.password))
        if spec.redis is None:
            credentials.append((refs.redis_password, generated("redis")))
        else:
            if spec.redis.password is not None:
                credentials.append((refs.redis_password, spec.redis.password))
            if spec.redis.ca_cert is not None:
                credentials.append((refs.redis_ca_cert, spec.redis.ca_cert))
        if args.oidc_secret is not None:
            credentials.append((refs.oidc_secret, args.oidc_secret))
        if spec.clickhouse is not None:
            credentials.append((refs.clickhouse_password, spec.clickhouse.password))
        if weave_workers_on(spec):
            credentials.append((refs.weave_worker_auth, generated("weave-worker-auth")))
        bucket = spec.bucket
        if bucket is not None and bucket.access_key is not None:
            credentials.append((refs.bucket_access_key, bucket.access_key))
            if bucket.secret_key is not None:
                credentials.append((refs.bucket_secret_key, bucket.secret_key))
        return credentials


def rotation_handoff(rotatable: Rotatable | None) -> pulumi.Output[dict] | None:
    """W&B's MySQL and the admin user Vault rotates its password with (its password apart, secret), as the
    `wandb` stack reads them."""
    if rotatable is None or rotatable.mysql.admin is None:
        return None
    mysql = rotatable.mysql
    return pulumi.Output.from_input(
        {"host": mysql.host, "port": mysql.port, "user": mysql.user, "adminUser": mysql.admin.user}
    )
