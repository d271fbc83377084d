"""The whole-platform components, used from another program with typed arguments and no config loader."""

import pulumi
import pytest

from components.k8s.kafka import replication
from components.platform.args import MysqlArgs, WandbArgs
from components.platform.aws import AwsWandbPlatform, AwsWandbPlatformArgs
from components.platform.existing import ExistingClusterWandb, ExistingClusterWandbArgs
from components.platform.gcp import GcpWandbPlatform, GcpWandbPlatformArgs
from tests.conftest import TEST_CERTIFICATE_ARN, run_components, wandb_cr

WANDB = {"host": "https://wandb.corp.example", "license": "license-0123456789"}
CR = "kubernetes:apps.wandb.com/v1:WeightsAndBiases"


def planned(make):
    """Run `make` (which builds one component) under the mocks."""
    return run_components(lambda: make() and None)


def _names(run):
    return sorted((r.type, r.name) for r in run.resources)


def test_gcp_platform_from_typed_arguments_has_production_defaults():
    run = planned(lambda: GcpWandbPlatform("w", GcpWandbPlatformArgs(project="p-123456", wandb=WandbArgs(**WANDB))))
    sql = run.one("gcp:sql/databaseInstance:DatabaseInstance").plain_inputs
    assert sql["databaseVersion"] == "MYSQL_8_4" and sql["settings"]["availabilityType"] == "REGIONAL"
    assert run.one("gcp:container/cluster:Cluster").plain_inputs["minMasterVersion"] == "1.35"
    accounts = {a.plain_inputs["accountId"] for a in run.of_type("gcp:serviceaccount/account:Account")}
    assert accounts == {"w-nodes", "w-app"}  # named after the component when no name_prefix is given
    values = wandb_cr(run).plain_inputs["spec"]["values"]
    assert values["global"]["host"] == WANDB["host"] and values["global"]["cloudProvider"] == "gcp"
    assert all(r.protect for r in run.of_type("gcp:storage/bucket:Bucket"))


def test_mappings_as_another_language_sends_them_give_the_same_platform():
    typed = planned(
        lambda: GcpWandbPlatform(
            "w", GcpWandbPlatformArgs(project="p-123456", wandb=WandbArgs(**WANDB), mysql=MysqlArgs(mode="in-cluster"))
        )
    )
    mapped = planned(
        lambda: GcpWandbPlatform(
            "w",
            {"project": "p-123456", "wandb": dict(WANDB), "mysql": {"mode": "in-cluster"}},  # type: ignore[arg-type]
        )
    )
    assert _names(typed) == _names(mapped)
    assert not typed.of_type("gcp:sql/databaseInstance:DatabaseInstance")


def test_bad_arguments_are_all_named_before_any_resource():
    args = GcpWandbPlatformArgs(
        project="p-123456",
        wandb=WandbArgs(host="wandb.corp.example", license="l", wandb_chart_version=""),
        mysql=MysqlArgs(mode="external"),
        kubernetes_version="1.33",
        pods_cidr="10.10.0.0/16",
        sizes={"redis_node_type": "cache.m6g.large"},  # type: ignore[arg-type]
        images={"registry": "mirror.example.com", "pull_secret": "user:pass", "chart_repository": "ftp://c"},  # type: ignore[arg-type]
    )
    with pytest.raises(ValueError) as err:
        planned(lambda: GcpWandbPlatform("w", args))
    message = str(err.value)
    assert "user:pass" not in message
    for words in (
        "images.pull_secret: pullSecret must be a Docker config JSON",
        "wandb.wandb_chart_version: must be set with images.registry",
        "images.chart_repository: must be an oci:// or https:// repository",
        "wandb.host: must be a URL",
        "mysql: mode 'external' needs host, password",
        "1.34 or newer",
        "network: subnet_cidr 10.10.0.0/20 overlaps pods_cidr",
        "sizes: redis_node_type not sized by target 'gcp'",
    ):
        assert words in message, message


def test_an_unknown_argument_is_named_with_the_allowed_ones():
    with pytest.raises(ValueError, match=r"MysqlArgs: unknown field\(s\) mdoe \(allowed: mode, version"):
        GcpWandbPlatformArgs(project="p", wandb=WandbArgs(**WANDB), mysql={"mdoe": "managed"})  # type: ignore[arg-type]


