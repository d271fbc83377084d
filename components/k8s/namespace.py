"""What every Kubernetes object this project creates shares: its labels, and namespaces under PodSecurity."""

from __future__ import annotations

import pulumi
import pulumi_kubernetes as k8s

MANAGED_BY = {"app.kubernetes.io/managed-by": "pulumi", "app.kubernetes.io/part-of": "wandb-platform"}


def baseline_namespace(resource_name: str, name: str, opts: pulumi.ResourceOptions) -> k8s.core.v1.Namespace:
    """A namespace whose pods must meet PodSecurity `baseline`: no host paths, ports or privileges."""
    labels = {**MANAGED_BY, "pod-security.kubernetes.io/enforce": "baseline"}
    return k8s.core.v1.Namespace(resource_name, metadata={"name": name, "labels": labels}, opts=opts)
