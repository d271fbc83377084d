"""The arguments every whole-platform component shares: W&B itself, its datastores and its ingress.

Each is a dataclass whose optional fields are typed `T | None`, so that Pulumi infers an optional input for
other languages; `None` (or leaving a field out) means the default written beside it. From other languages the
provider hands nested arguments over as mappings: `Args.of` turns them into these classes. This module must
not use `from __future__ import annotations`: Pulumi's schema inference reads the annotations as types.
"""

import dataclasses
import types
import typing
from dataclasses import dataclass, field
from typing import Any

import pulumi


@dataclass(kw_only=True, frozen=True)
class Args:
    """Base of every argument class: `None` becomes the field's default, mappings become argument classes."""

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if value is None and f.default is not dataclasses.MISSING:
                value = f.default
            elif value is None and f.default_factory is not dataclasses.MISSING:
                value = f.default_factory()
            object.__setattr__(self, f.name, _coerce(f.type, value))

    @classmethod
    def of(cls, value: Any) -> Any:
        """`value` as this class: itself, or built from a mapping of its fields."""
        if value is None or isinstance(value, cls):
            return value
        if not isinstance(value, dict):
            raise ValueError(f"{cls.__name__}: expected a mapping of its fields, got {type(value).__name__}")
        unknown = sorted(set(value) - {f.name for f in dataclasses.fields(cls)})
        if unknown:
            allowed = ", ".join(f.name for f in dataclasses.fields(cls))
            raise ValueError(f"{cls.__name__}: unknown field(s) {', '.join(unknown)} (allowed: {allowed})")
        return cls(**value)


def _args_class(hint: Any) -> type[Args] | None:
    for candidate in typing.get_args(hint) if isinstance(hint, types.UnionType) else (hint,):
        if isinstance(candidate, type) and issubclass(candidate, Args):
            return candidate
    return None


def _coerce(hint: Any, value: Any) -> Any:
    """Mappings for argument classes (also inside lists) become instances of them."""
    target = _args_class(hint)
    if target is not None and isinstance(value, dict):
        return target.of(value)
    inner = [a for a in typing.get_args(hint) if typing.get_origin(a) is list] or (
        [hint] if typing.get_origin(hint) is list else []
    )
    if inner and isinstance(value, list):
        item = _args_class(typing.get_args(inner[0])[0])
        if item is not None:
            return [item.of(v) if isinstance(v, dict) else v for v in value]
    return value


@dataclass(kw_only=True, frozen=True)
class OidcArgs(Args):
    """Single sign-on through an OIDC identity provider."""

    client_id: str
    """The client id registered with the identity provider."""
    issuer: str
    """The provider's `https://` issuer URL."""
    auth_method: str | None = "implicit"
    """`implicit` or `pkce`."""
    secret: pulumi.Input[str] | None = None
    """The client secret, if the client has one; written to a Secret only."""


@dataclass(kw_only=True, frozen=True)
class WandbArgs(Args):
    """W&B itself, the same on every target."""

    host: str
    """The URL users reach W&B at: scheme and host only, e.g. `https://wandb.example.com`."""
    license: pulumi.Input[str]
    """The W&B license; written to a Secret only."""
    instance_name: str | None = "wandb"
    """The `WeightsAndBiases` resource's name and the prefix of its Secrets (a DNS label)."""
    namespace: str | None = "wandb"
    """The namespace of the operator, the Secrets and the W&B resource."""
    size: str | None = "small"
    """`small`, `medium`, `large`, `xlarge` or `xxlarge`: W&B's `global.size` and the preset of cloud sizes."""
    operator_chart_version: str | None = "1.4.8"
    """Chart `operator` from https://charts.wandb.ai."""
    operator_image_tag: str | None = "1.22.0"
    """The operator's controller image."""
    console_access: str | None = "cluster"
    """The W&B console's rights: `cluster` (W&B's ClusterRole: every namespace's Secrets) or `namespace` (a Role
    in W&B's namespace, and reading that Namespace object)."""
    wandb_chart_version: str | None = "0.43.8"
    """Chart `operator-wandb`, which the operator renders W&B from; empty lets the operator choose it and the
    release channel W&B's images (nothing pinned)."""
    server_version: str | None = "0.83.0"
    """W&B Server: the tag of its app, API, worker, frontend and Weave images."""
    console_version: str | None = "2.18.12"
    """The W&B console's image tag (its own release line)."""
    oidc: OidcArgs | None = None
    """Single sign-on; none when unset."""
    values: dict[str, Any] | None = field(default_factory=dict)
    """Free-form operator-wandb values merged last into the W&B resource. Never credentials."""


