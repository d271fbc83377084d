"""Typed endpoints that flow from the cloud layer to the W&B release.

Every cloud implementation of a concern returns the same contract, so one W&B release serves all clouds and a
user can bring an endpoint of their own. Password, CA and kubeconfig fields carry `pulumi.Output.secret`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi

Str = pulumi.Input[str]


@dataclass(frozen=True)
class MysqlAdmin:
    """An administrative user of W&B's MySQL that is not W&B's own: what Vault rotates W&B's password with."""

    user: Str
    password: pulumi.Output[str]


@dataclass(frozen=True)
class MysqlEndpoint:
    host: Str
    password: pulumi.Output[str]
    port: pulumi.Input[int] = 3306
    database: Str = "wandb_local"
    user: Str = "wandb"
    ca_cert: pulumi.Output[str] | None = None
    admin: MysqlAdmin | None = None  # a managed server's second user, made when Vault rotates W&B's password


@dataclass(frozen=True)
class RedisEndpoint:
    host: Str
    password: pulumi.Output[str] | None
    port: pulumi.Input[int] = 6379
    tls: bool = True
    ca_cert: pulumi.Output[str] | None = None


@dataclass(frozen=True)
class BucketInfo:
    """Where W&B keeps its objects. `provider` is the chart's name for the store: gcs | s3 | az.

    On a cloud target W&B reaches the bucket with workload identity. Elsewhere it may need static keys
    (`access_key`, and `secret_key` for S3), an S3-compatible `endpoint` (`host[:port]`, https when `tls`),
    and, when browsers cannot reach the store itself, `proxied`: W&B serves the objects through its own host.
    For `az`, `name` is the storage account and `path` the container.
    """

    provider: str
    name: Str
    region: Str = ""
    kms_key: Str = ""
    path: Str = ""
    endpoint: str = ""
    tls: bool = True
    access_key: pulumi.Output[str] | None = None
    secret_key: pulumi.Output[str] | None = None
    proxied: bool = False


@dataclass(frozen=True)
class ClickHouseEndpoint:
    """Weave's ClickHouse, over HTTP: Weave turns TLS on exactly when `port` is 8443. `replicated` makes Weave
    create replicated tables `ON CLUSTER cluster`; `ca_cert` is the PEM of a private CA the server's certificate
    chains to."""

    host: Str
    password: pulumi.Output[str]
    port: int = 8443
    database: str = "weave_trace_db"
    user: str = "default"
    replicated: bool = False
    cluster: str = ""
    ca_cert: pulumi.Input[str] | None = None


@dataclass(frozen=True)
class KafkaEndpoint:
    """W&B's event stream: one broker host, plaintext on 9092 (the only protocol and port W&B's Kafka clients
    use), and the partitions of W&B's run-updates topic."""

    broker_host: Str
    partitions: int = 100


@dataclass(frozen=True)
class ClusterInfo:
    """`kubeconfig` is None for a cluster this project did not create: its users already have one.
    `storage_class` is the class whose volumes the cluster encrypts with the platform's key ("" = the default)."""

    name: Str
    kubeconfig: pulumi.Output[str] | None
    k8s_provider: pulumi.ProviderResource
    oidc_issuer: Str
    storage_class: str = ""
    api_server: Str = ""  # the API server's URL and CA, for a Vault outside the cluster to review tokens with
    api_ca_cert: Str = ""


@dataclass(frozen=True)
class WorkloadIdentity:
    """Annotations (and pod labels, on AKS) that give W&B's service accounts their cloud identity."""

    service_account_annotations: dict[str, Str] = field(default_factory=dict)
    pod_labels: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class IngressSettings:
    """How W&B is exposed: the chart's ingress class, annotations and TLS entries, and Kubernetes objects
    (plain manifests without namespace) that the ingress needs beside it in the CR's namespace. With `create`
    off there is no Ingress: W&B is reached through its nginx Service (`kubectl port-forward`)."""

    ingress_class: str
    annotations: dict[str, Str] = field(default_factory=dict)
    tls: list[dict] = field(default_factory=list)
    manifests: list[dict] = field(default_factory=list)
    create: bool = True


@dataclass(frozen=True)
class Peer:
    """Addresses W&B's pods may reach, or be reached from, on these TCP ports: CIDRs, or a namespace's pods."""

    ports: tuple[pulumi.Input[int], ...]
    cidrs: tuple[Str, ...] = ()
    namespace: str = ""


@dataclass(frozen=True)
class NetworkIsolation:
    """What a target knows of the traffic W&B's namespace needs beyond itself, DNS and HTTPS to the internet:
    where its load balancer reaches the pods from, and the private endpoints the pods reach (datastores, the
    API server, the metadata server)."""

    ingress_from: tuple[Peer, ...]
    egress_to: tuple[Peer, ...]


@dataclass(frozen=True)
class SpotNodes:
    """A cluster's spot (preemptible) nodes: the taint that keeps other pods off them and the label they carry.
    Workloads that can be stopped at any moment tolerate the taint and prefer the label."""

    taint_key: str
    taint_value: str
    label_key: str
    label_value: str


@dataclass(frozen=True)
class BackupStore:
    """Where a datastore in the cluster writes its backups: a prefix of the platform's bucket, reached as a
    workload identity that one Kubernetes service account of the datastore's namespace is bound to."""

    provider: str  # gcs | s3 | azblob
    bucket: pulumi.Input[str]  # azblob: the storage account
    prefix: str  # e.g. "clickhouse/"; the identity may write there only
    region: str
    service_account: str  # its name, in the datastore's namespace
    annotations: Mapping[str, pulumi.Input[str]]  # on that service account: the identity
    container: pulumi.Input[str] = ""  # azblob: the account's container of the backups (the identity's alone)
    pod_labels: Mapping[str, str] = field(default_factory=dict)  # on the pods, where the identity asks for them


@dataclass(frozen=True)
class RemotePrometheus:
    """A managed Prometheus that the in-cluster Prometheus, in agent mode, writes every series to, and that
    evaluates the platform's rules and routes their alerts itself (`observability.mode: cloud` on AWS)."""

    remote_write_url: pulumi.Input[str]
    query_url: pulumi.Input[str]  # its Prometheus-compatible query endpoint: Grafana's data source
    region: str  # requests are signed (SigV4) for this region
    writer_annotations: Mapping[str, pulumi.Input[str]]  # on Prometheus's service account: the right to write
    reader_annotations: Mapping[str, pulumi.Input[str]]  # on Grafana's: the right to query
