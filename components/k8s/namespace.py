"""What every Kubernetes object this project creates shares: its labels, namespaces under PodSecurity, and
NetworkPolicies that keep a datastore's namespace closed to all but its clients."""

from __future__ import annotations

import pulumi
import pulumi_kubernetes as k8s

MANAGED_BY = {"app.kubernetes.io/managed-by": "pulumi", "app.kubernetes.io/part-of": "wandb-platform"}


def baseline_namespace(resource_name: str, name: str, opts: pulumi.ResourceOptions) -> k8s.core.v1.Namespace:
    """A namespace whose pods must meet PodSecurity `baseline`: no host paths, ports or privileges."""
    return _namespace(resource_name, name, "baseline", opts)


def restricted_namespace(resource_name: str, name: str, opts: pulumi.ResourceOptions) -> k8s.core.v1.Namespace:
    """A namespace whose pods must meet PodSecurity `restricted`: also non-root, no privilege escalation, every
    capability dropped and the RuntimeDefault seccomp profile. For namespaces holding only this project's pods."""
    return _namespace(resource_name, name, "restricted", opts)


def _namespace(resource_name: str, name: str, level: str, opts: pulumi.ResourceOptions) -> k8s.core.v1.Namespace:
    labels = {**MANAGED_BY, "pod-security.kubernetes.io/enforce": level}
    return k8s.core.v1.Namespace(resource_name, metadata={"name": name, "labels": labels}, opts=opts)


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
    name: str, namespace: str, release: dict, opts: pulumi.ResourceOptions, restricted: bool = False
) -> tuple[pulumi.Output[str], k8s.helm.v3.Release]:
    """A datastore's namespace under PodSecurity `baseline` (`restricted` where the operator and everything it
    runs meet it), with its operator's Helm release in it (the operator then watches that namespace only).
    `release` holds the Release's own arguments: name, chart, version, and repository_opts or values."""
    level = "restricted" if restricted else "baseline"
    ns = _namespace(f"{name}-ns", namespace, level, opts).metadata.name
    operator = k8s.helm.v3.Release(
        f"{name}-operator", namespace=ns, atomic=True, cleanup_on_fail=True, opts=opts, **release
    )
    return ns, operator
