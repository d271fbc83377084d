"""The `spec.values` of the WeightsAndBiases resource, built by pure functions.

Credentials never appear here: the values carry only references (Secret name and key) to Secrets that
`secret_layout` describes and the W&B release creates. Field names follow chart operator-wandb 0.43.8
(https://github.com/wandb/helm-charts, charts/operator-wandb).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..contracts import (
    BucketInfo,
    ClickHouseEndpoint,
    IngressSettings,
    KafkaEndpoint,
    MysqlEndpoint,
    RedisEndpoint,
    SpotNodes,
    WorkloadIdentity,
)
from .helm import deep_merge
from .image_catalogue import CONSOLE, SERVER, image_values
from .images import Registry
from .wandb_topology import spot_values, topology_values
from .wandb_traces import TraceExport, trace_values

# Chart value keys of the W&B components that talk to the bucket or the cloud, with the suffix of the service
# account the chart gives each (`<cr-name>-<suffix>`). Workload identity binds exactly these names.
WANDB_SERVICE_ACCOUNTS: dict[str, str] = {
    "app": "app",
    "api": "api",
    "console": "console",
    "executor": "executor",
    "filemeta": "filemeta",
    "filestream": "filestream",
    "flat-run-fields-updater": "flat-run-fields-updater",
    "glue": "glue",
    "history-reader": "history-reader",
    "history-updater": "history-updater",
    "metric-observer": "metric-observer",
    "parquet": "parquet",
    "settingsMigrationJob": "settings-migration-job",
    "weave": "weave",
    "weave-trace": "weave-trace",
    "weave-trace-worker": "weave-trace-worker",
    "weave-evaluate-model-worker": "weave-evaluate-model-worker",
}

REDIS_CA_PATH = "/etc/ssl/certs/redis_ca.pem"  # where the chart mounts key REDIS_CA_CERT of the Redis Secret
CHART = "operator-wandb"  # the chart the operator renders W&B from; every image it runs is pinned


def service_account_names(instance_name: str) -> list[str]:
    """The Kubernetes service accounts the chart creates for the components in WANDB_SERVICE_ACCOUNTS."""
    return [f"{instance_name}-{suffix}" for suffix in WANDB_SERVICE_ACCOUNTS.values()]


@dataclass(frozen=True)
class SecretRef:
    name: str
    key: str


@dataclass(frozen=True)
class SecretLayout:
    """Names and keys of the Secrets this project owns in the CR's namespace; values reference only these."""

    license: SecretRef
    mysql_password: SecretRef
    mysql_root_password: SecretRef
    redis_password: SecretRef
    redis_ca_cert: SecretRef
    oidc_secret: SecretRef
    bucket_access_key: SecretRef
    bucket_secret_key: SecretRef
    clickhouse_password: SecretRef
    weave_worker_auth: SecretRef  # the token Weave's workers present to W&B; name and key fixed by the chart
    ca_certs: SecretRef  # a ConfigMap, not a Secret: the private CAs W&B trusts (public certificates only)


def secret_layout(instance_name: str) -> SecretLayout:
    prefix = f"{instance_name}-platform"
    return SecretLayout(
        license=SecretRef(f"{prefix}-license", "license"),
        mysql_password=SecretRef(f"{prefix}-mysql", "MYSQL_PASSWORD"),
        mysql_root_password=SecretRef(f"{prefix}-mysql", "MYSQL_ROOT_PASSWORD"),
        redis_password=SecretRef(f"{prefix}-redis", "REDIS_PASSWORD"),
        redis_ca_cert=SecretRef(f"{prefix}-redis", "REDIS_CA_CERT"),
        oidc_secret=SecretRef(f"{prefix}-oidc", "OIDC_SECRET"),
        bucket_access_key=SecretRef(f"{prefix}-bucket", "ACCESS_KEY"),
        bucket_secret_key=SecretRef(f"{prefix}-bucket", "SECRET_KEY"),
        clickhouse_password=SecretRef(f"{prefix}-clickhouse", "CLICKHOUSE_PASSWORD"),
        weave_worker_auth=SecretRef("weave-worker-auth", "key"),
        ca_certs=SecretRef(f"{prefix}-ca-certs", "clickhouse-ca.crt"),  # the chart reads keys ending in .crt
    )


@dataclass(frozen=True)
class OidcSettings:
    client_id: str
    issuer: str
    auth_method: str = "implicit"
    has_secret: bool = False


