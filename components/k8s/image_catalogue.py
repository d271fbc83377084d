"""Every image each chart the platform installs runs, pinned: where in the chart's values it goes, how the chart
spells it, and what turns it on. Read from each chart's templates at the version pinned beside it (and rendered
with the platform's values); a chart at another version keeps its own images (`image_values` gives nothing)
and `--images` reports it unpinned.

`image_values` writes the pins into a release's values, moved to the mirror; `chart_images` reads back, from a
release's values, the images it will run.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .images import Image, Registry

SPLIT = "split"  # {registry, repository, tag}
JOINED = "joined"  # {repository: registry/path, tag}
REF = "ref"  # "registry/path:tag"
NAMED = "named"  # {name: registry/path, tag} (stakater's Reloader)
STRIMZI = "strimzi"  # {registry, repository: the path's folder, name, tag}
STRIMZI_KAFKA = "strimzi-kafka"  # the same with `tagPrefix`: the operator appends `-kafka-<Kafka version>`
PREFIXED = "prefixed"  # {repository: path, tag}; the registry is W&B's `global.repositoryPrefix` (Docker Hub if none)
REGISTRY = "registry"  # the registry alone; the chart names the path and tags with its version (Azure's ALB
# controller, which puts a mirror's copy under `public/`)

OBJECTS, NAMES, NAME = "objects", "names", "name"  # a pull-secret list of {name: …}, of names, or one name
DOCKER_HUB = "docker.io"
KAFKA_VERSION = "4.3.1"  # Strimzi's Kafka image carries it


@dataclass(frozen=True)
class Pin:
    """One image of a chart: its values path, the image, the chart's spelling, and the values path that turns it
    on (`on`: its default, or whether it runs at all where nothing turns it on)."""

    path: str
    image: Image
    style: str = SPLIT
    when: str = ""
    on: bool = True
    follows: str = ""  # a version given at install (`image_values`'s `tags`) that replaces the pinned tag


@dataclass(frozen=True)
class ChartImages:
    version: str
    pins: tuple[Pin, ...]
    pull_secrets: tuple[tuple[str, str], ...] = ()  # values paths of its pull-secret lists, and their form
    fixed: Mapping[str, Any] = field(default_factory=dict)  # keeps test pods and `latest` images out
    hosts: tuple[str, ...] = ()  # values paths taking the registry alone (set only for a mirror)


def _img(ref: str) -> Image:
    registry, rest = ref.split("/", 1)
    repository, tag = rest.rsplit(":", 1)
    return Image(registry, repository, tag)


SERVER, CONSOLE = "server", "console"  # W&B's server images share one tag; the console has its own
VAULT = _img("docker.io/hashicorp/vault:2.0.4")  # the chart's server, and the snapshot Job's client

CHARTS: dict[str, ChartImages] = {
    "kube-prometheus-stack": ChartImages(
        "88.5.3",
        (
            Pin("prometheusOperator.image", _img("quay.io/prometheus-operator/prometheus-operator:v0.93.1")),
            Pin(
                "prometheusOperator.prometheusConfigReloader.image",
                _img("quay.io/prometheus-operator/prometheus-config-reloader:v0.93.1"),
            ),
            # an argument of the operator's; pulled only for a Thanos sidecar, which the platform never asks for
            Pin("prometheusOperator.thanosImage", _img("quay.io/thanos/thanos:v0.42.4"), on=False),
            Pin(
                "prometheusOperator.admissionWebhooks.patch.image",
                _img("ghcr.io/jkroepke/kube-webhook-certgen:1.8.7"),
                when="prometheusOperator.admissionWebhooks.patch.enabled",
            ),
            Pin(
                "alertmanager.alertmanagerSpec.image",
                _img("quay.io/prometheus/alertmanager:v0.34.0"),
                when="alertmanager.enabled",
            ),
            Pin("prometheus.prometheusSpec.image", _img("quay.io/prometheus/prometheus:v3.14.0-distroless")),
            Pin("grafana.image", _img("docker.io/grafana/grafana:13.2.0"), when="grafana.enabled"),
            Pin("grafana.sidecar.image", _img("quay.io/kiwigrid/k8s-sidecar:2.10.1"), when="grafana.enabled"),
            Pin(
                "kube-state-metrics.image",
                _img("registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.20.0"),
                when="kubeStateMetrics.enabled",
            ),
        ),
        pull_secrets=(("global.imagePullSecrets", OBJECTS),),
    ),
    "prometheus-blackbox-exporter": ChartImages(
        "11.17.2",
        (Pin("image", _img("quay.io/prometheus/blackbox-exporter:v0.28.0")),),
        pull_secrets=(("image.pullSecrets", NAMES),),
    ),
    "prometheus-stackdriver-exporter": ChartImages(
        "4.13.0",
        (Pin("image", _img("docker.io/prometheuscommunity/stackdriver-exporter:v0.19.0"), JOINED),),
        pull_secrets=(("image.pullSecrets", NAMES),),
    ),
    "prometheus-yet-another-cloudwatch-exporter": ChartImages(
        "0.47.0",
        (Pin("image", _img("quay.io/prometheuscommunity/yet-another-cloudwatch-exporter:v0.67.0")),),
        pull_secrets=(("imagePullSecrets", OBJECTS),),
        fixed={"testConnection": False},  # its `helm test` pod runs busybox:latest from Docker Hub
    ),
    "azure-metrics-exporter": ChartImages(
        "1.2.11",
        (Pin("image", _img("docker.io/webdevops/azure-metrics-exporter:25.12.0")),),
        pull_secrets=(("imagePullSecrets", OBJECTS),),
    ),
    "strimzi-kafka-operator": ChartImages(
        "1.2.0",
        (
            Pin("image", _img("quay.io/strimzi/operator:1.2.0"), STRIMZI),
            Pin("kafka.image", _img(f"quay.io/strimzi/kafka:1.2.0-kafka-{KAFKA_VERSION}"), STRIMZI_KAFKA),
            Pin("kafkaExporter.image", _img(f"quay.io/strimzi/kafka:1.2.0-kafka-{KAFKA_VERSION}"), STRIMZI_KAFKA),
            Pin("topicOperator.image", _img("quay.io/strimzi/operator:1.2.0"), STRIMZI),
        ),
        # the operator names the Secret on every pod it runs (STRIMZI_IMAGE_PULL_SECRETS)
        pull_secrets=(("image.imagePullSecrets", OBJECTS),),
        hosts=("defaultImageRegistry",),  # the operands the platform does not run follow it too
    ),
    "altinity-clickhouse-operator": ChartImages(
        "0.25.6",
        (
            Pin("operator.image", _img("docker.io/altinity/clickhouse-operator:0.25.6"), JOINED),
            Pin("metrics.image", _img("docker.io/altinity/metrics-exporter:0.25.6"), JOINED, when="metrics.enabled"),
        ),
        pull_secrets=(("imagePullSecrets", OBJECTS),),
        # its CRD hook runs bitnami/kubectl:latest under a service account no pull Secret reaches; the chart's
        # crds/ installs the CRDs, and an upgrade of the operator applies new ones (docs/operations.md)
        fixed={"crdHook": {"enabled": False}},
    ),
    "vault": ChartImages(
        "0.34.1",
        (Pin("server.image", VAULT, JOINED),),
        pull_secrets=(("global.imagePullSecrets", OBJECTS),),
    ),
    "vault-secrets-operator": ChartImages(
        "1.4.1",
        (
            Pin("controller.manager.image", _img("docker.io/hashicorp/vault-secrets-operator:1.4.1"), JOINED),
            Pin("controller.kubeRbacProxy.image", _img("quay.io/brancz/kube-rbac-proxy:v0.18.1"), JOINED),
        ),
        pull_secrets=(("controller.imagePullSecrets", OBJECTS),),
        fixed={"tests": {"enabled": False}},  # its `helm test` pod takes the manager's image untagged
    ),
    "seaweedfs": ChartImages(
        "4.44.0",
        # the all-in-one server and the bucket Job take the master's image
        (Pin("master.imageOverride", _img("docker.io/chrislusf/seaweedfs:4.44"), REF),),
        pull_secrets=(("global.imagePullSecrets", NAME),),
    ),
    "aws-load-balancer-controller": ChartImages(
        "3.5.0",
        (Pin("image", _img("public.ecr.aws/eks/aws-load-balancer-controller:v3.5.0"), JOINED),),
        pull_secrets=(("imagePullSecrets", OBJECTS),),
    ),
    "cluster-autoscaler": ChartImages(
        "9.59.0",
        (Pin("image", _img("registry.k8s.io/autoscaling/cluster-autoscaler:v1.35.2"), JOINED, follows="kubernetes"),),
        pull_secrets=(("image.pullSecrets", NAMES),),
    ),
    "alb-controller": ChartImages(  # Application Gateway for Containers' controller, its CRDs and bootstrap
        "1.13.0",
        tuple(
            Pin(
                "albController.image.registry", _img(f"mcr.microsoft.com/application-lb/images/{name}:1.13.0"), REGISTRY
            )
            for name in ("alb-controller", "alb-controller-crds", "alb-controller-bootstrap")
        ),
        pull_secrets=(("albController.imagePullSecrets", OBJECTS),),
    ),
    "cert-manager": ChartImages(
        "v1.21.1",
        tuple(
            Pin(path, _img(f"quay.io/jetstack/cert-manager-{name}:v1.21.1"), JOINED)
            for path, name in (
                ("image", "controller"),
                ("webhook.image", "webhook"),
                ("cainjector.image", "cainjector"),
                ("acmesolver.image", "acmesolver"),  # an argument of the controller's: its HTTP-01 solver pods
                ("startupapicheck.image", "startupapicheck"),
            )
        ),
        pull_secrets=(("global.imagePullSecrets", OBJECTS),),
    ),
    "operator": ChartImages(  # W&B's operator
        "1.4.8",
        (Pin("image", _img("docker.io/wandb/controller:1.22.0"), JOINED, follows="controller"),),
        pull_secrets=(("image.pullSecrets", NAMES),),
    ),
    "operator-wandb": ChartImages(  # W&B itself, through the custom resource's values
        "0.43.8",
        tuple(
            Pin(f"{path}.image", _img(f"docker.io/{image}"), PREFIXED, when, on, follows)
            for path, image, follows, when, on in (
                ("app", "wandb/local:0.83.0", SERVER, "app.install", True),
                ("console", "wandb/console:2.18.12", CONSOLE, "console.install", True),
                ("api", "wandb/megabinary:0.83.0", SERVER, "global.api.enabled", False),
                ("executor", "wandb/megabinary:0.83.0", SERVER, "executor.install", False),
                ("filemeta", "wandb/megabinary:0.83.0", SERVER, "filemeta.install", False),
                ("filestream", "wandb/megabinary:0.83.0", SERVER, "filestream.install", False),
                (
                    "flat-run-fields-updater",
                    "wandb/megabinary:0.83.0",
                    SERVER,
                    "flat-run-fields-updater.install",
                    False,
                ),
                ("glue", "wandb/megabinary:0.83.0", SERVER, "global.glue.enabled", False),
                ("parquet", "wandb/megabinary:0.83.0", SERVER, "parquet.install", True),
                ("settingsMigrationJob", "wandb/megabinary:0.83.0", SERVER, "settingsMigrationJob.install", False),
                (  # its container names an image of its own
                    "settingsMigrationJob.jobs.smj.containers.smj",
                    "wandb/megabinary:0.83.0",
                    SERVER,
                    "settingsMigrationJob.install",
                    False,
                ),
                ("clickhouseMigrationJob", "wandb/megabinary:0.83.0", SERVER, "clickhouseMigrationJob.install", False),
                ("metric-observer", "wandb/megabinary:0.83.0", SERVER, "metric-observer.install", False),
                ("history-updater", "wandb/megabinary:0.83.0", SERVER, "history-updater.install", False),
                ("parquet-metadata-cache", "wandb/megabinary:0.83.0", SERVER, "parquet-metadata-cache.install", False),
                ("internalSignerPreHook", "wandb/megabinary:0.83.0", SERVER, "global.localService.bypass", False),
                ("anaconda2", "wandb/anaconda2:0.83.0", SERVER, "anaconda2.install", False),
                ("mcp-server", "wandb/mcp-server:0.3.5", "", "mcp-server.install", False),
                ("frontend", "wandb/frontend-nginx:0.83.0", SERVER, "frontend.install", False),
                ("weave", "wandb/weave-python:0.83.0", SERVER, "weave.install", True),
                ("weave-trace", "wandb/weave-trace:0.83.0", SERVER, "weave-trace.install", False),
                ("weave-trace-worker", "wandb/weave-trace:0.83.0", SERVER, "weave-trace-worker.install", False),
                (
                    "weave-evaluate-model-worker",
                    "wandb/weave-trace:0.83.0",
                    SERVER,
                    "weave-evaluate-model-worker.install",
                    False,
                ),
                (
                    "weave-trace-agent-scoring-worker",
                    "wandb/weave-trace:0.83.0",
                    SERVER,
                    "weave-trace-agent-scoring-worker.install",
                    False,
                ),
                ("appRenamePreHook", "alpine/k8s:1.31.12", "", "appRenamePreHook.install", True),
                ("appRenamePostHook", "alpine/k8s:1.31.12", "", "appRenamePostHook.install", True),
                ("nginx", "nginxinc/nginx-unprivileged:1.28.0", "", "nginx.install", False),  # the chart's: latest
                ("mysql", "library/mysql:8.4", "mysql", "mysql.install", False),
            )
        )
        + (
            Pin("redis.image", _img("docker.io/bitnamilegacy/redis:7.2.4-debian-12-r9"), SPLIT, "redis.install"),
            Pin(
                "reloader.reloader.deployment.image",
                _img("ghcr.io/stakater/reloader:v1.3.0"),
                NAMED,
                "reloader.install",
                False,
            ),
        ),
        pull_secrets=(("global.imagePullSecrets", OBJECTS),),
        hosts=("global.repositoryPrefix",),
    ),
}


def encode(image: Image, style: str) -> Any:
    """The image as the chart's values spell it."""
    if style == REGISTRY:
        return image.registry
    if style == SPLIT:
        return {"registry": image.registry, "repository": image.repository, "tag": image.tag}
    if style == JOINED:
        return {"repository": f"{image.registry}/{image.repository}", "tag": image.tag}
    if style == REF:
        return image.ref
    if style == NAMED:
        return {"name": f"{image.registry}/{image.repository}", "tag": image.tag}
    if style == PREFIXED:
        return {"repository": image.repository, "tag": image.tag}
    folder, name = image.repository.rsplit("/", 1)
    spelled = {"registry": image.registry, "repository": folder, "name": name}
    if style == STRIMZI_KAFKA:
        return {**spelled, "tagPrefix": image.tag.split("-kafka-")[0]}
    return {**spelled, "tag": image.tag}


