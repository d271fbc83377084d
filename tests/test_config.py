"""Config validation: every problem reported at once, naming the key; secrets never echoed."""

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from components.platform.sizes import AWS_SIZES, GCP_SIZES, SIZES, resolve_size, sized
from stacks.config import AURORA_VERSIONS, ConfigError, credential_keys, load_config
from tests.conftest import LICENSE, TEST_CERTIFICATE_ARN, base_aws_config, base_gcp_config


def cluster_size(cfg):
    """The preset and overrides the stack hands its platform component, resolved as the component does."""
    return resolve_size(cfg.target, cfg.size, cfg.size_overrides.given())


def valid(**overrides):
    return {**base_gcp_config(**overrides), "wandb-platform:license": LICENSE}


def load(raw):
    """Load with every key held encrypted, as `pulumi config set --secret` leaves credentials."""
    return load_config(raw, secret_keys=set(raw))


def problems(raw, secret_keys=None) -> list[str]:
    with pytest.raises(ConfigError) as err:
        load_config(raw, secret_keys=set(raw) if secret_keys is None else secret_keys)
    return err.value.problems


def test_defaults_are_production_safe():
    cfg = load(valid())
    assert cfg.environment == "prod" and cfg.protect and cfg.ha
    assert (cfg.mysql.mode, cfg.redis.mode, cfg.bucket.mode) == ("managed", "managed", "managed")
    assert cfg.namespace == "wandb" and cfg.instance_name == "wandb" and cfg.size == "small"
    assert cfg.license.get_secret_value() == LICENSE and LICENSE not in repr(cfg)


def test_dev_turns_protection_and_ha_off_unless_overridden():
    assert not load(valid(environment="dev")).protect
    cfg = load(valid(environment="dev", deletionProtection="true", highAvailability="true"))
    assert cfg.protect and cfg.ha


def test_malformed_stack_names_every_bad_key_at_once():
    raw = {"wandb-platform:size": "huge", "wandb-platform:host": "wandb.example.com", "wandb-platform:license": "x"}
    found = problems(raw)
    assert any(p.startswith("wandb-platform:size:") and "'small'" in p and "'huge'" in p for p in found)
    assert any(p.startswith("wandb-platform:host:") and "scheme" in p for p in found)
    assert any(p.startswith("gcp:project:") for p in found)
    assert len(found) == 3


@pytest.mark.parametrize(
    ("overrides", "key", "words"),
    [
        ({"bogus": "1"}, "wandb-platform:bogus", "unknown key"),
        ({"mysql": {"mode": "external"}}, "wandb-platform:mysql", "needs host, password"),
        ({"mysql": {"mode": "in-cluster", "host": "db"}}, "wandb-platform:mysql", "only apply to mode 'external'"),
        ({"redis": {"mode": "clustered"}}, "wandb-platform:redis.mode", "'in-cluster'"),
        ({"redis": {"mode": "managed", "password": "p4ss"}}, "wandb-platform:redis", "only for mode 'external'"),
        ({"bucket": {"mode": "external"}}, "wandb-platform:bucket", "needs name"),
        ({"bucket": {"mode": "external", "name": "b", "provider": "s3"}}, "wandb-platform:bucket.provider", "gcs"),
        ({"host": "https://wandb.example.com/path"}, "wandb-platform:host", "no path"),
        ({"host": "http://wandb.example.com"}, "wandb-platform:host", "https://"),
        ({"namespace": "Not_A_Label"}, "wandb-platform:namespace", "pattern"),
        ({"environment": "staging"}, "wandb-platform:environment", "'dev' or 'prod'"),
        ({"target": "openstack"}, "wandb-platform:target", "'azure' or 'existing'"),
        (
            {"gcp": {"authorizedNetworks": [{"cidr": "0.0.0.0/0"}]}},
            "wandb-platform:gcp.authorizedNetworks[0].cidr",
            "internet",
        ),
        ({"gcp": {"masterCidr": "172.16.0.0/24"}}, "wandb-platform:gcp.masterCidr", "/28"),
        ({"gcp": {"podsCidr": "10.10.0.0/16"}}, "wandb-platform:gcp", "overlaps"),
        ({"gcp": {"releaseChannel": "FAST"}}, "wandb-platform:gcp.releaseChannel", "'REGULAR'"),
        ({"sizeOverrides": {"nodeMinCount": 9, "nodeMaxCount": 3}}, "wandb-platform:sizeOverrides", "exceeds"),
        ({"sizeOverrides": {"gpus": 1}}, "wandb-platform:sizeOverrides.gpus", "unknown key"),
        ({"oidc": {"clientId": "c", "issuer": "http://idp"}}, "wandb-platform:oidc.issuer", "https"),
        ({"labels": {"Team": "ML"}}, "wandb-platform:labels", "lowercase"),
    ],
)
def test_each_invalid_input_names_its_key(overrides, key, words):
    found = problems(valid(**overrides))
    assert any(p.startswith(f"{key}:") and words in p for p in found), found


