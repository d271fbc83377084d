"""The platform's `images` arguments as the one Registry every component pulls its images and charts through."""

from __future__ import annotations

from typing import Any

from ..k8s.images import Registry
from .args import ImagesArgs


def platform_registry(platform: Any) -> Registry:
    """From a platform's `images` (each image's own registry when it has none)."""
    images = getattr(platform, "images", None) or ImagesArgs()
    return Registry(host=images.registry, pull_config=images.pull_secret, charts=images.chart_repository)