def test_aws_platform_from_typed_arguments():
    args = AwsWandbPlatformArgs(region="eu-west-1", wandb=WandbArgs(**WANDB), certificate_arn=TEST_CERTIFICATE_ARN)
    run = planned(lambda: AwsWandbPlatform("w", args))
    assert run.one("aws:rds/cluster:Cluster").plain_inputs["engineVersion"].startswith("8.4.")
    assert run.one("aws:eks/cluster:Cluster").plain_inputs["name"] == "w-eks"
    assert wandb_cr(run).plain_inputs["spec"]["values"]["global"]["cloudProvider"] == "aws"
    with pytest.raises(ValueError, match="certificate_arn: the ALB needs a certificate"):
        AwsWandbPlatform("x", AwsWandbPlatformArgs(region="eu-west-1", wandb=WandbArgs(**WANDB)))


def test_clickhouse_cloud_arguments_are_checked_on_every_target():
    gcp = GcpWandbPlatformArgs(
        project="p-123456",
        wandb=WandbArgs(**WANDB, size="large"),
        clickhouse={"mode": "cloud", "organization_id": "o", "max_memory_gb": 16},  # type: ignore[arg-type]
    )
    with pytest.raises(ValueError) as err:
        planned(lambda: GcpWandbPlatform("w", gcp))
    assert "clickhouse: mode 'cloud' needs api_key_id, api_key_secret" in str(err.value)
    assert "clickhouse.memory_gb: the least memory 32 GB exceeds the most 16 GB" in str(err.value)
    existing = ExistingClusterWandbArgs(
        wandb=WandbArgs(**WANDB),
        clickhouse={"mode": "cloud", "organization_id": "o", "api_key_id": "k", "api_key_secret": "s"},  # type: ignore[arg-type]
        tls_secret_name="wandb-tls",
    )
    with pytest.raises(ValueError, match="clickhouse.mode: 'cloud' is ClickHouse Cloud behind a private endpoint"):
        planned(lambda: ExistingClusterWandb("w", existing))


def test_existing_cluster_component_defaults_every_datastore_into_the_cluster():
    run = planned(
        lambda: ExistingClusterWandb(
            "w",
            ExistingClusterWandbArgs(
                wandb=WandbArgs(host="http://localhost:8080", license="l"), ingress={"create": False, "tls": False}
            ),  # type: ignore[arg-type]
        )
    )
    values = wandb_cr(run).plain_inputs["spec"]["values"]
    assert values["mysql"]["install"] is True and values["redis"]["install"] is True
    assert run.of_type("kubernetes:helm.sh/v3:Release")
    assert not [r for r in run.resources if r.type.startswith(("gcp:", "aws:"))]


def test_the_release_on_your_cluster_takes_its_provider_identity_and_endpoints():
    def build():
        import pulumi_kubernetes as k8s

        yours = k8s.Provider("yours", kubeconfig="apiVersion: v1\nkind: Config\n")
        ExistingClusterWandb(
            "w",
            ExistingClusterWandbArgs(
                wandb=WandbArgs(**WANDB),
                mysql=MysqlArgs(mode="external", host="db.corp", password="p4ss"),
                bucket={"mode": "external", "provider": "gcs", "name": "objects"},  # type: ignore[arg-type]
                tls_secret_name="wandb-tls",
                cloud_provider="gcp",
                service_account_annotations={"iam.gke.io/gcp-service-account": "wandb@p.iam.gserviceaccount.com"},
            ),
            pulumi.ResourceOptions(providers=[yours]),
        )

    run = planned(build)
    (provider,) = run.of_type("pulumi:providers:kubernetes")
    assert provider.name == "yours" and wandb_cr(run).provider == provider.urn
    values = wandb_cr(run).plain_inputs["spec"]["values"]
    assert values["global"]["cloudProvider"] == "gcp" and values["global"]["mysql"]["host"] == "db.corp"
    assert values["app"]["serviceAccount"]["annotations"] == {
        "iam.gke.io/gcp-service-account": "wandb@p.iam.gserviceaccount.com"
    }


def test_in_cluster_kafka_replicates_to_survive_one_broker_down():
    assert [replication(n) for n in (1, 2, 3, 5)] == [(1, 1), (2, 1), (3, 2), (3, 2)]
