"""Typed, validated stack configuration built from a stack's Pulumi config.

Every key lives in the project's namespace (`wandb-platform:<key>`), except the GCP provider's own
`gcp:project` and `gcp:region`. `load_config` reports every problem at once, each naming its key and what is
allowed, and raises `ConfigError` before any resource is registered. Secrets are `SecretStr`, so neither a
repr nor an error message can show them.
"""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Mapping
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic.alias_generators import to_camel

from stacks.sizes import GcpSize, Size, resolve_gcp_size

PROJECT = "wandb-platform"
TARGETS = ("gcp",)  # aws, azure and existing follow; the config's shape already admits per-target sections
DNS_LABEL = r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$"
GCP_LABEL_KEY = r"^[a-z][a-z0-9_-]{0,62}$"
GCP_LABEL_VALUE = r"^[a-z0-9_-]{0,63}$"


class ConfigError(Exception):
    """An invalid stack configuration: one line per problem, each naming the key."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("invalid configuration:\n" + "\n".join(f"  - {p}" for p in problems))


class _Section(BaseModel):
    """A structured config value: camelCase keys, unknown keys rejected."""

    model_config = ConfigDict(extra="forbid", alias_generator=to_camel, populate_by_name=True, frozen=True)


class MysqlConfig(_Section):
    mode: Literal["managed", "in-cluster", "external"] = "managed"
    host: str = ""
    port: int = Field(3306, ge=1, le=65535)
    database: str = "wandb_local"
    user: str = "wandb"
    password: SecretStr | None = None
    backup_retention_days: int = Field(7, ge=1, le=365)

    @model_validator(mode="after")
    def _endpoint_only_when_external(self):
        _check_external(self.mode, host=self.host, password=self.password)
        return self


class RedisConfig(_Section):
    mode: Literal["managed", "in-cluster", "external"] = "managed"
    host: str = ""
    port: int = Field(6379, ge=1, le=65535)
    password: SecretStr | None = None
    tls: bool = True
    ca_cert: str = ""

    @model_validator(mode="after")
    def _endpoint_only_when_external(self):
        _check_external(self.mode, host=self.host)
        if self.mode != "external" and self.password:
            raise ValueError("password is only for mode 'external'")
        return self


class BucketConfig(_Section):
    mode: Literal["managed", "external"] = "managed"
    provider: Literal["gcs", "s3", "az"] = "gcs"
    name: str = ""
    region: str = ""
    path: str = ""
    kms_key: str = ""
    noncurrent_version_days: int = Field(30, ge=1, le=3650)

    @model_validator(mode="after")
    def _name_only_when_external(self):
        _check_external(self.mode, name=self.name)
        return self


def _check_external(mode: str, **endpoint: Any) -> None:
    """External datastores need their endpoint; the others must not be given one."""
    if mode == "external":
        missing = [k for k, v in endpoint.items() if not v]
        if missing:
            raise ValueError(f"mode 'external' needs {', '.join(missing)}")
    else:
        given = [k for k, v in endpoint.items() if v]
        if given:
            raise ValueError(f"{', '.join(given)} only apply to mode 'external' (mode is '{mode}')")


class OperatorConfig(_Section):
    chart_version: str = "1.4.8"
    image_tag: str = "1.22.0"  # the controller image; the chart's own default is `latest`
    wandb_chart_version: str = ""  # pin of the operator-wandb chart the operator renders; "" = its default


class IngressConfig(_Section):
    tls: bool = True
    static_ip_name: str = ""  # an existing reserved global address; "" = create one
    annotations: dict[str, str] = {}


class OidcConfig(_Section):
    client_id: str = Field(min_length=1)
    issuer: str
    auth_method: Literal["implicit", "pkce"] = "implicit"
    secret: SecretStr | None = None

    @field_validator("issuer")
    @classmethod
    def _issuer_is_https(cls, v: str) -> str:
        if urlsplit(v).scheme != "https" or not urlsplit(v).netloc:
            raise ValueError("must be an https:// URL")
        return v


class AuthorizedNetwork(_Section):
    cidr: ipaddress.IPv4Network
    name: str = ""

    @field_validator("cidr")
    @classmethod
    def _not_the_internet(cls, v: ipaddress.IPv4Network) -> ipaddress.IPv4Network:
        if v.prefixlen == 0:
            raise ValueError("0.0.0.0/0 would open the control plane to the internet; give narrower CIDRs")
        return v


class GcpConfig(_Section):
    subnet_cidr: ipaddress.IPv4Network = ipaddress.IPv4Network("10.10.0.0/20")
    pods_cidr: ipaddress.IPv4Network = ipaddress.IPv4Network("10.16.0.0/14")
    services_cidr: ipaddress.IPv4Network = ipaddress.IPv4Network("10.20.0.0/20")
    master_cidr: ipaddress.IPv4Network = ipaddress.IPv4Network("172.16.0.32/28")
    private_services_prefix_length: int = Field(16, ge=8, le=24)
    authorized_networks: list[AuthorizedNetwork] = []
    private_endpoint: bool = False
    release_channel: Literal["RAPID", "REGULAR", "STABLE", "EXTENDED"] = "REGULAR"
    rbac_security_group: str = Field("", pattern=r"^(gke-security-groups@[A-Za-z0-9.-]+)?$")
    kms_rotation_days: int = Field(90, ge=1, le=36500)
    enable_apis: bool = True

    @field_validator("master_cidr")
    @classmethod
    def _master_is_slash_28(cls, v: ipaddress.IPv4Network) -> ipaddress.IPv4Network:
        if v.prefixlen != 28:
            raise ValueError("GKE needs a /28 for the control plane")
        return v

    @model_validator(mode="after")
    def _ranges_do_not_overlap(self):
        ranges = {
            "subnetCidr": self.subnet_cidr,
            "podsCidr": self.pods_cidr,
            "servicesCidr": self.services_cidr,
            "masterCidr": self.master_cidr,
        }
        names = list(ranges)
        for i, a in enumerate(names):
            for b in names[i + 1 :]:
                if ranges[a].overlaps(ranges[b]):
                    raise ValueError(f"{a} {ranges[a]} overlaps {b} {ranges[b]}")
        return self


class GcpSizeOverrides(_Section):
    node_machine_type: str | None = None
    node_min_count: int | None = Field(None, ge=1, le=1000)
    node_max_count: int | None = Field(None, ge=1, le=1000)
    node_disk_gb: int | None = Field(None, ge=20, le=65536)
    mysql_tier: str | None = None
    redis_memory_gb: int | None = Field(None, ge=1, le=300)


def _root_alias(field: str) -> str:
    return {"project": "gcp:project", "region": "gcp:region"}.get(field, f"{PROJECT}:{to_camel(field)}")


class PlatformConfig(BaseModel):
    """The whole stack: one field per config key. See the README's config reference."""

    model_config = ConfigDict(extra="forbid", alias_generator=_root_alias, populate_by_name=True, frozen=True)

    target: Literal[TARGETS] = "gcp"  # type: ignore[valid-type]
    environment: Literal["dev", "prod"] = "prod"
    size: Size = "small"
    size_overrides: GcpSizeOverrides = GcpSizeOverrides()
    host: str
    license: SecretStr
    namespace: str = Field("wandb", pattern=DNS_LABEL)
    instance_name: str = Field("wandb", pattern=DNS_LABEL, max_length=40)
    deletion_protection: bool | None = None
    high_availability: bool | None = None
    labels: dict[str, str] = {}
    mysql: MysqlConfig = MysqlConfig()
    redis: RedisConfig = RedisConfig()
    bucket: BucketConfig = BucketConfig()
    operator: OperatorConfig = OperatorConfig()
    ingress: IngressConfig = IngressConfig()
    oidc: OidcConfig | None = None
    values: dict[str, Any] = {}
    gcp: GcpConfig = GcpConfig()
    project: str | None = Field(None, pattern=r"^[a-z][-a-z0-9]{4,28}[a-z0-9]$")
    region: str = Field("us-central1", pattern=r"^[a-z]+-[a-z]+[0-9]+$")

    @field_validator("host")
    @classmethod
    def _host_is_a_url(cls, v: str) -> str:
        parts = urlsplit(v)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("must be a URL with scheme, e.g. https://wandb.example.com")
        if parts.path.strip("/") or parts.query or parts.fragment:
            raise ValueError("must be scheme and host only, with no path or query")
        return f"{parts.scheme}://{parts.netloc}"

    @field_validator("labels")
    @classmethod
    def _labels_fit_gcp(cls, v: dict[str, str]) -> dict[str, str]:
        bad = [k for k, val in v.items() if not re.match(GCP_LABEL_KEY, k) or not re.match(GCP_LABEL_VALUE, val)]
        if bad:
            raise ValueError(
                f"labels {bad} must be lowercase letters, digits, '_' or '-' (keys start with a letter; 63 chars max)"
            )
        return v

    @model_validator(mode="after")
    def _node_range_is_ordered(self):
        size = self.gcp_size
        if size.node_min_count > size.node_max_count:
            raise ValueError(
                f"{PROJECT}:sizeOverrides: nodeMinCount {size.node_min_count} "
                f"exceeds nodeMaxCount {size.node_max_count}"
            )
        return self

    @property
    def protect(self) -> bool:
        """Deletion protection and `protect` on stateful resources: on in prod unless turned off."""
        return self.environment == "prod" if self.deletion_protection is None else self.deletion_protection

    @property
    def ha(self) -> bool:
        """Regional Cloud SQL, STANDARD_HA Memorystore: on in prod unless turned off."""
        return self.environment == "prod" if self.high_availability is None else self.high_availability

    @property
    def gcp_size(self) -> GcpSize:
        return resolve_gcp_size(self.size, self.size_overrides.model_dump(exclude_none=True))

    @property
    def host_name(self) -> str:
        return urlsplit(self.host).hostname or ""

    @property
    def resource_labels(self) -> dict[str, str]:
        """Labels put on every cloud resource that takes them; the stack's own labels win."""
        return {"app": "wandb", "managed-by": "pulumi", "environment": self.environment, **self.labels}


