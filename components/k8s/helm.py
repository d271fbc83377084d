"""Every Helm release of the platform: a pinned chart from its repository (or the one mirror of them all), with
every image it runs pinned in its values (`image_catalogue`) and the mirror's pull Secret named."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from .image_catalogue import image_values
from .images import Registry


def deep_merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """`override` wins; maps merge key by key, everything else (lists included) is replaced."""
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def chart_release(
    resource_name: str,
    *,
    chart: str,
    version: str,
    repository: str,
    namespace: pulumi.Input[str],
    values: pulumi.Input[Mapping[str, Any]],
    registry: Registry,
    opts: pulumi.ResourceOptions,
    name: str | None = None,
    tags: Mapping[str, str] | None = None,
    **release: Any,
) -> k8s.helm.v3.Release:
    """Release `name` (the chart's name unless given) of `chart` at `version`, published at `repository`;
    `tags` gives the images whose tag follows a version chosen at install (`image_catalogue.Pin.follows`).
    Atomic unless `release` says otherwise."""
    pins = image_values(chart, version, registry, tags)
    if isinstance(values, Mapping):
        values = deep_merge(values, pins)
    else:
        values = pulumi.Output.from_input(values).apply(lambda v: deep_merge(v, pins))
    return k8s.helm.v3.Release(
        resource_name,
        name=name or chart,
        version=version,
        namespace=namespace,
        values=values,
        **{"atomic": True, "cleanup_on_fail": True, **release},
        **registry.source(chart, repository),
        opts=opts,
    )