@dataclass(frozen=True)
class ValuesInput:
    """What the values depend on. `mysql`/`redis` None means the chart installs them in the cluster."""

    host: str
    instance_name: str
    namespace: str
    size: str
    cloud_provider: str  # gcp | aws | azure | "" (no cloud-specific chart behaviour)
    mysql: MysqlEndpoint | None
    redis: RedisEndpoint | None
    bucket: BucketInfo | None
    identity: WorkloadIdentity = field(default_factory=WorkloadIdentity)
    ingress: IngressSettings = field(default_factory=lambda: IngressSettings(ingress_class=""))
    oidc: OidcSettings | None = None
    cluster_oidc_issuer: Any = ""
    extra_values: Mapping[str, Any] = field(default_factory=dict)
    mysql_version: str = "8.4"  # the in-cluster MySQL's image tag (the chart's is `latest`: MySQL 9, unsupported)
    chart_version: str = "0.43.8"  # operator-wandb's, whose images are pinned; "" = the operator's choice, unpinned
    server_version: str = "0.83.0"  # W&B Server: the tag of its app, API, workers, frontend and Weave images
    console_version: str = "2.18.12"  # the W&B console's own release line
    registry: Registry = field(default_factory=Registry)  # where W&B's images come from
    clickhouse: ClickHouseEndpoint | None = None  # None: no Weave traces
    kafka: KafkaEndpoint | None = None  # None: no event stream (no Runs V2 run store)
    restart_on_secret_change: bool = False  # the chart's Reloader: pods restart when a Secret they use changes
    spot: SpotNodes | None = None  # the cluster's spot nodes, where W&B's queue workers may run
    traces: TraceExport | None = None  # where W&B sends its OpenTelemetry traces (None: nowhere)
    console_access: str = "cluster"  # the console's rights: W&B's ClusterRole, or a Role in its namespace


def _mysql_values(mysql: MysqlEndpoint | None, secrets: SecretLayout) -> dict[str, Any]:
    password_secret = {"name": secrets.mysql_password.name, "passwordKey": secrets.mysql_password.key}
    if mysql is None:  # the chart's Service `<cr>-mysql`; its pod takes both passwords from our Secret
        password_secret["rootPasswordKey"] = secrets.mysql_root_password.key
        return {"host": "", "port": 3306, "database": "wandb_local", "user": "wandb", "passwordSecret": password_secret}
    return {
        "host": mysql.host,
        "port": mysql.port,
        "database": mysql.database,
        "user": mysql.user,
        "passwordSecret": password_secret,
    }


def _redis_values(redis: RedisEndpoint | None, secrets: SecretLayout) -> dict[str, Any]:
    reference = {"secretName": secrets.redis_password.name, "secretKey": secrets.redis_password.key}
    if redis is None:  # the chart's Bitnami Redis `<cr>-redis-master`, AUTH from our Secret
        return {"host": "", "port": 6379, "secret": reference}
    values: dict[str, Any] = {"secret": reference} if redis.password is not None else {}
    params = {"ttlInSeconds": "604800"}
    if redis.tls:
        params["tls"] = "true"
        if redis.ca_cert is not None:
            params["caCertPath"] = REDIS_CA_PATH
    return {"host": redis.host, "port": redis.port, "params": params, **values}


def s3_location(endpoint: str, bucket: str, path: str, tls: bool, region: str = "") -> tuple[str, str]:
    """The chart's `name` and `path` for an S3 endpoint: the chart has no endpoint field, so the endpoint goes
    in `name` and the bucket leads the path, with `tls=true` for https and, on AWS's own endpoints, the
    region (W&B's documented form for static keys)."""
    location = "/".join(p for p in (bucket, path.strip("/")) if p)
    query = [*(["tls=true"] if tls else []), *([f"region={region}"] if endpoint.endswith(".amazonaws.com") else [])]
    return endpoint, f"{location}?{'&'.join(query)}" if query else location


def _bucket_values(bucket: BucketInfo | None, secrets: SecretLayout) -> dict[str, Any]:
    if bucket is None:
        return {}
    name, path = bucket.name, bucket.path
    if bucket.endpoint:
        name, path = s3_location(bucket.endpoint, str(bucket.name), str(bucket.path), bucket.tls, str(bucket.region))
    fields = {
        "provider": bucket.provider,
        "name": name,
        "path": path,
        "region": bucket.region,
        "kmsKey": bucket.kms_key,
    }
    if bucket.access_key is None:  # workload identity or the nodes' own credentials
        return {"defaultBucket": fields}
    # Static keys: `global.bucket` wins over `defaultBucket` and is where the chart reads its Secret from.
    # An Azure account key goes in the access key, which the chart hands over as AZURE_STORAGE_KEY.
    secret_key = secrets.bucket_secret_key if bucket.secret_key is not None else secrets.bucket_access_key
    reference = {
        "secretName": secrets.bucket_access_key.name,
        "accessKeyName": secrets.bucket_access_key.key,
        "secretKeyName": secret_key.key,
    }
    return {"bucket": {**fields, "secret": reference}}


