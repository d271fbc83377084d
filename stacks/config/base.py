"""What every config module shares: the project's key namespace, the error type and the section base."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict
from pydantic.alias_generators import to_camel

from components.platform.validation import kubernetes_version_problem

PROJECT = "wandb-platform"
TARGETS = ("gcp", "aws", "azure", "existing")
CLOUD_TARGETS = ("gcp", "aws", "azure")  # the targets that can create managed datastores
CLICKHOUSE_CLOUD_TARGETS = ("gcp", "aws")  # where ClickHouse Cloud is reached through a private endpoint
VAULT_SEAL_TARGETS = ("gcp", "aws")  # where an in-cluster Vault auto-unseals with the cloud's KMS
DNS_LABEL = r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$"


class ConfigError(Exception):
    """An invalid stack configuration: one line per problem, each naming the key."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("invalid configuration:\n" + "\n".join(f"  - {p}" for p in problems))


class Section(BaseModel):
    """A structured config value: camelCase keys, unknown keys rejected."""

    model_config = ConfigDict(extra="forbid", alias_generator=to_camel, populate_by_name=True, frozen=True)


def _not_the_internet(v: ipaddress.IPv4Network) -> ipaddress.IPv4Network:
    if v.prefixlen == 0:
        raise ValueError("0.0.0.0/0 would open the control plane to the internet; give narrower CIDRs")
    return v


ControlPlaneCidr = Annotated[ipaddress.IPv4Network, AfterValidator(_not_the_internet)]


def checked(problem: Callable[..., str | None]) -> Callable[..., Any]:
    """A pydantic validator from one of the platform's shared checks (components.platform.validation)."""

    def validate(value: Any) -> Any:
        found = problem(value)
        if found:
            raise ValueError(found)
        return value

    return validate


def raise_if(problem: str | None) -> None:
    """For model validators: a shared check's problem, raised the way pydantic reports it."""
    if problem:
        raise ValueError(problem)


KubernetesVersion = Annotated[str, AfterValidator(checked(kubernetes_version_problem))]