def valid_aws(**overrides):
    return {**base_aws_config(**overrides), "wandb-platform:license": LICENSE}


def aws_section(**keys):
    return {"certificateArn": TEST_CERTIFICATE_ARN, **keys}


@pytest.mark.parametrize(
    ("raw", "key", "words"),
    [
        ({**valid_aws(), "aws:region": ""}, "aws:region", "required for target 'aws'"),
        (valid_aws(aws={}), "wandb-platform:aws.certificateArn", "route53ZoneId"),
        (valid_aws(aws=aws_section(route53ZoneId="Z123")), "wandb-platform:aws", "not both"),
        (valid_aws(gcp={"privateEndpoint": True}), "wandb-platform:gcp", "target 'gcp' only"),
        (valid_aws(bucket={"provider": "gcs"}), "wandb-platform:bucket.provider", "only 's3'"),
        (valid_aws(sizeOverrides={"redisMemoryGb": 20}), "wandb-platform:sizeOverrides", "redisNodeType"),
        (valid_aws(mysql={"backupRetentionDays": 60}), "wandb-platform:mysql.backupRetentionDays", "35"),
        (valid_aws(ingress={"staticIpName": "ip"}), "wandb-platform:ingress.staticIpName", "'gcp' only"),
        (valid_aws(aws=aws_section(vpcId="vpc-0123456789abcdef0")), "wandb-platform:aws", "privateSubnetIds"),
        (
            valid_aws(aws=aws_section(privateSubnetIds=["subnet-0a0b0c0d"])),
            "wandb-platform:aws",
            "only apply with vpcId",
        ),
        (valid_aws(aws=aws_section(apiAccessCidrs=["0.0.0.0/0"])), "wandb-platform:aws.apiAccessCidrs[0]", "internet"),
        (valid_aws(aws=aws_section(vpcCidr="10.0.0.0/8")), "wandb-platform:aws.vpcCidr", "/16 to /19"),
        (valid_aws(aws=aws_section(azCount=1)), "wandb-platform:aws.azCount", "greater than or equal to 2"),
        (valid_aws(aws=aws_section(availabilityZones=["a"], azCount=2)), "wandb-platform:aws", "not both"),
        (valid_aws(aws=aws_section(logRetentionDays=100)), "wandb-platform:aws.logRetentionDays", "retention"),
        (valid_aws(aws=aws_section(certificateArn="arn:aws:acm:x")), "wandb-platform:aws.certificateArn", "pattern"),
        (valid_aws(aws=aws_section(kubernetesVersion="1.9")), "wandb-platform:aws.kubernetesVersion", "minor version"),
        (valid_aws(aws=aws_section(kubernetesVersion="1.33")), "wandb-platform:aws.kubernetesVersion", "1.34 or newer"),
        (valid_aws(aws=aws_section(kubernetesVersion=1.3)), "wandb-platform:aws.kubernetesVersion", "quote it"),
        (
            valid_aws(aws=aws_section(auroraVersion="8.0.mysql_aurora.3.10.4")),
            "wandb-platform:aws.auroraVersion",
            "is not MySQL 8.4",
        ),
    ],
)
def test_each_invalid_aws_input_names_its_key(raw, key, words):
    found = problems(raw)
    assert any(p.startswith(f"{key}:") and words in p for p in found), found


def test_aws_defaults_follow_the_environment():
    prod = load(valid_aws())
    assert (prod.ha, prod.flow_logs, prod.bucket_provider) == (True, True, "s3")
    assert cluster_size(prod) == AWS_SIZES["small"]
    dev = load(valid_aws(environment="dev"))
    assert (dev.ha, dev.flow_logs) == (False, False)
    medium = load(
        valid_aws(size="medium", sizeOverrides={"nodeType": "m7i.4xlarge", "redisNodeType": "cache.r7g.large"})
    )
    size = cluster_size(medium)
    assert (size.node_type, size.redis_node_type) == ("m7i.4xlarge", "cache.r7g.large")
    assert size.mysql_tier == AWS_SIZES["medium"].mysql_tier


