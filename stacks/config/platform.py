"""The platform's own sections and the root model: one field per config key, and what follows from them."""

from __future__ import annotations

import ipaddress
import re
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationInfo, field_validator, model_validator
from pydantic.alias_generators import to_camel

from components.platform.sizes import Size
from components.platform.validation import host_problem, pull_config_problem
from components.platform.versions import AURORA_VERSIONS
from stacks.config.base import DNS_LABEL, PROJECT, TARGETS, Section, raise_if
from stacks.config.datastores import BucketConfig, ClickHouseConfig, KafkaConfig, MysqlConfig, RedisConfig
from stacks.config.secrets import SecretsConfig, VaultConfig
from stacks.config.targets import AwsConfig, AzureConfig, ExistingConfig, GcpConfig

BUCKET_PROVIDER = {"gcp": "gcs", "aws": "s3", "azure": "az"}  # the store each cloud's workload identity reaches
GCP_LABEL_KEY = r"^[a-z][a-z0-9_-]{0,62}$"
GCP_LABEL_VALUE = r"^[a-z0-9_-]{0,63}$"


class SpotConfig(Section):
    max_nodes: int = Field(0, ge=0, le=1000)  # 0 = no spot pool
    node_type: str = ""  # "" = the size preset's


class DrConfig(Section):
    secondary_region: str = Field("", pattern=r"^([a-z][a-z0-9-]*[a-z0-9])?$")  # "" = no copy in another region
    bucket: bool = True  # the bucket replicated there
    mysql: bool = True  # a MySQL replica there (GCP: Cloud SQL cross-region read replica)
    retention_days: int = Field(30, ge=1, le=3650)  # days the copy keeps overwritten and deleted objects
    vpc_cidr: ipaddress.IPv4Network = ipaddress.IPv4Network(
        "10.1.0.0/16"
    )  # AWS, Azure: the standby network of MySQL's copy


VERSION = r"^[0-9]+\.[0-9]+\.[0-9]+([.-][0-9A-Za-z.-]+)?$"  # an image tag of a release, never `latest`
MIRROR = r"^([a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]{1,5})?(/[a-z0-9]+([._-][a-z0-9]+)*)*)?$"  # host[:port][/path]


class ImagesConfig(Section):
    registry: str = Field("", pattern=MIRROR)  # "" = each image from its own registry
    pull_secret: SecretStr | None = None  # a Docker config JSON that logs in to `registry`
    chart_repository: str = Field("", pattern=r"^((oci|https)://[^\s/]+(/[^\s]*)?)?$")

    @field_validator("pull_secret")
    @classmethod
    def _a_login_to_the_mirror(cls, v: SecretStr | None, info: ValidationInfo) -> SecretStr | None:
        if v is not None:
            raise_if(pull_config_problem(v.get_secret_value(), info.data.get("registry", "")))
        return v


class ObservabilityConfig(Section):
    mode: Literal["none", "in-cluster", "cloud"] = "none"
    retention_days: int = Field(15, ge=1, le=3650)
    storage_gb: int | None = Field(None, ge=5, le=65536)  # None = by size
    alert_receiver: Literal["none", "webhook", "slack", "pagerduty"] = "none"
    alert_secret: SecretStr | None = None  # the webhook or Slack URL, or PagerDuty's routing key
    slack_channel: str = ""
    chart_version: str = Field("88.5.3", pattern=r"^[0-9]+\.[0-9]+\.[0-9]+$")
    traces_endpoint: str = Field("", pattern=r"^([A-Za-z0-9.-]+:[0-9]{1,5})?$")  # a collector's OTLP host:port
    traces_protocol: Literal["grpc", "http"] = "grpc"
    trace_ratio: float = Field(0.1, gt=0, le=1)

    @model_validator(mode="after")
    def _a_secret_exactly_with_a_receiver(self):
        if (self.alert_receiver != "none") != (self.alert_secret is not None):
            raise ValueError("alertSecret goes with alertReceiver webhook, slack or pagerduty, and only then")
        if self.slack_channel and self.alert_receiver != "slack":
            raise ValueError("slackChannel applies to alertReceiver slack only")
        return self


class OperatorConfig(Section):
    chart_version: str = "1.4.8"
    image_tag: str = "1.22.0"  # the controller image; the chart's own default is `latest`
    wandb_chart_version: str = "0.43.8"  # the operator-wandb chart the operator renders; "" = its choice, unpinned
    wandb_version: str = Field("0.83.0", pattern=VERSION)  # W&B Server: its images' tag
    console_version: str = Field("2.18.12", pattern=VERSION)  # the W&B console's image tag
    console_access: Literal["cluster", "namespace"] = "cluster"  # the W&B console's RBAC


class IngressConfig(Section):
    create: bool = True  # false (target existing only): no Ingress; reach W&B with kubectl port-forward
    tls: bool = True
    static_ip_name: str = ""  # an existing reserved global address; "" = create one
    annotations: dict[str, str] = {}