def _clickhouse_values(clickhouse: ClickHouseEndpoint | None, secrets: SecretLayout) -> dict[str, Any]:
    """Weave traces on ClickHouse: the endpoint in `global.clickhouse` (the port as text: the chart prints it),
    the password by reference, the cluster for replicated tables, and a private CA through a ConfigMap."""
    if clickhouse is None:
        return {"weave-trace": {"install": False}}
    global_values: dict[str, Any] = {
        "clickhouse": {
            "host": clickhouse.host,
            "port": str(clickhouse.port),
            "database": clickhouse.database,
            "user": clickhouse.user,
            "passwordSecret": {
                "name": secrets.clickhouse_password.name,
                "passwordKey": secrets.clickhouse_password.key,
            },
            "replicated": clickhouse.replicated,
        }
    }
    if clickhouse.replicated:
        global_values["extraEnv"] = {"WF_CLICKHOUSE_REPLICATED_CLUSTER": clickhouse.cluster}
    if clickhouse.ca_cert is not None:
        global_values["caCertsConfigMap"] = secrets.ca_certs.name
    return {"global": global_values, "weave-trace": {"install": True}}


KAFKA_PORT = 9092
# What W&B's own Runs V2 configuration turns on with Kafka: the run store tables and the shadowing of run updates
# into the run-updates topic (GORILLA_RUN_STORE_ONPREM_MIGRATE_*), and the consumers of that topic.
RUNS_V2_ENV = {
    "GORILLA_RUN_STORE_ONPREM_MIGRATE_CREATE_RUN_TABLES": "true",
    "GORILLA_RUN_STORE_ONPREM_MIGRATE_CREATE_RUN_STORE": "true",
    "GORILLA_RUN_STORE_ONPREM_MIGRATE_SHADOW_RUN_UPDATES": "true",
    "GORILLA_RUN_STORE_ONPREM_MIGRATE_FLAT_RUNS_MIGRATOR": "true",
    "GORILLA_RUN_STORE_ONPREM_MIGRATE_DISABLE_READS": "false",
}
RUN_UPDATE_CONSUMERS = ("flat-run-fields-updater", "metric-observer")  # each its own consumer group
# Weave's workers, with ClickHouse and Kafka both on: online evaluations (monitors scoring finished calls) and
# model evaluations started from the UI. The topics Weave's trace server produces to and they consume; the
# brokers create no topic by themselves. Agent scoring stays off, as in W&B's own reference deployment.
WEAVE_WORKERS = ("weave-trace-worker", "weave-evaluate-model-worker")
WEAVE_TOPICS = ("weave.call_ended", "weave.score_calls", "weave.evaluate_model")
WEAVE_TOPIC_PARTITIONS = 16  # W&B's reference deployment's


def run_updates_topic(instance_name: str) -> str:
    """The topic W&B's chart always names `<release>-run-updates-shadow` (63 characters at most)."""
    return f"{instance_name}-run-updates-shadow"[:63]


def weave_topics(weave: bool) -> tuple[str, ...]:
    """The topics to create beside the run-updates one: Weave's, when Weave runs on this Kafka."""
    return WEAVE_TOPICS if weave else ()


def weave_workers_on(spec: ValuesInput) -> bool:
    return spec.clickhouse is not None and spec.kafka is not None


def _kafka_values(kafka: KafkaEndpoint | None, weave: bool) -> dict[str, Any]:
    """The broker (no credentials: with a broker it does not install, the chart passes none), the topic's
    partitions, the Runs V2 pieces that use it, and Weave's workers when Weave is on."""
    if kafka is None:
        return {}
    broker = {
        "brokerHost": kafka.broker_host,
        "brokerPort": KAFKA_PORT,
        "runUpdatesShadowNumPartitions": kafka.partitions,
    }
    consumers = RUN_UPDATE_CONSUMERS + (WEAVE_WORKERS if weave else ())
    return {
        "global": {"kafka": broker, "env": dict(RUNS_V2_ENV)},
        **{consumer: {"install": True} for consumer in consumers},
    }


