"""Typed, validated stack configuration built from a stack's Pulumi config.

Every key lives in the project's namespace (`wandb-platform:<key>`), except the providers' own `gcp:project`,
`gcp:region` and `aws:region`. `load_config` reports every problem at once, each naming its key and what is
allowed, and raises `ConfigError` before any resource is registered. Secrets are `SecretStr`, so neither a
repr nor an error message can show them."""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Mapping
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic.alias_generators import to_camel

from stacks.sizes import AwsSize, GcpSize, Size, resolve_size, size_fields

PROJECT = "wandb-platform"
TARGETS = ("gcp", "aws", "existing")
CLOUD_TARGETS = ("gcp", "aws")  # the targets that can create managed datastores
BUCKET_PROVIDER = {"gcp": "gcs", "aws": "s3"}  # the store each cloud's workload identity reaches
BACKUP_DAYS = {"gcp": 7, "aws": 14}  # W&B's own modules' retention (shared/WANDB_CONTRACT.md section 4)
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
    backup_retention_days: int | None = Field(None, ge=1, le=365)  # None = the target's default (BACKUP_DAYS)

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
    mode: Literal["managed", "external", "in-cluster"] = "managed"
    provider: Literal["gcs", "s3", "az"] | None = None  # None = the target's own store (BUCKET_PROVIDER)
    name: str = ""
    region: str = ""
    path: str = ""
    kms_key: str = ""
    endpoint: str = Field("", pattern=r"^([A-Za-z0-9.-]+(:[0-9]{1,5})?)?$")  # S3-compatible host[:port]
    tls: bool = True  # https to `endpoint`
    access_key: SecretStr | None = None  # static credentials, for a cluster without workload identity
    secret_key: SecretStr | None = None
    noncurrent_version_days: int = Field(30, ge=1, le=3650)
    storage_gb: int = Field(20, ge=1, le=10000)  # the in-cluster store's volume

    @model_validator(mode="after")
    def _name_only_when_external(self):
        _check_external(self.mode, name=self.name)
        if self.mode != "external" and (self.endpoint or self.access_key or self.secret_key):
            raise ValueError(f"endpoint, accessKey and secretKey only apply to mode 'external' (mode is '{self.mode}')")
        self._keys_fit_the_provider()
        return self

    def _keys_fit_the_provider(self) -> None:
        """What the chart can pass on: S3 a key pair, Azure an account key, GCS none at all."""
        if self.endpoint and self.provider not in (None, "s3"):
            raise ValueError("endpoint is for S3-compatible stores: provider 's3'")
        if self.provider == "gcs" and self.access_key:
            raise ValueError(
                "the W&B chart cannot pass GCS keys; reach a gcs bucket with the nodes' or workload identity"
            )
        if self.provider == "az":
            if self.secret_key:
                raise ValueError("provider 'az' takes the storage account key as accessKey, and no secretKey")
            return
        if bool(self.access_key) != bool(self.secret_key):
            raise ValueError("give accessKey and secretKey together")
        if self.access_key and not (self.endpoint or self.region):
            raise ValueError("S3 with keys needs region (AWS's regional endpoint) or endpoint (S3-compatible)")

    @property
    def has_keys(self) -> bool:
        return self.access_key is not None


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
    create: bool = True  # false (target existing only): no Ingress; reach W&B with kubectl port-forward
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


def _not_the_internet(v: ipaddress.IPv4Network) -> ipaddress.IPv4Network:
    if v.prefixlen == 0:
        raise ValueError("0.0.0.0/0 would open the control plane to the internet; give narrower CIDRs")
    return v


ControlPlaneCidr = Annotated[ipaddress.IPv4Network, AfterValidator(_not_the_internet)]


class AuthorizedNetwork(_Section):
    cidr: ControlPlaneCidr
    name: str = ""


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


AWS_ARN = r"arn:aws[a-z-]*"
SUBNET_ID = Annotated[str, Field(pattern=r"^subnet-[0-9a-f]{8,17}$")]
CLOUDWATCH_RETENTION_DAYS = (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 3653)


