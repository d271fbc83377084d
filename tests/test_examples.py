"""Every example is a Pulumi program of its own that imports the installed library (`wandb_platform`); each runs
here under the mocks, with `wandb_platform` loaded from `components/` as an installation would provide it."""

import importlib.util
import runpy
import sys

import pytest
import yaml

from stacks.offline import REDACTED, Run, record
from tests.conftest import ROOT, leaves

EXAMPLES = ROOT / "examples"
LICENSE = "example-license-0123456789"
CR = "kubernetes:apps.wandb.com/v1:WeightsAndBiases"


@pytest.fixture(scope="module", autouse=True)
def installed_library():
    """`wandb_platform` as `pip install` would provide it: the package whose folder is `components/`."""
    spec = importlib.util.spec_from_file_location(
        "wandb_platform", ROOT / "components" / "__init__.py", submodule_search_locations=[str(ROOT / "components")]
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules["wandb_platform"] = module
    spec.loader.exec_module(module)
    yield
    for name in [n for n in sys.modules if n == "wandb_platform" or n.startswith("wandb_platform.")]:
        del sys.modules[name]


def run_example(folder: str, config: dict[str, str], secret: tuple[str, ...]) -> Run:
    path = EXAMPLES / folder
    project = yaml.safe_load((path / "Pulumi.yaml").read_text())["name"]
    full = {k if ":" in k else f"{project}:{k}": v for k, v in config.items()}
    secret_keys = tuple(f"{project}:{k}" for k in secret)
    return record(
        "dev",
        full,
        lambda: runpy.run_path(str(path / "__main__.py"), run_name="__main__") and None,
        secret_keys,
        project,
    )


def test_every_example_is_a_complete_project():
    for path in sorted(p for p in EXAMPLES.iterdir() if p.is_dir()):
        assert {"Pulumi.yaml", "__main__.py", "README.md", "requirements.txt"} <= {p.name for p in path.iterdir()}
        assert yaml.safe_load((path / "Pulumi.yaml").read_text())["runtime"]["name"] == "python"


def test_a_larger_gcp_program_adds_the_whole_platform():
    run = run_example(
        "gcp-platform",
        {
            "gcp:project": "ml-project-1",
            "host": "https://wandb.ml.example.com",
            "dnsZone": "ml-example-com",
            "adminCidr": "203.0.113.0/24",
            "license": LICENSE,
            "clickhouseOrganization": "0d7a3c8e-1b2c-4d5e-8f90-0123456789ab",
            "clickhouseKeyId": "ml-key",
            "clickhouseKeySecret": "clickhouse-api-s3cret",
        },
        secret=("license", "clickhouseKeySecret"),
    )
    assert run.one("wandb-platform:index:GcpWandbPlatform").name == "wandb"
    values = run.one(CR).plain_inputs["spec"]["values"]
    assert values["global"]["size"] == "medium" and values["global"]["licenseSecret"]["key"] == "license"
    service = run.one("clickhouse:index/service:Service")
    assert (
        service.plain_inputs["ipAccesses"] == []
        and run.one("pulumi:providers:clickhouse").inputs["tokenSecret"] == REDACTED
    )
    assert values["global"]["clickhouse"]["host"] == service.outputs["privateEndpointConfig"]["privateDnsHostname"]
    assert run.one("kubernetes:kafka.strimzi.io/v1:KafkaNodePool").plain_inputs["spec"]["replicas"] == 3
    assert values["global"]["kafka"]["brokerHost"].endswith(".svc.cluster.local")
    record_set = next(r for r in run.of_type("gcp:dns/recordSet:RecordSet") if r.name == "wandb-host").plain_inputs
    assert record_set["name"] == "wandb.ml.example.com." and record_set["rrdatas"] == ["198.51.100.7"]
    reader = next(
        m.plain_inputs
        for m in run.of_type("gcp:storage/bucketIAMMember:BucketIAMMember")
        if m.name == "wandb-reads-datasets"
    )
    assert reader["member"] == "serviceAccount:wandb-app@ml-project-1.iam.gserviceaccount.com"
    assert (
        run.one("gcp:sql/databaseInstance:DatabaseInstance").plain_inputs["settings"]["backupConfiguration"][
            "backupRetentionSettings"
        ]["retainedBackups"]
        == 14
    )
    assert LICENSE not in set(leaves(run.one(CR).plain_inputs))


def test_your_own_gke_with_the_individual_components_and_contracts():
    run = run_example(
        "bring-your-own-gke",
        {
            "gcp:project": "my-project-1",
            "clusterName": "my-gke",
            "network": "projects/my-project-1/global/networks/vpc",
            "host": "https://wandb.example.com",
            "license": LICENSE,
        },
        secret=("license",),
    )
    assert not run.of_type("gcp:container/cluster:Cluster")  # yours, only read
    provider = run.one("pulumi:providers:kubernetes")
    assert provider.inputs["kubeconfig"] == REDACTED and "172.16.0.50" in provider.plain_inputs["kubeconfig"]
    cr = run.one(CR)
    assert cr.provider == provider.urn
    g = cr.plain_inputs["spec"]["values"]["global"]
    assert g["mysql"]["host"] == "10.100.0.3" and g["redis"]["host"] == "10.100.1.4"
    keys = {k.name for k in run.of_type("gcp:kms/cryptoKey:CryptoKey")}
    assert keys == {"keys-mysql", "keys-redis", "keys-bucket"}


def test_wandb_on_a_cluster_another_stack_owns():
    run = run_example(
        "stack-reference",
        {
            "infraStack": "my-org/infra/prod",
            "host": "https://wandb.example.com",
            "tlsSecretName": "wandb-tls",
            "team": "vision",
            "license": LICENSE,
        },
        secret=("license",),
    )
    providers = run.of_type("pulumi:providers:kubernetes")
    assert [p.name for p in providers] == ["shared-cluster"]  # the referenced cluster; no kubeconfig of its own
    assert providers[0].inputs["kubeconfig"] == REDACTED
    cr = run.one(CR)
    assert cr.provider == providers[0].urn
    values = cr.plain_inputs["spec"]["values"]
    assert values["app"]["internalJWTMap"][0]["issuer"] == "https://oidc.example.com/clusters/shared"
    assert values["ingress"]["class"] == "nginx" and values["ingress"]["tls"][0]["secretName"] == "wandb-tls"
    training = next(c for c in run.of_type("kubernetes:core/v1:ConfigMap") if c.name == "wandb")
    assert training.plain_inputs["data"] == {"WANDB_BASE_URL": "https://wandb.example.com"}
    assert run.outputs == {"url": "https://wandb.example.com", "trainingNamespace": "vision-training"}
    chi = run.one("kubernetes:clickhouse.altinity.com/v1:ClickHouseInstallation")
    assert chi.provider == providers[0].urn
    assert values["global"]["clickhouse"]["port"] == "8443" and values["global"]["clickhouse"]["replicated"] is True