def _bucket_proxy_values(bucket: BucketInfo | None) -> dict[str, Any]:
    """W&B's nginx serves the store under W&B's own host, for browsers and SDKs that cannot reach it."""
    if bucket is None or not bucket.proxied:
        return {}
    env = {
        "BUCKET_PROXY": "true",
        "GORILLA_FILE_STORE_IS_PROXIED": "true",
        "GORILLA_GLUE_FILE_STORE_IS_PROXIED": "true",
    }
    scheme = "https" if bucket.tls else "http"
    service = {"host": f"{scheme}://{bucket.endpoint}", "headers": {"Host": bucket.endpoint}}
    return {"global": {"env": env}, "nginx": {"install": True, "additionalServices": {bucket.name: service}}}


def _ingress_values(ingress: IngressSettings) -> dict[str, Any]:
    if not ingress.create:  # W&B's nginx is then the way in (kubectl port-forward svc/<cr>-nginx 8080)
        return {"ingress": {"install": False, "create": False}, "nginx": {"install": True}}
    return {
        "ingress": {
            "class": ingress.ingress_class,
            "annotations": dict(ingress.annotations),
            "tls": list(ingress.tls),
        }
    }


def _identity_values(identity: WorkloadIdentity) -> dict[str, Any]:
    if not identity.service_account_annotations and not identity.pod_labels:
        return {}

    def component_values() -> dict[str, Any]:
        values: dict[str, Any] = {"serviceAccount": {"annotations": dict(identity.service_account_annotations)}}
        if identity.pod_labels:
            values["pod"] = {"labels": dict(identity.pod_labels)}
        return values

    return {component: component_values() for component in WANDB_SERVICE_ACCOUNTS}


def _oidc_values(oidc: OidcSettings | None, secrets: SecretLayout) -> dict[str, Any]:
    if oidc is None:
        return {}
    values: dict[str, Any] = {"clientId": oidc.client_id, "issuer": oidc.issuer, "authMethod": oidc.auth_method}
    if oidc.has_secret:
        values["oidcSecret"] = {"name": secrets.oidc_secret.name, "secretKey": secrets.oidc_secret.key}
    return {"auth": {"oidc": values}}


def wandb_values(spec: ValuesInput) -> dict[str, Any]:
    """The CR's `spec.values`: references to Secrets only, the stack's free-form values merged last."""
    secrets = secret_layout(spec.instance_name)
    global_values: dict[str, Any] = {
        "host": spec.host,
        "size": spec.size,
        "licenseSecret": {"name": secrets.license.name, "key": secrets.license.key},
        "mysql": _mysql_values(spec.mysql, secrets),
        "redis": _redis_values(spec.redis, secrets),
        **_bucket_values(spec.bucket, secrets),
        **_oidc_values(spec.oidc, secrets),
    }
    if spec.cloud_provider:
        global_values["cloudProvider"] = spec.cloud_provider
    values: dict[str, Any] = {
        "global": global_values,
        **_ingress_values(spec.ingress),
        "mysql": {"install": spec.mysql is None},
        "redis": {"install": spec.redis is None, **({"auth": {"enabled": True}} if spec.redis is None else {})},
        "clickhouse": {"install": False},  # the chart's bundled ClickHouse is 25.7, older than Weave supports
        "kafka": {"install": False},
        **_identity_values(spec.identity),
    }
    if spec.cluster_oidc_issuer:
        jwt_map = [
            {
                "subject": f"system:serviceaccount:{spec.namespace}:{spec.instance_name}-{sa}",
                "issuer": spec.cluster_oidc_issuer,
            }
            for sa in ("weave-trace", "weave-trace-worker")
        ]
        values = deep_merge(values, {"app": {"internalJWTMap": jwt_map}})
    values = deep_merge(values, topology_values(spec.size, weave=spec.clickhouse is not None))
    if spec.spot is not None:
        values = deep_merge(values, spot_values(spec.spot))
    values = deep_merge(values, _clickhouse_values(spec.clickhouse, secrets))
    values = deep_merge(values, _kafka_values(spec.kafka, weave=weave_workers_on(spec)))
    values = deep_merge(values, _bucket_proxy_values(spec.bucket))
    if spec.traces is not None:
        values = deep_merge(values, trace_values(spec.traces))
    if spec.console_access == "namespace":  # the chart's Role and RoleBinding in place of its cluster-wide pair
        values = deep_merge(values, {"console": {"role": {"type": "Role"}}})
    if spec.restart_on_secret_change:
        values = deep_merge(values, {"reloader": {"install": True}})
    versions = {SERVER: spec.server_version, CONSOLE: spec.console_version, "mysql": spec.mysql_version}
    values = deep_merge(values, image_values(CHART, spec.chart_version, spec.registry, versions))
    return deep_merge(values, spec.extra_values)