class AwsConfig(_Section):
    availability_zones: list[str] = []  # [] = the region's first `azCount` zones
    az_count: int | None = Field(None, ge=2, le=6)  # None = 3 with high availability, else 2
    vpc_cidr: ipaddress.IPv4Network = ipaddress.IPv4Network("10.0.0.0/16")
    vpc_id: str = Field("", pattern=r"^(vpc-[0-9a-f]{8,17})?$")  # bring your own VPC (with the subnets below)
    public_subnet_ids: list[SUBNET_ID] = []
    private_subnet_ids: list[SUBNET_ID] = []
    database_subnet_ids: list[SUBNET_ID] = []
    flow_logs: bool | None = None  # None = on in prod
    log_retention_days: int = 365
    kubernetes_version: str = Field("1.35", pattern=r"^1\.[0-9]{2}$")
    api_access_cidrs: list[ControlPlaneCidr] = []  # [] = private API endpoint only
    admin_principal_arns: list[Annotated[str, Field(pattern=rf"^{AWS_ARN}:iam::[0-9]{{12}}:(role|user)/.+$")]] = []
    certificate_arn: str = Field("", pattern=rf"^({AWS_ARN}:acm:[a-z0-9-]+:[0-9]{{12}}:certificate/[0-9a-f-]+)?$")
    route53_zone_id: str = Field("", pattern=r"^(Z[A-Z0-9]{1,31})?$")
    ingress_cidrs: list[ipaddress.IPv4Network] = Field([ipaddress.IPv4Network("0.0.0.0/0")], min_length=1)
    load_balancer_scheme: Literal["internet-facing", "internal"] = "internet-facing"
    kms_deletion_window_days: int = Field(30, ge=7, le=30)
    aurora_version: str = Field("8.0.mysql_aurora.3.10.4", pattern=r"^8\.0\.mysql_aurora\.3\.[0-9]{2}\.[0-9]+$")
    redis_version: str = Field("7.1", pattern=r"^7\.[0-9]+$")
    lb_controller_chart_version: str = "3.5.0"

    @field_validator("vpc_cidr")
    @classmethod
    def _vpc_fits_the_layout(cls, v: ipaddress.IPv4Network) -> ipaddress.IPv4Network:
        if not 16 <= v.prefixlen <= 19 or not v.is_private:
            raise ValueError("must be a private range from /16 to /19 (ALB subnets need a /27 at least)")
        return v

    @field_validator("log_retention_days")
    @classmethod
    def _a_cloudwatch_retention(cls, v: int) -> int:
        if v not in CLOUDWATCH_RETENTION_DAYS:
            raise ValueError(f"must be one of CloudWatch's retention periods {CLOUDWATCH_RETENTION_DAYS}")
        return v

    @model_validator(mode="after")
    def _zones_and_subnets_agree(self):
        if self.availability_zones and self.az_count is not None:
            raise ValueError("give availabilityZones or azCount, not both")
        if self.availability_zones and len(set(self.availability_zones)) < 2:
            raise ValueError("availabilityZones needs at least two distinct zones")
        subnets = {
            "publicSubnetIds": self.public_subnet_ids,
            "privateSubnetIds": self.private_subnet_ids,
            "databaseSubnetIds": self.database_subnet_ids,
        }
        if not self.vpc_id:
            given = [k for k, v in subnets.items() if v]
            if given:
                raise ValueError(f"{', '.join(given)} only apply with vpcId (bring your own VPC)")
            return self
        if self.availability_zones or self.az_count is not None:
            raise ValueError("with vpcId the zones are those of your subnets; drop availabilityZones/azCount")
        needed = ["privateSubnetIds", "databaseSubnetIds"]
        if self.load_balancer_scheme == "internet-facing":
            needed.append("publicSubnetIds")
        short = [k for k in needed if len(subnets[k]) < 2]
        if short:
            raise ValueError(f"vpcId needs {', '.join(short)} with at least two subnets each, in different zones")
        return self

    @model_validator(mode="after")
    def _one_certificate_source(self):
        if self.certificate_arn and self.route53_zone_id:
            raise ValueError("give certificateArn or route53ZoneId, not both")
        return self


class ExistingConfig(_Section):
    """A cluster you already run: reached through your kubeconfig, nothing created outside it."""

    kubeconfig: str = ""  # path to a kubeconfig file; "" = $KUBECONFIG, else ~/.kube/config
    context: str = ""  # "" = the kubeconfig's current context
    ingress_class: str = Field("", pattern=r"^([a-z0-9]([-a-z0-9.]*[a-z0-9])?)?$")  # "" = the cluster's default
    tls_secret_name: str = Field("", pattern=r"^([a-z0-9]([-a-z0-9.]*[a-z0-9])?)?$")  # with ingress.tls
    oidc_issuer: str = ""  # the cluster's service-account token issuer, for W&B's internal JWTs; "" = none
    storage_class: str = ""  # the in-cluster object store's volume; "" = the cluster's default
    object_store_chart_version: str = "4.44.0"  # chart `seaweedfs` from https://seaweedfs.github.io/seaweedfs/helm


