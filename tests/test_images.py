"""Every image pinned and listed (`--images`), and one mirror key moving every image, chart and pull login."""

from __future__ import annotations

import json
import re

import pytest

from components.k8s.image_catalogue import CHARTS, chart_images, image_values
from components.k8s.images import PULL_SECRET, Registry
from stacks.config import ConfigError, load_config
from stacks.images import images
from stacks.plan import main, stack_config
from tests.conftest import STACK_FILES, base_aws_config, leaves, planned, run_config, wandb_cr

MIRROR = "mirror.example.com/wandb"
CHARTS_REPO = "oci://mirror.example.com/charts"
LOGIN = json.dumps({"auths": {"mirror.example.com": {"auth": "dXNlcjpzM2NyZXQtcHVsbC1wYXNz"}}})
UPSTREAM = re.compile(r"\b(docker\.io|quay\.io|ghcr\.io|registry\.k8s\.io|public\.ecr\.aws|mcr\.microsoft\.com)/")
RELEASE = "kubernetes:helm.sh/v3:Release"


@pytest.mark.parametrize("stack", STACK_FILES)
def test_every_image_of_every_committed_stack_is_pinned(stack):
    found = images(planned(stack))
    assert found.problems == []
    for ref in found.images:
        name = ref.rsplit("/", 1)[-1]
        assert ":" in name and not name.endswith(":latest"), ref
        assert UPSTREAM.match(ref), f"{ref}: an image names its registry"


def test_prod_lists_w_and_b_and_every_store_and_operator_it_runs(capsys):
    assert main(["--stack", "prod", "--images"]) == 0
    listed = {line.split()[0] for line in capsys.readouterr().out.splitlines() if line.startswith("  ")}
    assert {
        "docker.io/wandb/local:0.83.0",
        "docker.io/wandb/megabinary:0.83.0",
        "docker.io/wandb/weave-trace:0.83.0",
        "docker.io/wandb/console:2.18.12",
        "docker.io/wandb/controller:1.22.0",
        "quay.io/strimzi/kafka:1.2.0-kafka-4.3.1",
        "docker.io/altinity/clickhouse-operator:0.25.6",
        "docker.io/clickhouse/clickhouse-server:25.8",
        "docker.io/clickhouse/clickhouse-keeper:25.8",
        "docker.io/altinity/clickhouse-backup:2.8.0",
        "quay.io/prometheus/prometheus:v3.14.0-distroless",
        "docker.io/prometheuscommunity/stackdriver-exporter:v0.19.0",
    } <= listed
    assert len(listed) == len(images(planned("prod")).images) == 25


def test_the_w_and_b_version_is_one_key_for_all_its_server_images():
    values = wandb_cr(run_config({**_prod(), "wandb-platform:operator": {"wandbVersion": "0.84.1"}}))
    values = values.plain_inputs["spec"]["values"]
    assert {values[part]["image"]["tag"] for part in ("app", "api", "parquet", "weave", "weave-trace")} == {"0.84.1"}
    assert values["console"]["image"]["tag"] == "2.18.12"


def _prod(**images) -> dict:
    config = dict(stack_config("prod").config)
    if images:
        config["wandb-platform:images"] = images
    return config


@pytest.fixture(scope="module")
def mirrored():
    return run_config(_prod(registry=MIRROR, pullSecret=LOGIN, chartRepository=CHARTS_REPO))


def test_a_mirror_moves_every_image_of_helm_values_and_manifests(mirrored):
    found = images(mirrored)
    assert found.problems == [] and len(found.images) == 25
    assert all(ref.startswith(f"{MIRROR}/") for ref in found.images)
    upstream = [
        (r.name, leaf)
        for r in mirrored.resources
        for leaf in leaves(r.plain_inputs)
        if isinstance(leaf, str) and UPSTREAM.search(leaf)
    ]
    assert upstream == []  # no upstream registry left anywhere: values, manifests, arguments
    assert dig_values(mirrored, "operator")["airgapped"] is True  # no release channel from a mirror
    assert wandb_cr(mirrored).plain_inputs["spec"]["values"]["global"]["repositoryPrefix"] == MIRROR


def dig_values(run, chart: str) -> dict:
    return next(r for r in run.of_type(RELEASE) if r.plain_inputs["chart"].endswith(f"/{chart}")).plain_inputs["values"]


def test_every_chart_comes_from_the_one_repository(mirrored):
    releases = mirrored.of_type(RELEASE)
    assert len(releases) == 6
    for release in releases:
        assert release.plain_inputs["chart"].startswith(f"{CHARTS_REPO}/")
        assert "repositoryOpts" not in release.plain_inputs
    assert wandb_cr(mirrored).plain_inputs["spec"]["chart"] == {
        "url": f"{CHARTS_REPO}/operator-wandb",
        "name": "operator-wandb",
        "version": "0.43.8",
    }


