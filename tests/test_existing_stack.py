"""The existing-cluster target: the committed `local` stack and variants of it, run whole under the mocks."""

import json

import pytest

from components.k8s.object_store import CONFIG_KEY, CONFIG_SECRET
from tests.conftest import dig, plan_stack_file, planned, run_config, wandb_cr

SECRET = "kubernetes:core/v1:Secret"
RELEASE = "kubernetes:helm.sh/v3:Release"


def existing_config(**overrides):
    return {
        "wandb-platform:target": "existing",
        "wandb-platform:environment": "dev",
        "wandb-platform:host": "http://localhost:8080",
        "wandb-platform:ingress": {"create": False, "tls": False},
        **{f"wandb-platform:{k}": v for k, v in overrides.items()},
    }


def secret_named(run, name):
    return next(s for s in run.of_type(SECRET) if s.plain_inputs["metadata"]["name"] == name)


@pytest.fixture(scope="module")
def local():
    return planned("local")


def test_local_creates_nothing_outside_the_cluster(local):
    clouds = ("gcp:", "aws:", "azure-native:", "pulumi:providers:gcp", "pulumi:providers:aws")
    assert not [r.type for r in local.resources if r.type.startswith(clouds)]
    provider = local.one("pulumi:providers:kubernetes")
    assert "kubeconfig" not in provider.plain_inputs and "context" not in provider.plain_inputs  # yours, as is
    assert "kubeconfig" not in local.outputs


def test_local_runs_everything_in_cluster_behind_w_and_b_nginx(local):
    values = wandb_cr(local).plain_inputs["spec"]["values"]
    assert values["mysql"]["install"] is True and values["redis"]["install"] is True
    assert values["ingress"] == {"install": False, "create": False} and values["nginx"]["install"] is True
    assert values["global"]["host"] == "http://localhost:8080" and "cloudProvider" not in values["global"]


def test_the_in_cluster_store_is_seaweedfs_with_generated_keys_shared_with_w_and_b(local):
    store = next(r for r in local.of_type(RELEASE) if r.plain_inputs["name"] == "seaweedfs")
    v = store.plain_inputs["values"]
    assert store.plain_inputs["repositoryOpts"]["repo"] == "https://seaweedfs.github.io/seaweedfs/helm"
    assert store.plain_inputs["namespace"] == "wandb-objects" and store.plain_inputs["version"] == "4.44.0"
    assert v["allInOne"]["enabled"] is True and v["allInOne"]["data"]["type"] == "persistentVolumeClaim"
    assert dig(v, "global", "seaweedfs", "createClusterRole") is False
    s3 = v["allInOne"]["s3"]
    assert s3["enableAuth"] is True and s3["existingConfigSecret"] == CONFIG_SECRET
    assert s3["createBuckets"] == [{"name": "wandb"}]
    config = secret_named(local, CONFIG_SECRET)
    assert config.plain_inputs["metadata"]["namespace"] == "wandb-objects" and config.urn in store.dependencies
    identity = json.loads(config.plain_inputs["stringData"][CONFIG_KEY])["identities"][0]["credentials"][0]
    wandb_keys = secret_named(local, "wandb-platform-bucket").plain_inputs["stringData"]
    assert (identity["accessKey"], identity["secretKey"]) == (wandb_keys["ACCESS_KEY"], wandb_keys["SECRET_KEY"])
    assert identity["accessKey"].isalnum() and identity["secretKey"].isalnum()

    bucket = wandb_cr(local).plain_inputs["spec"]["values"]["global"]["bucket"]
    endpoint = "seaweedfs-all-in-one.wandb-objects.svc.cluster.local:8333"
    assert (bucket["provider"], bucket["name"], bucket["path"]) == ("s3", endpoint, "wandb")
    assert bucket["secret"] == {
        "secretName": "wandb-platform-bucket",
        "accessKeyName": "ACCESS_KEY",
        "secretKeyName": "SECRET_KEY",
    }
    assert store.urn in wandb_cr(local).dependencies


def test_browsers_reach_the_in_cluster_store_through_w_and_b(local):
    values = wandb_cr(local).plain_inputs["spec"]["values"]
    assert values["global"]["env"] == {
        "BUCKET_PROXY": "true",
        "GORILLA_FILE_STORE_IS_PROXIED": "true",
        "GORILLA_GLUE_FILE_STORE_IS_PROXIED": "true",
    }
    endpoint = "seaweedfs-all-in-one.wandb-objects.svc.cluster.local:8333"
    assert values["nginx"]["additionalServices"] == {
        "wandb": {"host": f"http://{endpoint}", "headers": {"Host": endpoint}}
    }