class SizeOverrides(_Section):
    """Every target's override keys; `PlatformConfig` rejects those the stack's target does not size."""

    node_type: str | None = None
    node_min_count: int | None = Field(None, ge=1, le=1000)
    node_max_count: int | None = Field(None, ge=1, le=1000)
    node_disk_gb: int | None = Field(None, ge=20, le=65536)
    mysql_tier: str | None = None
    redis_memory_gb: int | None = Field(None, ge=1, le=300)
    redis_node_type: str | None = Field(None, pattern=r"^cache\.[a-z0-9]+\.[a-z0-9]+$")

    def given(self) -> dict[str, object]:
        return self.model_dump(exclude_none=True)


PROVIDER_KEYS = {"gcp_project": "gcp:project", "gcp_region": "gcp:region", "aws_region": "aws:region"}


def _root_alias(field: str) -> str:
    return PROVIDER_KEYS.get(field, f"{PROJECT}:{to_camel(field)}")


class PlatformConfig(BaseModel):
    """The whole stack: one field per config key. See the README's config reference."""

    model_config = ConfigDict(extra="forbid", alias_generator=_root_alias, populate_by_name=True, frozen=True)

    target: Literal[TARGETS] = "gcp"  # type: ignore[valid-type]
    environment: Literal["dev", "prod"] = "prod"
    size: Size = "small"
    size_overrides: SizeOverrides = SizeOverrides()
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
    aws: AwsConfig = AwsConfig()
    existing: ExistingConfig = ExistingConfig()
    gcp_project: str | None = Field(None, pattern=r"^[a-z][-a-z0-9]{4,28}[a-z0-9]$")
    gcp_region: str = Field("us-central1", pattern=r"^[a-z]+-[a-z]+[0-9]+$")
    aws_region: str | None = Field(None, pattern=r"^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]$")

    @model_validator(mode="before")
    @classmethod
    def _datastores_default_in_cluster_without_a_cloud(cls, data: Any) -> Any:
        """On target `existing` nothing can be managed, so an unset mode means `in-cluster`."""
        if not isinstance(data, dict) or data.get(f"{PROJECT}:target") != "existing":
            return data
        data = dict(data)
        for key in ("mysql", "redis", "bucket"):
            section = data.get(f"{PROJECT}:{key}", {})
            if isinstance(section, dict) and "mode" not in section:
                data[f"{PROJECT}:{key}"] = {**section, "mode": "in-cluster"}
        return data

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
    def _sizes_fit_the_target(self):
        allowed = size_fields(self.target)
        foreign = [to_camel(k) for k in self.size_overrides.given() if k not in allowed]
        if foreign:
            raise ValueError(
                f"{PROJECT}:sizeOverrides: {', '.join(foreign)} not sized by target '{self.target}' "
                f"(allowed: {', '.join(to_camel(k) for k in allowed) or 'none'})"
            )
        if not allowed:
            return self
        size = self.cluster_size
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
    def cluster_size(self) -> GcpSize | AwsSize:
        """The target's preset for `size` with the stack's overrides applied."""
        return resolve_size(self.target, self.size, self.size_overrides.given())  # type: ignore[return-value]

    @property
    def mysql_backup_days(self) -> int:
        return self.mysql.backup_retention_days or BACKUP_DAYS[self.target]

    @property
    def bucket_provider(self) -> str:
        return self.bucket.provider or BUCKET_PROVIDER.get(self.target, "s3")

    @property
    def az_count(self) -> int:
        """Zones the AWS network spans when it creates the VPC: three with high availability, two otherwise."""
        return len(self.aws.availability_zones) or self.aws.az_count or (3 if self.ha else 2)

    @property
    def flow_logs(self) -> bool:
        return self.environment == "prod" if self.aws.flow_logs is None else self.aws.flow_logs

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


def _section(raw: Mapping[str, Any], key: str) -> dict:
    value = raw.get(f"{PROJECT}:{key}")
    return value if isinstance(value, dict) else {}


REQUIRED_PROVIDER_KEY = {
    "gcp": ("gcp:project", "pulumi config set gcp:project <project-id>"),
    "aws": ("aws:region", "pulumi config set aws:region <region>"),
}
AWS_MAX_BACKUP_DAYS = 35


def _aws_checks(raw: Mapping[str, Any], tls: bool) -> list[str]:
    problems = []
    aws = _section(raw, "aws")
    if tls and not (aws.get("certificateArn") or aws.get("route53ZoneId")):
        problems.append(
            f"{PROJECT}:aws.certificateArn: the ALB needs a certificate while {PROJECT}:ingress.tls is on; "
            "give an ACM certificate ARN, or aws.route53ZoneId to create and validate one"
        )
    days = _section(raw, "mysql").get("backupRetentionDays")
    if isinstance(days, int) and days > AWS_MAX_BACKUP_DAYS:
        problems.append(f"{PROJECT}:mysql.backupRetentionDays: Aurora keeps at most 35 days (got {days})")
    return problems


