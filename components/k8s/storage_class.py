"""The StorageClass every cluster gets for the platform's volumes: its CSI driver, encrypted with the
platform's key, bound where the pod lands, expandable, and kept after its claim is deleted when protected."""

from __future__ import annotations

from collections.abc import Mapping

import pulumi
import pulumi_kubernetes as k8s


def encrypted_storage_class(
    resource_name: str,
    *,
    name: str,
    provisioner: str,
    parameters: Mapping[str, pulumi.Input[str]],
    protect: bool,
    opts: pulumi.ResourceOptions,
    default: bool = False,
) -> k8s.storage.v1.StorageClass:
    """Only an API object: volumes bind when a pod needs one, by which time the driver is running."""
    metadata: dict = {"name": name}
    if default:
        metadata["annotations"] = {"storageclass.kubernetes.io/is-default-class": "true"}
    return k8s.storage.v1.StorageClass(
        resource_name,
        metadata=metadata,
        provisioner=provisioner,
        parameters=dict(parameters),
        volume_binding_mode="WaitForFirstConsumer",
        allow_volume_expansion=True,
        reclaim_policy="Retain" if protect else "Delete",
        opts=opts,
    )
