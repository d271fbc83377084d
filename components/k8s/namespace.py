"""What every Kubernetes object this project creates shares: its labels, namespaces under PodSecurity, and
NetworkPolicies that keep a datastore's namespace closed to all but its clients."""

from __future__ import annotations

import pulumi
import pulumi_kubernetes as k8s

from .helm import chart_release
from .images import PULL_SECRET, Registry

MANAGED_BY = {"app.kubernetes.io/managed-by": "pulumi", "app.kubernetes.io/part-of": "wandb-platform"}


def baseline_namespace(
    resource_name: str, name: str, opts: pulumi.ResourceOptions, registry: Registry | None = None
) -> k8s.core.v1.Namespace:
    """A namespace whose pods must meet PodSecurity `baseline`: no host paths, ports or privileges."""
    return _namespace(resource_name, name, "baseline", opts, registry)


def restricted_namespace(
    resource_name: str, name: str, opts: pulumi.ResourceOptions, registry: Registry | None = None
) -> k8s.core.v1.Namespace:
    """A namespace whose pods must meet PodSecurity `restricted`: also non-root, no privilege escalation, every
    capability dropped and the RuntimeDefault seccomp profile. For namespaces holding only this project's pods."""
    return _namespace(resource_name, name, "restricted", opts, registry)


def _namespace(
    resource_name: str, name: str, level: str, opts: pulumi.ResourceOptions, registry: Registry | None
) -> k8s.core.v1.Namespace:
    labels = {**MANAGED_BY, "pod-security.kubernetes.io/enforce": level}
    namespace = k8s.core.v1.Namespace(resource_name, metadata={"name": name, "labels": labels}, opts=opts)
    pull_secret(f"{resource_name}-registry", namespace.metadata.name, registry or Registry(), opts)
    return namespace


def pull_secret(
    resource_name: str, namespace: pulumi.Input[str], registry: Registry, opts: pulumi.ResourceOptions
) -> k8s.core.v1.Secret | None:
    """The namespace's login to the image mirror, when it needs one (a `kubernetes.io/dockerconfigjson` Secret
    that every pod of the namespace names); kubelet retries a pull that came before it."""
    if registry.pull_config is None:
        return None
    return k8s.core.v1.Secret(
        resource_name,
        metadata={"name": PULL_SECRET, "namespace": namespace, "labels": MANAGED_BY},
        type="kubernetes.io/dockerconfigjson",
        string_data={".dockerconfigjson": pulumi.Output.secret(registry.pull_config)},
        opts=opts,
    )


def clients_only(
    resource_name: str,
    namespace: pulumi.Input[str],
    clients: str,
    ports: list[int],
    opts: pulumi.ResourceOptions,
    scrapers: tuple[str, list[int]] | None = None,
) -> k8s.networking.v1.NetworkPolicy:
    """Every pod of `namespace` admits traffic only from its own namespace (the servers among themselves, and their
    operator), from the pods of namespace `clients` on `ports` only, and from a monitoring namespace's pods on
    the metrics ports (`scrapers`: namespace and ports)."""
    admitted = [(clients, ports), *([scrapers] if scrapers else [])]
    return k8s.networking.v1.NetworkPolicy(
        resource_name,
        metadata={"name": f"from-{clients}-only", "namespace": namespace, "labels": MANAGED_BY},
        spec={
            "podSelector": {},
            "policyTypes": ["Ingress"],
            "ingress": [
                {"from": [{"podSelector": {}}]},
                *[
                    {
                        "from": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": peer}}}],
                        "ports": [{"protocol": "TCP", "port": port} for port in peer_ports],
                    }
                    for peer, peer_ports in admitted
                ],
            ],
        },
        opts=opts,
    )


def operator_namespace(
    name: str,
    namespace: str,
    release: dict,
    opts: pulumi.ResourceOptions,
    restricted: bool = False,
    registry: Registry | None = None,
) -> tuple[pulumi.Output[str], k8s.helm.v3.Release]:
    """A datastore's namespace under PodSecurity `baseline` (`restricted` where the operator and everything it
    runs meet it), with its operator's Helm release in it (the operator then watches that namespace only).
    `release` holds `chart_release`'s arguments: name, chart, version, repository and values."""
    level = "restricted" if restricted else "baseline"
    registry = registry or Registry()
    ns = _namespace(f"{name}-ns", namespace, level, opts, registry).metadata.name
    operator = chart_release(f"{name}-operator", namespace=ns, registry=registry, opts=opts, **release)
    return ns, operator