def test_every_namespace_has_the_login_and_every_pod_and_chart_names_it(mirrored):
    namespaces = {r.plain_inputs["metadata"]["name"] for r in mirrored.of_type("kubernetes:core/v1:Namespace")}
    logins = [
        r for r in mirrored.of_type("kubernetes:core/v1:Secret") if r.plain_inputs["metadata"]["name"] == PULL_SECRET
    ]
    assert {r.plain_inputs["metadata"]["namespace"] for r in logins} == namespaces
    for login in logins:
        assert login.plain_inputs["type"] == "kubernetes.io/dockerconfigjson"
        assert login.plain_inputs["stringData"][".dockerconfigjson"] == LOGIN
        assert login.inputs["stringData"][".dockerconfigjson"] == "[secret]"  # a secret input, never plain
    assert LOGIN in mirrored.secret_values and not any(LOGIN in str(r.inputs) for r in mirrored.resources)
    named = {"name": PULL_SECRET}
    for resource in mirrored.resources:
        for pod in _pod_specs(resource.plain_inputs):
            assert named in pod.get("imagePullSecrets", []), resource.name
    for release in mirrored.of_type(RELEASE):
        chart = release.plain_inputs["chart"].rsplit("/", 1)[-1]
        for path, _ in CHARTS[chart].pull_secrets:
            assert _at(release.plain_inputs["values"], path) in ([named], [PULL_SECRET], PULL_SECRET), (chart, path)
    assert wandb_cr(mirrored).plain_inputs["spec"]["values"]["global"]["imagePullSecrets"] == [named]


def _pod_specs(value):
    if isinstance(value, dict):
        if "containers" in value and isinstance(value["containers"], list):
            yield value
        for inner in value.values():
            yield from _pod_specs(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _pod_specs(inner)


def _at(values: dict, path: str):
    for key in path.split("."):
        values = values[key]
    return values


def test_aws_controllers_in_kube_system_pull_from_the_mirror_with_its_login():
    run = run_config(base_aws_config(images={"registry": MIRROR, "pullSecret": LOGIN}))
    found = images(run)
    assert f"{MIRROR}/autoscaling/cluster-autoscaler:v1.35.2" in found.images
    assert f"{MIRROR}/eks/aws-load-balancer-controller:v3.5.0" in found.images
    logins = {
        r.plain_inputs["metadata"]["namespace"]
        for r in run.of_type("kubernetes:core/v1:Secret")
        if r.plain_inputs["metadata"]["name"] == PULL_SECRET
    }
    assert "kube-system" in logins


def test_a_chart_at_another_version_is_reported_unpinned():
    assert image_values("kube-prometheus-stack", "88.0.0", Registry(MIRROR)) == {}
    assert "the catalogue pins 88.5.3" in chart_images("kube-prometheus-stack", "88.0.0", {})
    run = run_config({**_prod(), "wandb-platform:observability": {"mode": "in-cluster", "chartVersion": "88.0.0"}})
    assert any("kube-prometheus-stack 88.0.0" in p for p in images(run).problems)
    unpinned = run_config({**_prod(), "wandb-platform:operator": {"wandbChartVersion": ""}})
    assert any("operator-wandb is the operator's choice" in p for p in images(unpinned).problems)


def _problems(config: dict) -> str:
    with pytest.raises(ConfigError) as failed:
        load_config(
            {"wandb-platform:host": "https://wandb.example.com", "gcp:project": "test-project-1", **config},
            secret_keys=("wandb-platform:images",),
        )
    return str(failed.value)


def test_bad_mirror_settings_are_named_by_their_keys_without_the_login():
    assert "images.pullSecret" in _problems({"wandb-platform:images": {"pullSecret": LOGIN}})
    assert "registry" in _problems({"wandb-platform:images": {"pullSecret": LOGIN}})
    bad_json = _problems({"wandb-platform:images": {"registry": MIRROR, "pullSecret": "user:s3cret-pull-pass"}})
    assert "Docker config JSON" in bad_json and "s3cret-pull-pass" not in bad_json
    other = json.dumps({"auths": {"other.example.com": {"auth": "eA=="}}})
    assert "no login for mirror.example.com" in _problems(
        {"wandb-platform:images": {"registry": MIRROR, "pullSecret": other}}
    )
    assert "images.registry" in _problems({"wandb-platform:images": {"registry": "https://mirror.example.com"}})
    assert "images.chartRepository" in _problems({"wandb-platform:images": {"chartRepository": "ftp://charts"}})
    versions = _problems(
        {
            "wandb-platform:images": {"registry": MIRROR},
            "wandb-platform:operator": {"wandbChartVersion": ""},
            "wandb-platform:observability": {"chartVersion": "88.0.0"},
        }
    )
    assert "operator.wandbChartVersion: with wandb-platform:images.registry it must be 0.43.8" in versions
    assert "observability.chartVersion: with wandb-platform:images.registry it must be 88.5.3" in versions
    assert "operator.wandbVersion" in _problems({"wandb-platform:operator": {"wandbVersion": "latest"}})