def valid_existing(**overrides):
    base = {
        "wandb-platform:target": "existing",
        "wandb-platform:host": "http://localhost:8080",
        "wandb-platform:ingress": {"create": False, "tls": False},
        "wandb-platform:license": LICENSE,
    }
    return {**base, **{f"wandb-platform:{k}": v for k, v in overrides.items()}}


@pytest.mark.parametrize(
    ("raw", "key", "words"),
    [
        (valid_existing(mysql={"mode": "managed"}), "wandb-platform:mysql.mode", "needs a cloud target"),
        (valid_existing(redis={"mode": "managed"}), "wandb-platform:redis.mode", "'in-cluster' or 'external'"),
        (valid_existing(bucket={"mode": "managed"}), "wandb-platform:bucket.mode", "needs a cloud target"),
        (valid_existing(bucket={"mode": "external", "name": "b"}), "wandb-platform:bucket.provider", "s3, gcs or az"),
        (
            valid_existing(bucket={"mode": "external", "name": "b", "provider": "gcs", "accessKey": "k"}),
            "wandb-platform:bucket",
            "cannot pass GCS keys",
        ),
        (
            valid_existing(
                bucket={"mode": "external", "name": "b", "provider": "s3", "accessKey": "k", "secretKey": "s"}
            ),
            "wandb-platform:bucket",
            "needs region",
        ),
        (
            valid_existing(bucket={"mode": "external", "name": "b", "accessKey": "k"}),
            "wandb-platform:bucket",
            "together",
        ),
        (valid_existing(bucket={"endpoint": "minio:9000"}), "wandb-platform:bucket", "only apply to mode 'external'"),
        (valid_existing(ingress={"create": True, "tls": False}), "wandb-platform:host", "cannot carry a port"),
        (
            valid_existing(host="https://wandb.corp", ingress={"tls": True}),
            "wandb-platform:existing.tlsSecretName",
            "kubernetes.io/tls",
        ),
        (valid_existing(sizeOverrides={"nodeType": "x"}), "wandb-platform:sizeOverrides", "allowed: none"),
        (valid_existing(aws={"azCount": 2}), "wandb-platform:aws", "target 'aws' only"),
        (valid(ingress={"create": False}), "wandb-platform:ingress.create", "target 'existing' only"),
        (valid(bucket={"mode": "in-cluster"}), "wandb-platform:bucket.mode", "for target 'existing'"),
        (
            valid(bucket={"mode": "external", "name": "b", "accessKey": "k", "secretKey": "s", "region": "r"}),
            "wandb-platform:bucket",
            "workload identity",
        ),
    ],
)
def test_each_invalid_existing_cluster_input_names_its_key(raw, key, words):
    found = problems(raw)
    assert any(p.startswith(f"{key}:") and words in p for p in found), found


def test_existing_cluster_defaults_every_datastore_to_in_cluster():
    cfg = load(valid_existing())
    assert (cfg.mysql.mode, cfg.redis.mode, cfg.bucket.mode) == ("in-cluster", "in-cluster", "in-cluster")
    assert cfg.bucket_provider == "s3" and not cfg.ingress.create
    external = load(valid_existing(redis={"host": "redis.corp", "mode": "external"}))
    assert external.redis.mode == "external" and external.mysql.mode == "in-cluster"


def test_structured_values_arrive_as_json_text_like_pulumi_sends_them():
    cfg = load(valid(mysql='{"mode": "in-cluster"}', gcp='{"privateEndpoint": true}'))
    assert cfg.mysql.mode == "in-cluster" and cfg.gcp.private_endpoint is True


def test_secrets_never_appear_in_errors():
    raw = valid(mysql={"mode": "managed", "host": "db", "password": "hunter2-secret"})
    raw["wandb-platform:license"] = ["license-value-in-a-list"]
    found = problems(raw)
    assert any(p.startswith("wandb-platform:license:") for p in found)
    assert not any("hunter2-secret" in p or "license-value-in-a-list" in p for p in found)
    numeric = problems(valid(mysql={"mode": "external", "host": "db", "password": 99887766}))
    assert any("quote it" in p for p in numeric) and not any("99887766" in p for p in numeric)