class OidcConfig(Section):
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


class SizeOverrides(Section):
    """Every target's override keys; `PlatformConfig` rejects those the stack's target does not size."""

    node_type: str | None = None
    node_min_count: int | None = Field(None, ge=1, le=1000)
    node_max_count: int | None = Field(None, ge=1, le=1000)
    node_disk_gb: int | None = Field(None, ge=20, le=65536)
    mysql_tier: str | None = None
    redis_memory_gb: int | None = Field(None, ge=1, le=300)
    redis_node_type: str | None = Field(None, pattern=r"^cache\.[a-z0-9]+\.[a-z0-9]+$")
    redis_sku: str | None = Field(None, pattern=r"^(Balanced|MemoryOptimized|ComputeOptimized)_[A-Z][0-9]+$")

    def given(self) -> dict[str, object]:
        return self.model_dump(exclude_none=True)


PROVIDER_KEYS = {
    "gcp_project": "gcp:project",
    "gcp_region": "gcp:region",
    "aws_region": "aws:region",
    "azure_location": "azure-native:location",
}


def _root_alias(field: str) -> str:
    return PROVIDER_KEYS.get(field, f"{PROJECT}:{to_camel(field)}")


class PlatformConfig(BaseModel):
    """The whole stack: one field per config key. See the README's config reference."""

    model_config = ConfigDict(extra="forbid", alias_generator=_root_alias, populate_by_name=True, frozen=True)

    target: Literal[TARGETS] = "gcp"  # type: ignore[valid-type]
    stack_role: Literal["all", "platform", "wandb"] = "all"  # a split for a Vault that must be initialised
    environment: Literal["dev", "prod"] = "prod"
    size: Size = "small"
    size_overrides: SizeOverrides = SizeOverrides()
    host: str
    license: SecretStr | None = None  # required but in stackRole wandb (checks.py)
    namespace: str = Field("wandb", pattern=DNS_LABEL)
    instance_name: str = Field("wandb", pattern=DNS_LABEL, max_length=40)
    name_prefix: str = Field("", pattern=DNS_LABEL, max_length=40)  # cloud names; "" = <instanceName>-<stack>
    deletion_protection: bool | None = None
    high_availability: bool | None = None
    labels: dict[str, str] = {}
    mysql: MysqlConfig = MysqlConfig()
    redis: RedisConfig = RedisConfig()
    bucket: BucketConfig = BucketConfig()
    clickhouse: ClickHouseConfig = ClickHouseConfig()
    kafka: KafkaConfig = KafkaConfig()
    operator: OperatorConfig = OperatorConfig()
    ingress: IngressConfig = IngressConfig()
    observability: ObservabilityConfig = ObservabilityConfig()
    spot: SpotConfig = SpotConfig()
    dr: DrConfig = DrConfig()
    images: ImagesConfig = ImagesConfig()
    oidc: OidcConfig | None = None
    secrets: SecretsConfig = SecretsConfig()
    vault: VaultConfig | None = None  # with secrets.backend vault
    values: dict[str, Any] = {}
    gcp: GcpConfig = GcpConfig()
    aws: AwsConfig = AwsConfig()
    azure: AzureConfig = AzureConfig()
    existing: ExistingConfig = ExistingConfig()
    gcp_project: str | None = Field(None, pattern=r"^[a-z][-a-z0-9]{4,28}[a-z0-9]$")
    gcp_region: str = Field("us-central1", pattern=r"^[a-z]+-[a-z]+[0-9]+$")
    aws_region: str | None = Field(None, pattern=r"^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]$")
    azure_location: str | None = Field(None, pattern=r"^[a-z]+[a-z0-9]*$")  # e.g. eastus2, westeurope

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
        raise_if(host_problem(v))
        parts = urlsplit(v)
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

    @property
    def protect(self) -> bool:
        """Deletion protection and `protect` on stateful resources: on in prod unless turned off."""
        return self.environment == "prod" if self.deletion_protection is None else self.deletion_protection

    @property
    def ha(self) -> bool:
        """Regional Cloud SQL, STANDARD_HA Memorystore: on in prod unless turned off."""
        return self.environment == "prod" if self.high_availability is None else self.high_availability

    @property
    def bucket_provider(self) -> str:
        return self.bucket.provider or BUCKET_PROVIDER.get(self.target, "s3")

    @property
    def flow_logs(self) -> bool:
        return self.environment == "prod" if self.aws.flow_logs is None else self.aws.flow_logs

    @property
    def resource_labels(self) -> dict[str, str]:
        """Labels put on every cloud resource that takes them; the stack's own labels win."""
        return {"app": "wandb", "managed-by": "pulumi", "environment": self.environment, **self.labels}

    @property
    def aurora_version(self) -> str:
        """The Aurora engine version to create: configured, or the pinned one for `mysql.version`."""
        return self.aws.aurora_version or AURORA_VERSIONS[self.mysql.version]