@dataclass(kw_only=True, frozen=True)
class MysqlArgs(Args):
    """W&B's MySQL: `managed` by the cloud, `in-cluster` (the chart's, for dev) or `external` (yours)."""

    mode: str | None = "managed"
    """`managed`, `in-cluster` or `external`."""
    version: str | None = "8.4"
    """`8.4`; `8.0` only to adopt a database that runs it. Not for `external`."""
    host: str | None = ""
    """`external` only: the server's address."""
    port: int | None = 3306
    """`external` only."""
    database: str | None = "wandb_local"
    """The database W&B uses (created when managed)."""
    user: str | None = "wandb"
    """The user W&B connects as (created when managed)."""
    password: pulumi.Input[str] | None = None
    """`external` only: the user's password; written to a Secret only."""
    backup_retention_days: int | None = None
    """`managed` only: days of backups; unset takes the target's default (7 on GCP, 14 on AWS and Azure)."""


@dataclass(kw_only=True, frozen=True)
class RedisArgs(Args):
    """W&B's Redis: `managed`, `in-cluster` or `external`."""

    mode: str | None = "managed"
    """`managed`, `in-cluster` or `external`."""
    host: str | None = ""
    """`external` only: the server's address."""
    port: int | None = 6379
    """`external` only."""
    password: pulumi.Input[str] | None = None
    """`external` only: the AUTH password; written to a Secret only."""
    tls: bool | None = True
    """`external` only: connect with TLS."""
    ca_cert: str | None = ""
    """`external` only: the PEM of the server's CA."""


@dataclass(kw_only=True, frozen=True)
class BucketArgs(Args):
    """Where W&B keeps its objects: `managed` by the cloud, `in-cluster` (SeaweedFS) or `external` (yours)."""

    mode: str | None = "managed"
    """`managed`, `in-cluster` (target existing only) or `external`."""
    provider: str | None = ""
    """`gcs`, `s3` or `az`; empty takes the target's own store."""
    name: str | None = ""
    """`external` only: the bucket (for `az`, the storage account)."""
    region: str | None = ""
    """`external` only."""
    path: str | None = ""
    """`external` only: a prefix inside the bucket (for `az`, the container)."""
    kms_key: str | None = ""
    """`external` only: the bucket's key, which W&B's identity may then use."""
    endpoint: str | None = ""
    """`external` on an existing cluster: an S3-compatible store's `host[:port]`."""
    tls: bool | None = True
    """With `endpoint`: https."""
    access_key: pulumi.Input[str] | None = None
    """`external` on an existing cluster: a static access key (for `az`, the account key)."""
    secret_key: pulumi.Input[str] | None = None
    """`external` on an existing cluster: the static secret key (S3)."""
    noncurrent_version_days: int | None = 30
    """`managed` only: days before a noncurrent object version is deleted."""
    storage_gb: int | None = 20
    """`in-cluster` only: the store's volume."""


@dataclass(kw_only=True, frozen=True)
class ClickHouseArgs(Args):
    """Weave's ClickHouse: `none` (no Weave traces), `in-cluster` (one server, for dev), `replicated` (Keeper and
    replicas with TLS, run by the Altinity operator), `cloud` (ClickHouse Cloud behind a private endpoint, on GCP
    and AWS) or `external` (yours)."""

    mode: str | None = "none"
    """`none`, `in-cluster`, `replicated`, `cloud` or `external`."""
    replicas: int | None = None
    """`replicated` and `cloud`: the servers of its one shard; unset takes the size's (3, and 5 from large)."""
    backup_schedule: str | None = "0 3 * * *"
    """`replicated`, where the platform has a bucket of its cloud: when (cron, UTC) a full backup goes to the
    bucket; empty makes no backups."""
    backup_increment_schedule: str | None = "*/30 * * * *"
    """`replicated`: when (cron, UTC) an incremental backup, on the previous one, goes to the bucket; empty makes
    full backups only."""
    backup_retention_days: int | None = 7
    """`replicated`: days of backups kept in the bucket."""
    organization_id: str | None = ""
    """`cloud`: the ClickHouse Cloud organization the service is created in."""
    api_key_id: str | None = ""
    """`cloud`: the id of an organization API key allowed to manage services."""
    api_key_secret: pulumi.Input[str] | None = None
    """`cloud`: that key's secret; reaches only the ClickHouse provider."""
    min_memory_gb: int | None = None
    """`cloud`: each replica's least memory while autoscaling (a multiple of 4, 8 to 356); unset takes the
    size's."""
    max_memory_gb: int | None = None
    """`cloud`: each replica's most memory while autoscaling; unset takes twice the least."""
    version: str | None = "25.8"
    """`in-cluster`: the server version (Weave supports 25.8 to 25.12 and 26.3 or newer)."""
    storage_gb: int | None = 20
    """`in-cluster`: the server's volume."""
    storage_class: str | None = ""
    """`in-cluster`: the volume's class; empty uses the cluster's encrypted class (or its default)."""
    host: str | None = ""
    """`external`: the server's address."""
    port: int | None = 8443
    """`external`: its HTTP port; Weave uses TLS exactly on 8443."""
    tls: bool | None = True
    """`external`: HTTPS (port 8443)."""
    database: str | None = "weave_trace_db"
    """`external`: the database Weave creates and uses."""
    user: str | None = "default"
    """`external`: a user that may create that database."""
    password: pulumi.Input[str] | None = None
    """`external`: the user's password; written to a Secret only."""
    ca_cert: str | None = ""
    """`external`: the PEM of a private CA the server's certificate chains to."""
    replicated: bool | None = False
    """`external`: the server is a replicated cluster (Keeper, shard and replica macros)."""
    cluster: str | None = ""
    """`external` with `replicated`: the cluster name Weave creates its tables on."""


