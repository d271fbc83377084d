"""The images a stack runs: `python -m stacks.plan --stack <s> --images`, for filling a mirror ahead of an
air-gapped install. Read from the plan: each Helm release's values at the paths the image catalogue knows for its
chart, W&B's custom resource's values (chart operator-wandb), and every container of every manifest. An image
that is not pinned (a chart the catalogue does not know, a chart at another version, a tag `latest` or none) is
a problem: the command lists it and exits 1.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from components.k8s.image_catalogue import CHARTS, chart_images
from components.k8s.wandb_values import CHART as WANDB_CHART
from stacks.offline import Registered, Run

RELEASE = "kubernetes:helm.sh/v3:Release"
WANDB = "kubernetes:apps.wandb.com/v1:WeightsAndBiases"
POD_LISTS = ("containers", "initContainers")


@dataclass
class ImageList:
    images: dict[str, set[str]] = field(default_factory=dict)  # reference -> where it runs
    problems: list[str] = field(default_factory=list)

    def add(self, ref: str, where: str) -> None:
        self.images.setdefault(ref, set()).add(where)
        name = ref.rsplit("/", 1)[-1]
        if ":" not in name or name.endswith(":latest"):
            self.problems.append(f"{where}: {ref} has no pinned tag")


def _chart_name(release: Mapping[str, Any]) -> str:
    return str(release["chart"]).rstrip("/").rsplit("/", 1)[-1]  # an oci:// reference ends with the chart


def _containers(value: Any) -> Iterator[dict]:
    """Every container (and init container) of a manifest, wherever its pod template sits."""
    if isinstance(value, Mapping):
        for key, inner in value.items():
            if key in POD_LISTS and isinstance(inner, list):
                yield from (c for c in inner if isinstance(c, Mapping) and "image" in c)
            else:
                yield from _containers(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _containers(inner)


def _chart(found: ImageList, where: str, chart: str, version: str, values: Mapping[str, Any]) -> None:
    images = chart_images(chart, version, values)
    if isinstance(images, str):
        found.problems.append(f"{where}: {images}")
        return
    for image in images:
        found.add(image.ref, where)


def _wandb(found: ImageList, resource: Registered) -> None:
    spec = resource.plain_inputs["spec"]
    version = spec.get("chart", {}).get("version", "")
    if not version:
        found.problems.append(f"{resource.name}: {WANDB_CHART} is the operator's choice, its images the channel's")
        return
    _chart(found, resource.name, WANDB_CHART, version, spec["values"])


def images(run: Run) -> ImageList:
    found = ImageList()
    for resource in run.resources:
        inputs = resource.plain_inputs
        if resource.type == RELEASE:
            _chart(found, resource.name, _chart_name(inputs), inputs["version"], inputs.get("values") or {})
        elif resource.type == WANDB:
            _wandb(found, resource)
        else:
            for container in _containers(inputs):
                found.add(container["image"], resource.name)
    return found


def render(found: ImageList, stack: str) -> str:
    lines = [f"Images of stack {stack} ({len(found.images)}), each with where it runs:"]
    for ref in sorted(found.images):
        lines.append(f"  {ref}    {', '.join(sorted(found.images[ref]))}")
    if found.problems:
        lines.append("")
        lines += [f"NOT PINNED: {problem}" for problem in found.problems]
    lines.append(
        f"\nCharts whose images are pinned: {', '.join(f'{c} {i.version}' for c, i in sorted(CHARTS.items()))}"
    )
    return "\n".join(lines)
