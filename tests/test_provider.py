"""The component package other languages add: the schema Pulumi infers from the components, offline."""

import json
import runpy

import yaml
from pulumi.provider.experimental.component import ComponentProvider

from tests.conftest import ROOT

PACKAGE = "wandb-platform"


def schema() -> dict:
    entry = runpy.run_path(str(ROOT / "provider" / "__main__.py"), run_name="provider")
    provider = ComponentProvider(entry["COMPONENTS"], entry["NAME"], version=entry["version"]())
    return json.loads(provider.schema)


def test_the_plugin_manifest_points_at_the_entry_point():
    manifest = yaml.safe_load((ROOT / "PulumiPlugin.yaml").read_text())
    assert manifest["runtime"]["name"] == "python" and (ROOT / manifest["main"]).is_file()


def test_the_schema_exposes_the_platforms_and_the_wandb_release_with_their_required_inputs():
    s = schema()
    assert (s["name"], s["version"]) == (PACKAGE, (ROOT / "VERSION").read_text().strip())
    resources = s["resources"]
    assert set(resources) == {
        f"{PACKAGE}:index:{c}"
        for c in ("GcpWandbPlatform", "AwsWandbPlatform", "AzureWandbPlatform", "ExistingClusterWandb")
    }
    required = {token.split(":")[-1]: set(r["requiredInputs"]) for token, r in resources.items()}
    assert required == {
        "GcpWandbPlatform": {"project", "wandb"},
        "AwsWandbPlatform": {"region", "wandb"},
        "AzureWandbPlatform": {"location", "wandb"},
        "ExistingClusterWandb": {"wandb"},
    }
    assert all(r["isComponent"] for r in resources.values())
    gcp = resources[f"{PACKAGE}:index:GcpWandbPlatform"]
    assert {"url", "kubeconfig", "ingressAddress", "bucket"} <= set(gcp["properties"])
    assert gcp["inputProperties"]["mysql"]["$ref"] == f"#/types/{PACKAGE}:index:MysqlArgs"
    azure = resources[f"{PACKAGE}:index:AzureWandbPlatform"]
    assert {"url", "kubeconfig", "ingressHostname", "wandbClientId", "resourceGroup"} <= set(azure["properties"])
    assert azure["inputProperties"]["zones"]["type"] == "array"
    wandb = s["types"][f"{PACKAGE}:index:WandbArgs"]
    assert set(wandb["required"]) == {"host", "license"}
    assert wandb["properties"]["license"]["description"].startswith("The W&B license")
    assert "mode" in s["types"][f"{PACKAGE}:index:MysqlArgs"]["properties"]
    release = resources[f"{PACKAGE}:index:ExistingClusterWandb"]  # the W&B release, on the cluster you give it
    assert {"mysql", "redis", "bucket", "serviceAccountAnnotations", "cloudProvider"} <= set(release["inputProperties"])
    assert release["description"].startswith("The W&B release on a Kubernetes cluster you already run")