@dataclass(kw_only=True, frozen=True)
class KafkaArgs(Args):
    """W&B's event stream for Runs V2: `none`, `in-cluster` (Strimzi), `managed` (Amazon MSK, on AWS) or
    `external` (yours). W&B's Kafka clients speak only plaintext on port 9092, without credentials for a broker
    the chart does not install."""

    mode: str | None = "none"
    """`none`, `in-cluster`, `managed` (AWS only) or `external`."""
    brokers: int | None = None
    """`in-cluster`: brokers; unset takes the size's (1 for small, 3 from medium)."""
    storage_gb: int | None = 100
    """`in-cluster`: each broker's volume."""
    storage_class: str | None = ""
    """`in-cluster`: the volumes' class; empty uses the cluster's encrypted class (or its default)."""
    host: str | None = ""
    """`external`: one broker's host (W&B bootstraps from it)."""
    port: int | None = 9092
    """`external`: must be 9092, the only port W&B's consumers use."""
    partitions: int | None = 100
    """Partitions of W&B's run-updates topic (set when the topic is created)."""


@dataclass(kw_only=True, frozen=True)
class IngressArgs(Args):
    """How W&B is reached."""

    create: bool | None = True
    """`false` (existing cluster only): no Ingress; reach W&B with `kubectl port-forward`."""
    tls: bool | None = True
    """HTTPS with a certificate for the host."""
    static_ip_name: str | None = ""
    """GCP only: an existing global address; empty creates one."""
    annotations: dict[str, str] | None = field(default_factory=dict)
    """Extra annotations on W&B's Ingress; they win over the generated ones."""


@dataclass(kw_only=True, frozen=True)
class NodeSizeArgs(Args):
    """Overrides of the size preset for the cluster's nodes and the managed datastores; unset keeps the preset."""

    node_type: str | None = None
    """A GCE machine type, an EC2 instance type or an Azure VM size."""
    node_min_count: int | None = None
    """Nodes at least, across the zones."""
    node_max_count: int | None = None
    """Nodes at most, across the zones."""
    node_disk_gb: int | None = None
    """Each node's disk."""
    mysql_tier: str | None = None
    """A Cloud SQL tier, an Aurora instance class or a MySQL Flexible Server SKU."""
    redis_memory_gb: int | None = None
    """GCP only: Memorystore's capacity."""
    redis_node_type: str | None = None
    """AWS only: the ElastiCache node type."""
    redis_sku: str | None = None
    """Azure only: the Azure Managed Redis SKU."""

    def given(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self) if getattr(self, f.name) is not None}


@dataclass(kw_only=True, frozen=True)
class DrArgs(Args):
    """Copies in a second region of the same cloud, for the loss of the first: the bucket replicated into a
    bucket of its own there (its own key, versioned, protected like the first), and MySQL's replica there."""

    secondary_region: str | None = ""
    """The second region; empty makes no copy."""
    bucket: bool | None = True
    """Replicate the bucket (every new and overwritten object, and deletions)."""
    mysql: bool | None = True
    """A cross-region MySQL replica (GCP: a Cloud SQL read replica; AWS: an Aurora global database's secondary
    cluster), encrypted with its own key there."""
    vpc_cidr: str | None = "10.1.0.0/16"
    """The second region's standby network, where MySQL's copy waits (AWS: Aurora's secondary; Azure: the read
    replica, peered with the platform's network); apart from the first's."""
    retention_days: int | None = 30
    """Days the copy keeps the versions overwritten or deleted in the first region."""


@dataclass(kw_only=True, frozen=True)
class ImagesArgs(Args):
    """Where the cluster pulls every image and chart from: their own registries, or a mirror (air-gapped)."""

    registry: str | None = ""
    """A mirror holding every image at its own path (`host[:port][/path]`); empty pulls each from its registry."""
    pull_secret: pulumi.Input[str] | None = None
    """A Docker config JSON that logs in to `registry`; written only to a Secret in each namespace."""
    chart_repository: str | None = ""
    """One repository for every chart (`oci://…` or `https://…`); empty takes each chart's own."""