def test_size_overrides_apply_on_top_of_the_preset():
    cfg = load(valid(size="large", sizeOverrides={"nodeType": "n2-standard-8", "redisMemoryGb": 20}))
    size = cluster_size(cfg)
    assert (size.node_type, size.redis_memory_gb) == ("n2-standard-8", 20)
    assert size.mysql_tier == GCP_SIZES["large"].mysql_tier


CONFIG_KEYS = [
    "size",
    "host",
    "environment",
    "namespace",
    "mysql",
    "redis",
    "bucket",
    "gcp",
    "aws",
    "existing",
    "target",
    "ingress",
    "values",
    "clickhouse",
    "kafka",
    "secrets",
    "vault",
    "stackRole",
]
ANY_VALUE = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 70000),
    st.text(max_size=30),
    st.sampled_from(
        [
            "small",
            "xxlarge",
            "https://w.example.com",
            "in-cluster",
            "managed",
            "external",
            "gcp",
            "aws",
            "existing",
            "vault",
            "kubernetes",
            "platform",
            "wandb",
        ]
    ),
    st.dictionaries(
        st.sampled_from(
            ["mode", "host", "port", "password", "name", "tls", "backend", "address", "loginRole", "platformStack"]
        ),
        st.text(max_size=10),
        max_size=3,
    ),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from(CONFIG_KEYS), ANY_VALUE, max_size=6), st.booleans())
def test_fuzzed_config_is_either_valid_or_a_clear_error(values, with_project):
    raw = {f"wandb-platform:{k}": v for k, v in values.items() if v is not None}
    raw["wandb-platform:license"] = LICENSE
    if with_project:
        raw["gcp:project"] = "fuzz-project-1"
        raw["aws:region"] = "eu-west-1"
    try:
        cfg = load(raw)
    except ConfigError as err:
        assert err.problems
        assert not any("instance of" in p or re.search(r"[A-Z][a-z]+Config\b", p) for p in err.problems)
        assert all(p.split(":")[0] in ("wandb-platform", "gcp", "aws") for p in err.problems)
        assert LICENSE not in str(err)
    else:
        if cfg.target in SIZES:  # what the config accepts, the platform component sizes without a problem
            assert sized(cfg.target, cfg.size, cfg.size_overrides.given())[1] == []
        assert cfg.host.startswith(("http://", "https://"))


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from(sorted(GCP_SIZES)),
    st.sampled_from(["managed", "in-cluster"]),
    st.sampled_from(["managed", "in-cluster"]),
    st.sampled_from(["dev", "prod"]),
)
def test_every_size_and_mode_combination_on_gcp_is_accepted(size, mysql, redis, environment):
    cfg = load(valid(size=size, mysql={"mode": mysql}, redis={"mode": redis}, environment=environment))
    assert cluster_size(cfg) == GCP_SIZES[size]
    assert cfg.protect == (environment == "prod")


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from(["in-cluster", "external", "managed", None]),
    st.sampled_from(["in-cluster", "external", "managed", None]),
    st.sampled_from(["in-cluster", "external", "managed", None]),
)
def test_every_mode_combination_on_an_existing_cluster_is_valid_unless_managed(mysql, redis, bucket):
    endpoints = {
        "mysql": {"host": "db", "password": "p4ssw0rd"},
        "redis": {"host": "cache"},
        "bucket": {"name": "b", "provider": "s3", "endpoint": "store:9000", "accessKey": "a", "secretKey": "s"},
    }
    sections = {
        key: {**({"mode": mode} if mode else {}), **(endpoints[key] if mode == "external" else {})}
        for key, mode in (("mysql", mysql), ("redis", redis), ("bucket", bucket))
    }
    raw = valid_existing(**sections)
    managed = [k for k, mode in (("mysql", mysql), ("redis", redis), ("bucket", bucket)) if mode == "managed"]
    if managed:
        found = problems(raw)
        assert {p.split(":")[1].split(".")[0] for p in found if "needs a cloud target" in p} == set(managed)
    else:
        cfg = load(raw)
        assert cfg.mysql.mode == (mysql or "in-cluster") and cfg.bucket.mode == (bucket or "in-cluster")