def test_external_mysql_host_in_the_values_and_its_password_only_in_a_secret():
    password = "existing-db-password-7"
    run = run_config(existing_config(mysql={"mode": "external", "host": "mysql.db.svc", "password": password}))
    values = wandb_cr(run).plain_inputs["spec"]["values"]
    assert values["global"]["mysql"]["host"] == "mysql.db.svc" and values["mysql"]["install"] is False
    assert secret_named(run, "wandb-platform-mysql").plain_inputs["stringData"] == {"MYSQL_PASSWORD": password}
    assert password in run.secret_values
    assert not any(password in str(r.inputs) for r in run.resources)


def test_an_external_s3_compatible_store_over_https_with_keys():
    bucket = {"mode": "external", "provider": "s3", "name": "wandb-files", "endpoint": "s3.corp.example:9000"}
    run = run_config(existing_config(bucket={**bucket, "accessKey": "AKEXAMPLE1", "secretKey": "SKEXAMPLE123"}))
    assert not [r for r in run.of_type(RELEASE) if r.plain_inputs["name"] == "seaweedfs"]
    g = wandb_cr(run).plain_inputs["spec"]["values"]["global"]
    assert (g["bucket"]["name"], g["bucket"]["path"]) == ("s3.corp.example:9000", "wandb-files?tls=true")
    assert "env" not in g  # reachable by browsers: no proxy
    assert secret_named(run, "wandb-platform-bucket").plain_inputs["stringData"] == {
        "ACCESS_KEY": "AKEXAMPLE1",
        "SECRET_KEY": "SKEXAMPLE123",
    }


def test_aws_s3_with_static_keys_uses_the_regional_endpoint():
    bucket = {"mode": "external", "provider": "s3", "name": "b1", "region": "eu-west-1"}
    run = run_config(existing_config(bucket={**bucket, "accessKey": "AKEXAMPLE2", "secretKey": "SKEXAMPLE456"}))
    g = wandb_cr(run).plain_inputs["spec"]["values"]["global"]
    assert (g["bucket"]["name"], g["bucket"]["path"]) == ("s3.eu-west-1.amazonaws.com", "b1?tls=true&region=eu-west-1")


def test_azure_with_an_account_key_passes_it_as_the_access_key():
    bucket = {"mode": "external", "provider": "az", "name": "account1", "path": "container1", "accessKey": "azkey=="}
    run = run_config(existing_config(bucket=bucket))
    g = wandb_cr(run).plain_inputs["spec"]["values"]["global"]
    assert (g["bucket"]["provider"], g["bucket"]["name"], g["bucket"]["path"]) == ("az", "account1", "container1")
    assert g["bucket"]["secret"]["accessKeyName"] == g["bucket"]["secret"]["secretKeyName"] == "ACCESS_KEY"
    assert secret_named(run, "wandb-platform-bucket").plain_inputs["stringData"] == {"ACCESS_KEY": "azkey=="}


def test_a_company_cluster_with_its_context_ingress_class_and_tls_secret():
    run = run_config(
        existing_config(
            host="https://wandb.corp.example",
            ingress={"tls": True},
            existing={
                "kubeconfig": "/etc/kube/config",
                "context": "prod-eu",
                "ingressClass": "nginx",
                "tlsSecretName": "wandb-tls",
            },
        )
    )
    provider = run.one("pulumi:providers:kubernetes").plain_inputs
    assert (provider["kubeconfig"], provider["context"]) == ("/etc/kube/config", "prod-eu")
    ingress = wandb_cr(run).plain_inputs["spec"]["values"]["ingress"]
    assert ingress["class"] == "nginx" and ingress["tls"] == [
        {"hosts": ["wandb.corp.example"], "secretName": "wandb-tls"}
    ]


def test_managed_on_this_target_exits_non_zero_naming_the_key(tmp_path):
    result = plan_stack_file(
        tmp_path,
        "m",
        "config:\n  wandb-platform:target: existing\n  wandb-platform:host: http://localhost:8080\n"
        "  wandb-platform:ingress:\n    create: false\n    tls: false\n  wandb-platform:mysql:\n    mode: managed\n",
    )
    assert result.returncode == 2
    assert "wandb-platform:mysql.mode: 'managed' needs a cloud target" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