@dataclass(kw_only=True, frozen=True)
class SpotArgs(Args):
    """A node pool of spot (preemptible) capacity beside the regular one, for W&B's queue workers only."""

    max_nodes: int | None = 0
    """Its most nodes (it scales from none); 0 makes no spot pool."""
    node_type: str | None = ""
    """Its machine type, instance type or VM size; empty takes the size preset's."""


@dataclass(kw_only=True, frozen=True)
class ObservabilityArgs(Args):
    """Metrics, alerts and dashboards: `none`, or `in-cluster` (kube-prometheus-stack with the platform's rules,
    W&B's dashboard and alert routing)."""

    mode: str | None = "none"
    """`none`, `in-cluster`, or `cloud` (GKE: Managed Service for Prometheus)."""
    retention_days: int | None = 15
    """`in-cluster`: days Prometheus keeps its samples."""
    storage_gb: int | None = None
    """`in-cluster`: each Prometheus replica's volume; unset takes the size's (20 GB small to 400 GB xxlarge)."""
    receiver: str | None = "none"
    """Where alerts go: `none` (Alertmanager only), `webhook`, `slack` or `pagerduty`."""
    receiver_secret: pulumi.Input[str] | None = None
    """The webhook or Slack URL, or PagerDuty's routing key; written to a Secret only."""
    slack_channel: str | None = ""
    """With `slack`: the channel, when the webhook's own is not the one."""
    chart_version: str | None = "88.5.3"
    """Chart `kube-prometheus-stack` from https://prometheus-community.github.io/helm-charts."""
    traces_endpoint: str | None = ""
    """W&B's OpenTelemetry traces go to this collector, `host:port` ("" = no traces); any `mode`."""
    traces_protocol: str | None = "grpc"
    """`grpc` or `http` (OTLP)."""
    trace_ratio: float | None = 0.1
    """The share of requests W&B traces, above 0 and at most 1."""


@dataclass(kw_only=True, frozen=True)
class VaultArgs(Args):
    """A Vault you run (`external`) or one the platform runs in its cluster (`in-cluster`, with the `platform`
    stack role), which W&B's credentials are written to (through `VAULT_TOKEN` from the environment, or a JWT
    login) and the cluster syncs W&B's Secrets from."""

    mode: str | None = "external"
    """`external` or `in-cluster`."""
    address: str | None = ""
    """`external`: Vault's `https://` address, as both the deployer and the cluster reach it."""
    replicas: int | None = 3
    """`in-cluster`: Raft servers (odd)."""
    storage_gb: int | None = 10
    """`in-cluster`: each server's data volume, and its audit volume."""
    chart_version: str | None = "0.34.1"
    """`in-cluster`: chart `vault` from https://helm.releases.hashicorp.com."""
    snapshot_retention_days: int | None = 30
    """`in-cluster`: days the six-hourly Raft snapshots are kept in the platform's bucket."""
    namespace: str | None = ""
    """A Vault Enterprise namespace; empty is the root."""
    ca_cert: str | None = ""
    """The PEM of Vault's private CA, trusted by the cluster's sync; empty uses the system's roots."""
    kv_mount: str | None = ""
    """W&B's KV v2 mount; empty is the component's name."""
    auth_mount: str | None = ""
    """W&B's Kubernetes auth mount; empty is `kubernetes-<component name>`."""
    kubernetes_host: str | None = ""
    """The cluster's API server as Vault reaches it; empty takes the platform cluster's."""
    kubernetes_ca_cert: str | None = ""
    """With `kubernetes_host`: the API server's CA."""
    login_mount: str | None = ""
    """A JWT/OIDC auth mount the provider logs in with (the JWT from `TERRAFORM_VAULT_AUTH_JWT`); empty uses
    `VAULT_TOKEN`."""
    login_role: str | None = ""
    """With `login_mount`: the role to log in as."""
    rotation_period_hours: int | None = 720
    """How often Vault rotates W&B's MySQL password (with a managed MySQL)."""
    secrets_operator_chart_version: str | None = "1.4.1"
    """Chart `vault-secrets-operator` from https://helm.releases.hashicorp.com."""


@dataclass(kw_only=True, frozen=True)
class SecretsArgs(Args):
    """Where W&B's credentials live: Kubernetes Secrets written by Pulumi, or a Vault they are synced from."""

    backend: str | None = "kubernetes"
    """`kubernetes` or `vault`."""
    vault: VaultArgs | None = None
    """With backend `vault`: the Vault."""
