"""The mock harness shared by every test: run the program (or any components) under Pulumi's mocks and
record each registered resource: type, name, parent, provider, dependencies, protect, inputs and outputs.
The recorder itself lives in stacks/offline.py, because the offline plan uses the very same one."""

from __future__ import annotations

import functools
import subprocess
import sys
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from components.contracts import BucketInfo, IngressSettings, MysqlEndpoint, RedisEndpoint, WorkloadIdentity
from components.k8s.wandb_values import ValuesInput
from stacks.config import credential_keys
from stacks.offline import REDACTED, ROOT, Registered, Run, record, run_program
from stacks.plan import plan, stack_config

STACK_FILES = sorted(p.name[len("Pulumi.") : -len(".yaml")] for p in ROOT.glob("Pulumi.*.yaml"))
LICENSE = "test-license-value-0123456789"


@functools.cache
def planned(stack: str) -> Run:
    """Each committed stack file, run once per test session."""
    return plan(stack, stack_config(stack))


def run_config(config: Mapping[str, Any], stack: str = "test") -> Run:
    """The whole program for an ad-hoc config (full `namespace:key` names); every key that holds a credential
    is secret, as `pulumi config set --secret` leaves it."""
    config = {"wandb-platform:license": LICENSE, **config}
    return run_program(stack, config, tuple({key for key, _ in credential_keys() if key in config}))


def run_components(build: Callable[[], Mapping[str, Any] | None]) -> Run:
    """Components built by `build` (outside the program), recorded the same way."""
    return record("components", {}, build)


def base_gcp_config(**overrides: Any) -> dict[str, Any]:
    return {
        "gcp:project": "test-project-1",
        "wandb-platform:host": "https://wandb.test.example.com",
        **{f"wandb-platform:{k}": v for k, v in overrides.items()},
    }


def plan_stack_file(directory: Path, stack: str, text: str) -> subprocess.CompletedProcess:
    """`python -m stacks.plan` on a stack file written to `directory`, as a user would run it."""
    (directory / f"Pulumi.{stack}.yaml").write_text(text)
    return subprocess.run(
        [sys.executable, "-m", "stacks.plan", "--stack", stack, "--dir", str(directory)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def base_aws_config(**overrides: Any) -> dict[str, Any]:
    return {
        "aws:region": "eu-west-1",
        "wandb-platform:target": "aws",
        "wandb-platform:host": "https://wandb.test.example.com",
        "wandb-platform:aws": {"certificateArn": TEST_CERTIFICATE_ARN},
        **{f"wandb-platform:{k}": v for k, v in overrides.items()},
    }


TEST_CERTIFICATE_ARN = "arn:aws:acm:eu-west-1:123456789012:certificate/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b"


def primary(run, typ: str):
    """The one resource of `typ` in the platform's own region (the second region's copy is named `*-dr-*`)."""
    (found,) = [r for r in run.of_type(typ) if "-dr-" not in r.name]
    return found


def dig(value: Any, *path: str | int) -> Any:
    """value[path[0]][path[1]]..., None where a step is missing."""
    for step in path:
        if isinstance(value, Mapping):
            value = value.get(step)
        elif isinstance(value, list) and isinstance(step, int) and step < len(value):
            value = value[step]
        else:
            return None
    return value


def leaves(value: Any) -> Iterator[Any]:
    if isinstance(value, Mapping):
        for v in value.values():
            yield from leaves(v)
    elif isinstance(value, list):
        for v in value:
            yield from leaves(v)
    else:
        yield value


def values_input(**overrides: Any) -> ValuesInput:
    """A GCP-like W&B values input; tests override what they are about."""
    base = dict(
        host="https://wandb.example.com",
        instance_name="wandb",
        namespace="wandb",
        size="large",
        cloud_provider="gcp",
        mysql=MysqlEndpoint(host="10.0.0.3", password="mysql-pass-1234"),
        redis=RedisEndpoint(host="10.0.0.4", port=6378, password="redis-auth-5678", ca_cert="PEM"),
        bucket=BucketInfo("gcs", "bucket-1", "us-central1", "projects/p/keys/k"),
        identity=WorkloadIdentity({"iam.gke.io/gcp-service-account": "wandb@p.iam.gserviceaccount.com"}),
        ingress=IngressSettings("", {"kubernetes.io/ingress.class": "gce"}),
    )
    return ValuesInput(**{**base, **overrides})


def wandb_cr(run: Run) -> Registered:
    return run.one("kubernetes:apps.wandb.com/v1:WeightsAndBiases")


def stack_role(stack: str) -> str:
    return stack_config(stack).config.get("wandb-platform:stackRole", "all")


def platform_run(run: Run) -> Run:
    """The run that made the platform: the stack itself, or for a `wandb`-role stack the platform it reads."""
    if stack_role(run.stack) != "wandb":
        return run
    return planned(stack_config(run.stack).config["wandb-platform:vault"]["platformStack"].rsplit("/", 1)[-1])


def wandb_values_of(run: Run) -> dict:
    """W&B's values: in its resource, or (a `platform`-role stack) in what it hands the `wandb` stack."""
    crs = run.of_type("kubernetes:apps.wandb.com/v1:WeightsAndBiases")
    return crs[0].plain_inputs["spec"]["values"] if crs else run.referenced["outputs"]["wandbValues"]


@pytest.fixture(params=STACK_FILES)
def stack_run(request) -> Run:
    return planned(request.param)


__all__ = [
    "REDACTED",
    "Path",
    "planned",
    "run_config",
    "run_components",
    "base_gcp_config",
    "base_aws_config",
    "dig",
    "leaves",
    "wandb_cr",
]