def test_a_plain_text_credential_is_refused_naming_its_key_and_the_secret_flag():
    raw = valid(mysql={"mode": "external", "host": "db", "password": "p4ssw0rd"}, oidc={"clientId": "c", **OIDC})
    found = problems(raw, secret_keys={"wandb-platform:oidc"})
    assert found == [
        "wandb-platform:license: a credential must not be stored in plain text; set it encrypted: "
        "pulumi config set --secret wandb-platform:license <value>",
        "wandb-platform:mysql.password: a credential must not be stored in plain text; set it encrypted: "
        "pulumi config set --secret --path 'wandb-platform:mysql.password' <value>",
    ]
    assert not any("p4ssw0rd" in p for p in found)


OIDC = {"issuer": "https://idp.example.com", "secret": "oidc-s3cret"}


def test_every_credential_of_the_config_is_known():
    assert {f"{k}.{s}" if s else k for k, s in credential_keys()} == {
        "wandb-platform:license",
        "wandb-platform:images.pullSecret",
        "wandb-platform:mysql.password",
        "wandb-platform:redis.password",
        "wandb-platform:bucket.accessKey",
        "wandb-platform:bucket.secretKey",
        "wandb-platform:oidc.secret",
        "wandb-platform:clickhouse.password",
        "wandb-platform:clickhouse.apiKeySecret",
        "wandb-platform:observability.alertSecret",
    }


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"enviroment": "dev"}, "wandb-platform:enviroment: unknown key; did you mean wandb-platform:environment?"),
        ({"mysql": {"mdoe": "managed"}}, "wandb-platform:mysql.mdoe: unknown key; did you mean mode?"),
        ({"ingress": {"zzz": 1}}, "wandb-platform:ingress.zzz: unknown key; allowed: annotations, create, "),
        ({}, "wandb-platfrom:size: unknown namespace; did you mean wandb-platform:size?"),
    ],
)
def test_an_unknown_key_gets_the_close_known_one_or_the_allowed_ones(overrides, expected):
    raw = {**valid(**overrides), "wandb-platfrom:size": "large", "kubernetes:context": "mine"}
    assert any(p.startswith(expected) for p in problems(raw)), problems(raw)
    assert not any(p.startswith("kubernetes:") for p in problems(raw))


def test_a_scalar_where_a_mapping_belongs_is_explained_in_config_keys():
    found = problems(valid(mysql="managed", labels="team"))
    assert "wandb-platform:mysql: must be a mapping of keys to values, not str (keys: " in found[1]
    assert "mode" in found[1] and "wandb-platform:labels: must be a mapping" in found[0]
    assert not any("instance of" in p or "MysqlConfig" in p for p in found)


def test_a_bad_key_never_hides_a_conflict_between_others():
    found = problems(valid_aws(aws=aws_section(azCount=1), sizeOverrides={"nodeMinCount": 9, "nodeMaxCount": 3}))
    assert any(p.startswith("wandb-platform:aws.azCount:") for p in found)
    assert "wandb-platform:sizeOverrides: nodeMinCount 9 exceeds nodeMaxCount 3" in found


def test_mysql_84_is_the_default_and_80_only_adopts():
    assert load(valid()).mysql.version == "8.4"
    assert load(valid_aws()).aurora_version == AURORA_VERSIONS["8.4"]
    adopted = load(valid_aws(mysql={"version": "8.0"}))
    assert adopted.aurora_version.startswith("8.0.mysql_aurora.3.")
    assert any("'8.4' or '8.0'" in p for p in problems(valid(mysql={"version": "5.7"})))
    assert any("quote it" in p for p in problems(valid(mysql={"version": 8.4})))
    external = valid(mysql={"mode": "external", "host": "db", "password": "p", "version": "8.0"})
    assert any("an external database's is yours" in p for p in problems(external))


def test_gke_needs_kubernetes_134_or_newer():
    assert load(valid()).gcp.kubernetes_version == "1.35"
    assert any("1.34 or newer" in p for p in problems(valid(gcp={"kubernetesVersion": "1.33"})))


