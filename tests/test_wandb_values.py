"""The CR's values, as a pure function: references only, the right keys, the chart's field names."""

import pytest

from components.contracts import BucketInfo, ClickHouseEndpoint, IngressSettings, KafkaEndpoint, RedisEndpoint
from components.k8s.wandb_values import (
    WANDB_SERVICE_ACCOUNTS,
    OidcSettings,
    deep_merge,
    s3_location,
    secret_layout,
    service_account_names,
    wandb_values,
)
from tests.conftest import leaves, values_input

PASSWORDS = ("mysql-pass-1234", "redis-auth-5678")


spec = values_input


def test_values_hold_no_credential_only_references():
    values = wandb_values(spec())
    assert not set(PASSWORDS) & set(leaves(values))
    refs = secret_layout("wandb")
    g = values["global"]
    assert g["licenseSecret"] == {"name": refs.license.name, "key": "license"}
    assert g["mysql"]["passwordSecret"]["name"] == refs.mysql_password.name
    assert g["mysql"]["passwordSecret"]["passwordKey"] == "MYSQL_PASSWORD"
    assert g["redis"]["secret"] == {"secretName": refs.redis_password.name, "secretKey": "REDIS_PASSWORD"}
    assert refs.redis_ca_cert == type(refs.redis_ca_cert)(refs.redis_password.name, "REDIS_CA_CERT")


def test_managed_datastores_are_external_to_the_chart_with_tls_to_redis():
    values = wandb_values(spec())
    assert values["mysql"]["install"] is False and values["redis"]["install"] is False
    assert values["global"]["mysql"]["host"] == "10.0.0.3"
    assert values["global"]["redis"]["params"] == {
        "ttlInSeconds": "604800",
        "tls": "true",
        "caCertPath": "/etc/ssl/certs/redis_ca.pem",
    }
    assert values["global"]["redis"]["port"] == 6378


def test_in_cluster_datastores_use_the_charts_services_with_our_secrets():
    values = wandb_values(spec(mysql=None, redis=None))
    assert values["mysql"]["install"] is True and values["mysql"]["image"]["tag"] == "8.4"
    assert values["redis"]["install"] is True and values["redis"]["auth"] == {"enabled": True}
    assert values["redis"]["image"]["tag"].startswith("7.") and "latest" not in values["redis"]["image"].values()
    assert wandb_values(spec(mysql=None, mysql_version="8.0"))["mysql"]["image"]["tag"] == "8.0"
    assert values["global"]["mysql"]["host"] == "" and values["global"]["redis"]["host"] == ""
    assert values["global"]["mysql"]["passwordSecret"]["rootPasswordKey"] == "MYSQL_ROOT_PASSWORD"


def test_every_wandb_service_account_carries_the_identity():
    values = wandb_values(spec())
    for component in WANDB_SERVICE_ACCOUNTS:
        assert values[component]["serviceAccount"]["annotations"] == {
            "iam.gke.io/gcp-service-account": "wandb@p.iam.gserviceaccount.com"
        }
    assert "wandb-settings-migration-job" in service_account_names("wandb")


def test_bucket_ingress_and_cloud_provider():
    values = wandb_values(spec())
    assert values["global"]["defaultBucket"] == {
        "provider": "gcs",
        "name": "bucket-1",
        "path": "",
        "region": "us-central1",
        "kmsKey": "projects/p/keys/k",
    }
    assert values["global"]["cloudProvider"] == "gcp"
    assert values["ingress"]["annotations"] == {"kubernetes.io/ingress.class": "gce"}
    assert values["clickhouse"] == {"install": False} and values["kafka"] == {"install": False}


def test_oidc_secret_is_a_reference_and_jwt_map_trusts_the_cluster_issuer():
    values = wandb_values(
        spec(oidc=OidcSettings("client", "https://idp.example.com", "pkce", True), cluster_oidc_issuer="https://iss")
    )
    assert values["global"]["auth"]["oidc"]["oidcSecret"] == {"name": "wandb-platform-oidc", "secretKey": "OIDC_SECRET"}
    subjects = {e["subject"]: e["issuer"] for e in values["app"]["internalJWTMap"]}
    assert subjects == {
        "system:serviceaccount:wandb:wandb-weave-trace": "https://iss",
        "system:serviceaccount:wandb:wandb-weave-trace-worker": "https://iss",
    }


def test_extra_values_merge_last_and_win():
    values = wandb_values(spec(extra_values={"global": {"size": "xlarge"}, "app": {"replicas": 3}}))
    assert values["global"]["size"] == "xlarge" and values["app"]["replicas"] == 3
    assert values["global"]["licenseSecret"]["key"] == "license"  # siblings kept


def test_deep_merge_replaces_lists_and_scalars_and_merges_maps():
    base = {"a": {"b": 1, "c": [1, 2]}, "d": 1}
    assert deep_merge(base, {"a": {"c": [3]}, "d": {"e": 2}}) == {"a": {"b": 1, "c": [3]}, "d": {"e": 2}}
    assert base == {"a": {"b": 1, "c": [1, 2]}, "d": 1}


