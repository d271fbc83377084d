"""The offline plan's command line and JSON (shared/DESIGN.md, 'The offline plan')."""

import json

from stacks.offline import REDACTED
from stacks.plan import main, plan_json, stack_config
from tests.conftest import STACK_FILES, plan_stack_file, planned


def test_plan_writes_the_designed_json(tmp_path, capsys):
    out = tmp_path / "prod.json"
    assert main(["--stack", "prod", "--json", str(out)]) == 0
    assert "wandb-platform:index:GkeCluster" in capsys.readouterr().out
    plan = json.loads(out.read_text())
    assert (plan["project"], plan["stack"]) == ("wandb-platform", "prod")
    fields = {"urn", "type", "name", "parent", "provider", "dependencies", "inputs", "protect", "id", "outputs"}
    assert all(set(r) == fields for r in plan["resources"])
    urns = {r["urn"] for r in plan["resources"]}
    assert all(
        set(r["dependencies"]) <= urns and (r["parent"] is None or r["parent"] in urns) for r in plan["resources"]
    )
    assert plan["outputs"]["kubeconfig"] == REDACTED and plan["outputs"]["url"] == "https://wandb.example.com"
    secret = next(r for r in plan["resources"] if r["name"].endswith("platform-license"))
    assert secret["inputs"]["stringData"] == {"license": REDACTED}
    assert "offline-plan-license-placeholder" not in out.read_text()


def test_json_dependencies_include_the_parent_chain_and_provider():
    plan = plan_json(planned("prod"))
    by_name = {r["name"]: r for r in plan["resources"]}
    secret = by_name["wandb-prod-wandb-wandb-platform-mysql"]
    assert by_name["wandb-prod-cluster-k8s"]["urn"] in secret["dependencies"]
    assert by_name["wandb-prod-mysql-user"]["urn"] in secret["dependencies"]


def test_secure_values_in_a_stack_file_become_placeholders(tmp_path):
    (tmp_path / "Pulumi.s.yaml").write_text(
        "config:\n  wandb-platform:mysql:\n    mode: external\n    host: db\n    password:\n      secure: v1:abc\n"
    )
    config, secret_keys = stack_config("s", tmp_path)
    assert config["wandb-platform:mysql"]["password"].startswith("offline-placeholder-")
    assert set(secret_keys) == {"wandb-platform:mysql", "wandb-platform:license"}


def test_malformed_stack_exits_non_zero_naming_every_bad_key_without_traceback(tmp_path):
    result = plan_stack_file(
        tmp_path, "bad", "config:\n  wandb-platform:size: huge\n  wandb-platform:host: wandb.example.com\n"
    )
    assert result.returncode == 2
    for key in ("wandb-platform:size", "wandb-platform:host", "gcp:project"):
        assert key in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_unknown_stack_is_a_clear_error(capsys):
    assert main(["--stack", "nope"]) == 2
    assert f"committed stacks: {', '.join(STACK_FILES)}" in capsys.readouterr().err