@pytest.mark.parametrize(
    ("clickhouse", "key", "words"),
    [
        (
            {"version": "26.1"},
            "wandb-platform:clickhouse.version",
            "25.8 to 25.12 and 26.3 or newer (not 26.1 or 26.2)",
        ),
        ({"version": "25.7"}, "wandb-platform:clickhouse.version", "25.8 to 25.12"),
        (
            {"mode": "external", "host": "ch", "password": "p", "port": 9000},
            "wandb-platform:clickhouse",
            "TLS only on port 8443",
        ),
        (
            {"mode": "external", "host": "ch", "password": "p", "tls": False},
            "wandb-platform:clickhouse",
            "always uses TLS on port 8443",
        ),
        ({"mode": "external", "host": "ch"}, "wandb-platform:clickhouse", "needs password"),
        (
            {"mode": "external", "host": "ch", "password": "p", "replicated": True},
            "wandb-platform:clickhouse",
            "needs cluster",
        ),
        ({"mode": "in-cluster", "host": "ch"}, "wandb-platform:clickhouse", "only apply to mode 'external'"),
        ({"mode": "cluster"}, "wandb-platform:clickhouse.mode", "'replicated', 'cloud' or 'external'"),
    ],
)
def test_each_invalid_clickhouse_input_names_its_key(clickhouse, key, words):
    found = problems(valid(clickhouse=clickhouse))
    assert any(p.startswith(f"{key}:") and words in p for p in found), found


def test_clickhouse_versions_weave_supports_are_accepted():
    for version in ("25.8", "25.12", "26.3", "26.10.2", "27.1"):
        assert load(valid(clickhouse={"mode": "in-cluster", "version": version})).clickhouse.version == version
    assert load(valid()).clickhouse.mode == "none"


CLICKHOUSE_CLOUD = {"mode": "cloud", "organizationId": "0d7a3c8e-1b2c-4d5e-8f90-0123456789ab", "apiKeyId": "K1"}


@pytest.mark.parametrize(
    ("clickhouse", "key", "words"),
    [
        ({"mode": "cloud"}, "wandb-platform:clickhouse", "mode 'cloud' needs organizationId, apiKeyId, apiKeySecret"),
        ({**CLICKHOUSE_CLOUD, "minMemoryGb": 6}, "wandb-platform:clickhouse.minMemoryGb", "multiple of 4 from 8"),
        ({**CLICKHOUSE_CLOUD, "maxMemoryGb": 400}, "wandb-platform:clickhouse.maxMemoryGb", "to 356"),
        (
            {**CLICKHOUSE_CLOUD, "apiKeySecret": "s", "minMemoryGb": 32, "maxMemoryGb": 16},
            "wandb-platform:clickhouse",
            "minMemoryGb 32 exceeds maxMemoryGb 16",
        ),
        (
            {**CLICKHOUSE_CLOUD, "apiKeySecret": "s", "version": "25.8"},
            "wandb-platform:clickhouse",
            "ClickHouse Cloud upgrades the service itself",
        ),
        (
            {"mode": "replicated", "organizationId": "o", "minMemoryGb": 16},
            "wandb-platform:clickhouse",
            "organizationId only apply to mode 'cloud'",
        ),
    ],
)
def test_each_invalid_clickhouse_cloud_input_names_its_key(clickhouse, key, words):
    found = problems(valid(clickhouse=clickhouse))
    assert any(p.startswith(f"{key}:") and words in p for p in found), found


def test_clickhouse_cloud_needs_a_cloud_target_and_its_api_key_secret():
    cloud = {**CLICKHOUSE_CLOUD, "apiKeySecret": "api-key-s3cret"}
    assert load(valid(clickhouse=cloud)).clickhouse.api_key_secret.get_secret_value() == "api-key-s3cret"
    assert load(valid_aws(clickhouse=cloud)).clickhouse.mode == "cloud"
    on_yours = problems(valid_existing(clickhouse=cloud))
    assert any(p.startswith("wandb-platform:clickhouse.mode:") and "use 'external'" in p for p in on_yours)
    raw = valid(clickhouse=cloud)
    plain = problems(raw, secret_keys=set(raw) - {"wandb-platform:clickhouse"})
    assert plain == [
        "wandb-platform:clickhouse.apiKeySecret: a credential must not be stored in plain text; set it encrypted: "
        "pulumi config set --secret --path 'wandb-platform:clickhouse.apiKeySecret' <value>"
    ]


def test_kafka_needs_port_9092_and_managed_only_on_aws():
    assert any(
        p.startswith("wandb-platform:kafka.port:") and "always connect to port 9092" in p
        for p in problems(valid(kafka={"mode": "external", "host": "kafka.corp", "port": 9093}))
    )
    managed = problems(valid(kafka={"mode": "managed"}))
    assert any(p.startswith("wandb-platform:kafka.mode:") and "Amazon MSK, on target aws only" in p for p in managed)
    assert any("needs host" in p for p in problems(valid(kafka={"mode": "external"})))
    assert load(valid_aws(kafka={"mode": "managed"})).kafka.mode == "managed"