def decode(value: Any, pin: Pin, values: Mapping[str, Any]) -> Image:
    """What `encode` wrote, back as an image."""
    style = pin.style
    if style == REGISTRY:
        mirrored = "" if value == pin.image.registry else "public/"
        return Image(value, f"{mirrored}{pin.image.repository}", pin.image.tag)
    if style == REF:
        return _img(value)
    if style == SPLIT:
        return Image(value["registry"], value["repository"], value["tag"])
    if style == JOINED:
        return _img(f"{value['repository']}:{value['tag']}")
    if style == NAMED:
        return _img(f"{value['name']}:{value['tag']}")
    if style == PREFIXED:
        return Image(_at(values, "global.repositoryPrefix") or DOCKER_HUB, value["repository"], value["tag"])
    tag = f"{value['tagPrefix']}-kafka-{KAFKA_VERSION}" if style == STRIMZI_KAFKA else value["tag"]
    return Image(value["registry"], f"{value['repository']}/{value['name']}", tag)


def _at(values: Mapping[str, Any], path: str) -> Any:
    node: Any = values
    for key in path.split("."):
        if not isinstance(node, Mapping) or key not in node:
            return None
        node = node[key]
    return node


def _nest(path: str, value: Any) -> dict[str, Any]:
    for key in reversed(path.split(".")):
        value = {key: value}
    return value


