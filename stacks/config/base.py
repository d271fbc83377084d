"""What every config module shares: the project's key namespace, the error type and the section base."""

from __future__ import annotations

import ipaddress
import re
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict
from pydantic.alias_generators import to_camel

PROJECT = "wandb-platform"
TARGETS = ("gcp", "aws", "existing")
CLOUD_TARGETS = ("gcp", "aws")  # the targets that can create managed datastores
DNS_LABEL = r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$"
MIN_KUBERNETES_MINOR = 34  # W&B supports Kubernetes 1.34 and newer


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


def _supported_kubernetes(v: str) -> str:
    match = re.fullmatch(r"1\.([0-9]{2})", v)
    if not match:
        raise ValueError("must be a Kubernetes minor version such as '1.35' (quoted: unquoted, 1.30 reads as 1.3)")
    if int(match.group(1)) < MIN_KUBERNETES_MINOR:
        raise ValueError(f"W&B supports Kubernetes 1.{MIN_KUBERNETES_MINOR} or newer")
    return v


KubernetesVersion = Annotated[str, AfterValidator(_supported_kubernetes)]