def _decode(value: Any) -> Any:
    """Pulumi hands structured config values over as JSON text."""
    if isinstance(value, str) and value[:1] in ("{", "["):
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return value
    return value


def _key(loc: tuple) -> str:
    head, *rest = loc
    return str(head) + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in rest)


SECRET_WORDS = ("license", "password", "secret")


def _problem(err: dict) -> str:
    if not err["loc"]:  # a check across keys: its message names them
        return err["msg"].removeprefix("Value error, ")
    key = _key(err["loc"])
    if err["type"] == "extra_forbidden":
        return f"{key}: unknown key"
    if err["type"] == "missing":
        return f"{key}: required, not set"
    msg = err["msg"].removeprefix("Value error, ")
    value = err.get("input")
    secret = any(w in key.lower() for w in SECRET_WORDS)
    if not secret and isinstance(value, (str, int, float)) and not isinstance(value, bool):
        msg += f" (got {value!r})"
    return f"{key}: {msg}"


def _cross_checks(raw: Mapping[str, Any]) -> list[str]:
    """Checks across keys, run on the raw values so they are reported beside the per-key errors."""
    problems = []
    target = raw.get(f"{PROJECT}:target", "gcp")
    if target == "gcp" and not raw.get("gcp:project"):
        problems.append("gcp:project: required for target 'gcp' (pulumi config set gcp:project <project-id>)")
    ingress = raw.get(f"{PROJECT}:ingress") or {}
    tls = ingress.get("tls", True) if isinstance(ingress, dict) else True
    host = raw.get(f"{PROJECT}:host")
    if tls not in (False, "false") and isinstance(host, str) and host.startswith("http://"):
        problems.append(f"{PROJECT}:host: must start with https:// while {PROJECT}:ingress.tls is on")
    bucket = raw.get(f"{PROJECT}:bucket") or {}
    if target == "gcp" and isinstance(bucket, dict) and bucket.get("provider", "gcs") != "gcs":
        problems.append(f"{PROJECT}:bucket.provider: target 'gcp' uses workload identity, so only 'gcs' is allowed")
    return problems


def load_config(raw: Mapping[str, Any]) -> PlatformConfig:
    """Validate a stack's config (full `namespace:key` names to raw values) into a PlatformConfig."""
    ours = {k: _decode(v) for k, v in raw.items() if k.startswith(f"{PROJECT}:") or k in ("gcp:project", "gcp:region")}
    problems: list[str] = []
    config = None
    try:
        config = PlatformConfig.model_validate(ours)
    except ValidationError as exc:
        problems += [_problem(e) for e in exc.errors()]
    problems += [p for p in _cross_checks(ours) if p not in problems]
    if problems:
        raise ConfigError(sorted(dict.fromkeys(problems)))
    assert config is not None
    return config


def pulumi_config() -> dict[str, Any]:
    """Every config value of the running Pulumi program, by full key."""
    from pulumi.runtime import config as runtime_config

    return {**runtime_config.get_config_env(), **runtime_config.CONFIG.get()}
