"""The datastores' sections: `mysql`, `redis` and `bucket`, each managed, in the cluster, or yours."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, Field, SecretStr, model_validator

from components.platform.validation import (
    clickhouse_port_problem,
    clickhouse_version_problem,
    cloud_memory_gb_problem,
    endpoint_problem,
    kafka_port_problem,
    mode_fields_problem,
)
from stacks.config.base import Section, checked, raise_if


class MysqlConfig(Section):
    mode: Literal["managed", "in-cluster", "external"] = "managed"
    version: Literal["8.4", "8.0"] = "8.4"  # 8.0 only to adopt a database that runs it (README, "MySQL 8.4")
    host: str = ""
    port: int = Field(3306, ge=1, le=65535)
    database: str = "wandb_local"
    user: str = "wandb"
    password: SecretStr | None = None
    backup_retention_days: int | None = Field(None, ge=1, le=365)  # None = the target's default (7 on GCP, 14 on AWS)

    @model_validator(mode="after")
    def _endpoint_only_when_external(self):
        raise_if(endpoint_problem(self.mode, host=self.host, password=self.password))
        if self.mode == "external" and "version" in self.model_fields_set:
            raise ValueError("version applies to modes 'managed' and 'in-cluster'; an external database's is yours")
        return self


class RedisConfig(Section):
    mode: Literal["managed", "in-cluster", "external"] = "managed"
    host: str = ""
    port: int = Field(6379, ge=1, le=65535)
    password: SecretStr | None = None
    tls: bool = True
    ca_cert: str = ""

    @model_validator(mode="after")
    def _endpoint_only_when_external(self):
        raise_if(endpoint_problem(self.mode, host=self.host))
        if self.mode != "external" and self.password:
            raise ValueError("password is only for mode 'external'")
        return self


class BucketConfig(Section):
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
        raise_if(endpoint_problem(self.mode, name=self.name))
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


CloudMemoryGb = Annotated[int | None, AfterValidator(checked(cloud_memory_gb_problem))]


class ClickHouseConfig(Section):
    """Weave's ClickHouse: none, one server in the cluster (dev), replicated in the cluster, ClickHouse Cloud
    behind a private endpoint, or yours."""

    mode: Literal["none", "in-cluster", "replicated", "cloud", "external"] = "none"
    version: Annotated[str, AfterValidator(checked(clickhouse_version_problem))] = "25.8"
    replicas: int | None = Field(None, ge=2, le=15)  # replicated; None = by size
    backup_schedule: str = Field("0 3 * * *", pattern=r"^(\S+ ){4}\S+$|^$")  # replicated: full backups, cron UTC
    backup_increment_schedule: str = Field("*/30 * * * *", pattern=r"^(\S+ ){4}\S+$|^$")  # "" = fulls only
    backup_retention_days: int = Field(7, ge=1, le=3650)  # replicated: days of backups kept in the bucket
    storage_gb: int = Field(20, ge=1, le=10000)
    storage_class: str = Field("", pattern=r"^([a-z0-9]([-a-z0-9.]*[a-z0-9])?)?$")
    host: str = ""
    port: int = Field(8443, ge=1, le=65535)
    tls: bool = True
    database: str = "weave_trace_db"
    user: str = "default"
    password: SecretStr | None = None
    ca_cert: str = ""
    replicated: bool = False
    cluster: str = ""
    organization_id: str = ""  # cloud: the ClickHouse Cloud organization
    api_key_id: str = ""
    api_key_secret: SecretStr | None = None
    min_memory_gb: CloudMemoryGb = None  # cloud: per replica; None = by size
    max_memory_gb: CloudMemoryGb = None  # cloud: None = twice the least

    @model_validator(mode="after")
    def _endpoint_only_when_external(self):
        raise_if(endpoint_problem(self.mode, host=self.host, password=self.password))
        raise_if(
            mode_fields_problem(
                self.mode,
                "cloud",
                organizationId=self.organization_id,
                apiKeyId=self.api_key_id,
                apiKeySecret=self.api_key_secret,
            )
        )
        if self.mode != "cloud" and (self.min_memory_gb or self.max_memory_gb):
            raise ValueError("minMemoryGb and maxMemoryGb only apply to mode 'cloud'")
        if self.min_memory_gb and self.max_memory_gb and self.min_memory_gb > self.max_memory_gb:
            raise ValueError(f"minMemoryGb {self.min_memory_gb} exceeds maxMemoryGb {self.max_memory_gb}")
        if self.mode == "cloud" and "version" in self.model_fields_set:
            raise ValueError("version does not apply to mode 'cloud': ClickHouse Cloud upgrades the service itself")
        if self.mode == "external":
            raise_if(clickhouse_port_problem(self.port, self.tls))
        if self.replicated and not self.cluster:
            raise ValueError("replicated needs cluster: the ClickHouse cluster Weave creates its tables on")
        if self.mode != "external" and (self.replicated or self.cluster or self.ca_cert):
            raise ValueError("replicated, cluster and caCert only apply to mode 'external'")
        return self


class KafkaConfig(Section):
    """W&B's event stream for Runs V2: none, Strimzi in the cluster, Amazon MSK (`managed`, target aws), or yours."""

    mode: Literal["none", "in-cluster", "managed", "external"] = "none"
    brokers: int | None = Field(None, ge=1, le=50)  # in-cluster; None = by size
    storage_gb: int = Field(100, ge=1, le=16384)
    storage_class: str = Field("", pattern=r"^([a-z0-9]([-a-z0-9.]*[a-z0-9])?)?$")
    host: str = ""
    port: Annotated[int, AfterValidator(checked(kafka_port_problem))] = 9092
    partitions: int = Field(100, ge=1, le=10000)

    @model_validator(mode="after")
    def _endpoint_only_when_external(self):
        raise_if(endpoint_problem(self.mode, host=self.host))
        return self