def test_only_keys_that_exist_are_referenced():
    managed = wandb_values(spec())
    assert "rootPasswordKey" not in managed["global"]["mysql"]["passwordSecret"]
    no_auth = wandb_values(spec(redis=RedisEndpoint(host="cache", password=None, tls=False)))
    assert "secret" not in no_auth["global"]["redis"] and "tls" not in no_auth["global"]["redis"]["params"]


@pytest.mark.parametrize(
    ("endpoint", "bucket", "path", "tls", "region", "expected"),
    [
        ("minio:9000", "b", "", False, "", ("minio:9000", "b")),
        ("s3.corp:443", "b", "/runs/", True, "", ("s3.corp:443", "b/runs?tls=true")),
        (
            "s3.eu-west-1.amazonaws.com",
            "b",
            "",
            True,
            "eu-west-1",
            ("s3.eu-west-1.amazonaws.com", "b?tls=true&region=eu-west-1"),
        ),
    ],
)
def test_s3_endpoints_go_in_the_name_and_the_bucket_leads_the_path(endpoint, bucket, path, tls, region, expected):
    assert s3_location(endpoint, bucket, path, tls, region) == expected


def test_static_bucket_keys_are_referenced_from_the_bucket_secret_never_inlined():
    bucket = BucketInfo("s3", "b", "us-east-1", endpoint="store:8333", tls=False, access_key="AK1", secret_key="SK1")
    values = wandb_values(values_input(bucket=bucket, cloud_provider=""))
    g = values["global"]
    assert "defaultBucket" not in g and g["bucket"]["secret"]["secretName"] == "wandb-platform-bucket"
    assert not {"AK1", "SK1"} & set(leaves(values))
    assert "env" not in g and "additionalServices" not in values.get("nginx", {})


def test_a_proxied_store_is_served_through_w_and_b_nginx_and_no_ingress_means_nginx():
    bucket = BucketInfo("s3", "wandb", endpoint="store:8333", tls=False, access_key="a", secret_key="s", proxied=True)
    values = wandb_values(values_input(bucket=bucket, ingress=IngressSettings("", create=False)))
    assert values["global"]["env"]["BUCKET_PROXY"] == "true"
    assert values["nginx"]["install"] is True
    assert values["nginx"]["additionalServices"] == {
        "wandb": {"host": "http://store:8333", "headers": {"Host": "store:8333"}}
    }
    assert values["ingress"] == {"install": False, "create": False}


def test_weave_traces_reference_the_clickhouse_secret_and_follow_the_endpoint():
    without = wandb_values(spec())
    assert without["weave-trace"]["install"] is False and "clickhouse" not in without["global"]
    plain = ClickHouseEndpoint(host="ch.svc", password="pw-123", port=8123, user="weave")
    values = wandb_values(spec(clickhouse=plain))
    assert values["weave-trace"]["install"] is True and values["clickhouse"] == {"install": False}
    assert values["global"]["clickhouse"] == {
        "host": "ch.svc",
        "port": "8123",
        "database": "weave_trace_db",
        "user": "weave",
        "passwordSecret": {"name": "wandb-platform-clickhouse", "passwordKey": "CLICKHOUSE_PASSWORD"},
        "replicated": False,
    }
    assert "pw-123" not in str(values) and "caCertsConfigMap" not in values["global"]
    replicated = ClickHouseEndpoint(host="ch", password="p", replicated=True, cluster="weave", ca_cert="PEM")
    g = wandb_values(spec(clickhouse=replicated))["global"]
    assert g["clickhouse"]["port"] == "8443" and g["clickhouse"]["replicated"] is True
    assert g["extraEnv"] == {"WF_CLICKHOUSE_REPLICATED_CLUSTER": "weave"}
    assert g["caCertsConfigMap"] == "wandb-platform-ca-certs"


def test_kafka_turns_on_runs_v2_with_the_broker_and_no_credentials():
    assert "kafka" not in wandb_values(spec())["global"]
    values = wandb_values(spec(kafka=KafkaEndpoint(broker_host="b-1.msk", partitions=50)))
    assert values["global"]["kafka"] == {
        "brokerHost": "b-1.msk",
        "brokerPort": 9092,
        "runUpdatesShadowNumPartitions": 50,
    }
    assert values["global"]["env"]["GORILLA_RUN_STORE_ONPREM_MIGRATE_SHADOW_RUN_UPDATES"] == "true"
    assert values["flat-run-fields-updater"]["install"] is True and values["kafka"] == {"install": False}
    assert "passwordSecret" not in values["global"]["kafka"]


def test_kafka_consumers_and_weave_workers_follow_what_is_on():
    stream = KafkaEndpoint(broker_host="b-1.msk")
    only_kafka = wandb_values(spec(kafka=stream))
    assert only_kafka["metric-observer"]["install"] is True

    def installed(values, component):
        return values.get(component, {}).get("install", False)

    assert not installed(only_kafka, "weave-trace-worker") and not installed(only_kafka, "weave-evaluate-model-worker")
    weave = ClickHouseEndpoint(host="ch", password="p")
    assert not installed(wandb_values(spec(clickhouse=weave)), "weave-trace-worker")  # no Kafka, no workers
    both = wandb_values(spec(kafka=stream, clickhouse=weave))
    assert both["weave-trace-worker"]["install"] is True and both["weave-evaluate-model-worker"]["install"] is True
    assert not installed(both, "weave-trace-agent-scoring-worker")
