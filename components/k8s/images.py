"""Where the cluster pulls images and charts from: each image's own registry, or one mirror for all of them.

Every image the platform runs is pinned here or in `image_catalogue` (never `latest`), so the same plan pulls the
same bytes and a mirror can be filled ahead (`python -m stacks.plan --stack <s> --images`). With a mirror
(`Registry.host`) an image keeps its path and loses its registry: `quay.io/prometheus/prometheus:v3.5.0` is
pulled as `<host>/prometheus/prometheus:v3.5.0`, `mysql:8.4` (Docker Hub's `library/mysql`) as
`<host>/library/mysql:8.4`; every pod names the pull Secret when one is given; every chart comes from one
repository when `Registry.charts` is set.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi

PULL_SECRET = "registry-pull"  # the Secret of type kubernetes.io/dockerconfigjson in each namespace


@dataclass(frozen=True)
class Image:
    """An image as its publisher names it."""

    registry: str  # docker.io, quay.io, registry.k8s.io, ghcr.io, public.ecr.aws, mcr.microsoft.com…
    repository: str  # the path: prometheus/prometheus, library/mysql
    tag: str

    @property
    def ref(self) -> str:
        return f"{self.registry}/{self.repository}:{self.tag}"


@dataclass(frozen=True)
class Registry:
    """A mirror for every image (`host`: `host[:port][/path]`; empty pulls each from its own registry), the Docker
    config JSON that logs in to it (secret; written only to a Secret in each namespace), and one Helm
    repository for every chart (`charts`: `oci://…` or `https://…`; empty takes each chart's own)."""

    host: str = ""
    pull_config: pulumi.Input[str] | None = None
    charts: str = ""

    def place(self, image: Image) -> Image:
        """The image where this cluster pulls it from."""
        return Image(self.host, image.repository, image.tag) if self.host else image

    def ref(self, image: Image) -> str:
        return self.place(image).ref

    @property
    def pull_secrets(self) -> list[dict[str, str]]:
        """A pod's `imagePullSecrets`."""
        return [{"name": PULL_SECRET}] if self.pull_config is not None else []

    @property
    def in_pod(self) -> dict[str, list[dict[str, str]]]:
        """A pod spec's fields for it: `imagePullSecrets` when the mirror needs a login."""
        return {"imagePullSecrets": self.pull_secrets} if self.pull_secrets else {}

    def source(self, chart: str, repository: str) -> dict[str, Any]:
        """A Helm Release's `chart` and `repository_opts` for `chart` published at `repository` (an `oci://`
        repository names the chart in its reference and has no index)."""
        repository = self.charts or repository
        if repository.startswith("oci://"):
            return {"chart": f"{repository.rstrip('/')}/{chart}"}
        return {"chart": chart, "repository_opts": {"repo": repository}}