def _merge(base: dict[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    for key, value in extra.items():
        if isinstance(value, Mapping) and isinstance(base.get(key), dict):
            _merge(base[key], value)
        else:
            base[key] = dict(value) if isinstance(value, Mapping) else value
    return base


def image_values(chart: str, version: str, registry: Registry, tags: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The values that pin every image of `chart` at `version` (where the mirror says) and name the pull
    Secret; `tags` gives the tag of each pin that follows a version chosen at install. Empty for a chart or a
    version the catalogue does not know."""
    known = CHARTS.get(chart)
    if known is None or known.version != version:
        return {}
    values: dict[str, Any] = _merge({}, known.fixed)
    for pin in known.pins:
        tag = (tags or {}).get(pin.follows, pin.image.tag)
        image = registry.place(Image(pin.image.registry, pin.image.repository, tag))
        if pin.style == PREFIXED:
            image = Image("", image.repository, image.tag)  # the prefix (`hosts`) places it
        _merge(values, _nest(pin.path, encode(image, pin.style)))
    for path in known.hosts if registry.host else ():
        _merge(values, _nest(path, registry.host))
    for path, form in known.pull_secrets if registry.pull_secrets else ():
        name = registry.pull_secrets[0]["name"]
        _merge(values, _nest(path, {OBJECTS: [{"name": name}], NAMES: [name], NAME: name}[form]))
    return values


def chart_images(chart: str, version: str, values: Mapping[str, Any]) -> list[Image] | str:
    """The images a release of `chart` at `version` runs with `values`; or why they are not known."""
    known = CHARTS.get(chart)
    if known is None:
        return f"chart {chart} is not in the image catalogue"
    if known.version != version:
        return f"chart {chart} {version}: the catalogue pins {known.version}'s images"
    images = []
    for pin in known.pins:
        state = _at(values, pin.when) if pin.when else None
        if not (pin.on if state is None else state):
            continue
        value = _at(values, pin.path)
        if value is None:
            return f"chart {chart}: no image pinned at {pin.path}"
        images.append(decode(value, pin, values))
    return images