def _existing_checks(raw: Mapping[str, Any], tls: bool) -> list[str]:
    problems = [
        f"{PROJECT}:{key}.mode: 'managed' needs a cloud target ({', '.join(CLOUD_TARGETS)}); "
        f"target 'existing' takes 'in-cluster' or 'external'"
        for key in ("mysql", "redis", "bucket")
        if _section(raw, key).get("mode") == "managed"
    ]
    bucket = _section(raw, "bucket")
    if bucket.get("mode") == "external" and not bucket.get("provider"):
        problems.append(f"{PROJECT}:bucket.provider: an external bucket on target 'existing' needs s3, gcs or az")
    if tls and not _section(raw, "existing").get("tlsSecretName"):
        problems.append(
            f"{PROJECT}:existing.tlsSecretName: required while {PROJECT}:ingress.tls is on: a kubernetes.io/tls "
            "Secret for the host in the namespace (e.g. from cert-manager); or set ingress.tls false"
        )
    return problems


def _cloud_bucket_checks(raw: Mapping[str, Any], target: str) -> list[str]:
    """Each cloud target reaches its own store with workload identity: no other store, no static keys."""
    problems = []
    bucket = _section(raw, "bucket")
    provider = bucket.get("provider")
    if provider not in (None, BUCKET_PROVIDER[target]):
        problems.append(
            f"{PROJECT}:bucket.provider: target '{target}' reaches its bucket with workload identity, "
            f"so only '{BUCKET_PROVIDER[target]}' is allowed (got {provider!r})"
        )
    if bucket.get("mode") == "in-cluster":
        problems.append(f"{PROJECT}:bucket.mode: 'in-cluster' is for target 'existing'; use 'managed' or 'external'")
    given = [k for k in ("endpoint", "accessKey", "secretKey") if bucket.get(k)]
    if given:
        problems.append(f"{PROJECT}:bucket: {', '.join(given)} are for target 'existing' (here: workload identity)")
    return problems


TARGET_CHECKS = {"aws": _aws_checks, "existing": _existing_checks}


def _cross_checks(raw: Mapping[str, Any]) -> list[str]:
    """Checks across keys, run on the raw values so they are reported beside the per-key errors."""
    problems = []
    target = raw.get(f"{PROJECT}:target", "gcp")
    if target not in TARGETS:
        return problems  # its own error says what is allowed; the other checks depend on it
    if target in REQUIRED_PROVIDER_KEY:
        key, how = REQUIRED_PROVIDER_KEY[target]
        if not raw.get(key):
            problems.append(f"{key}: required for target '{target}' ({how})")
    for other in sorted(set(TARGETS) - {target}):
        if f"{PROJECT}:{other}" in raw:
            problems.append(f"{PROJECT}:{other}: applies to target '{other}' only (target is '{target}')")
    ingress = _section(raw, "ingress")
    tls = ingress.get("tls", True) not in (False, "false")
    host = raw.get(f"{PROJECT}:host")
    if tls and isinstance(host, str) and host.startswith("http://"):
        problems.append(f"{PROJECT}:host: must start with https:// while {PROJECT}:ingress.tls is on")
    if ingress.get("staticIpName") and target != "gcp":
        problems.append(f"{PROJECT}:ingress.staticIpName: applies to target 'gcp' only")
    create = ingress.get("create", True) not in (False, "false")
    if not create and target != "existing":
        problems.append(f"{PROJECT}:ingress.create: false applies to target 'existing' only")
    if create and isinstance(host, str) and urlsplit(host).port:
        problems.append(
            f"{PROJECT}:host: an Ingress host cannot carry a port; drop it, or set {PROJECT}:ingress.create "
            "false and reach W&B with kubectl port-forward"
        )
    if target in CLOUD_TARGETS:
        problems += _cloud_bucket_checks(raw, target)
    if target in TARGET_CHECKS:
        problems += TARGET_CHECKS[target](raw, tls)
    return problems


def load_config(raw: Mapping[str, Any]) -> PlatformConfig:
    """Validate a stack's config (full `namespace:key` names to raw values) into a PlatformConfig."""
    ours = {k: _decode(v) for k, v in raw.items() if k.startswith(f"{PROJECT}:") or k in PROVIDER_KEYS.values()}
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
