"""The offline plan's command line and JSON (docs/architecture.md, 'The offline plan')."""

import json
import os
import subprocess
import sys

import pytest
import yaml

from stacks.offline import REDACTED, ROOT, SIG
from stacks.plan import main, plan_json, stack_config
from tests.conftest import STACK_FILES, plan_stack_file, planned

SECRET_MARKER = SIG.encode()


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


def test_wandb_values_are_the_custom_resource_s_values_for_helm_template(tmp_path, capsys):
    out = tmp_path / "values.yaml"
    assert main(["--stack", "prod", "--wandb-values", str(out)]) == 0
    values = yaml.safe_load(out.read_text())
    cr = planned("prod").one("kubernetes:apps.wandb.com/v1:WeightsAndBiases").plain_inputs
    assert values == cr["spec"]["values"] and values["api"]["autoscaling"]["horizontal"]["minReplicas"] >= 3
    assert main(["--stack", "vault-platform", "--wandb-values", str(tmp_path / "none.yaml")]) == 2
    assert "no WeightsAndBiases resource" in capsys.readouterr().err


def test_json_dependencies_include_the_parent_chain_and_provider():
    plan = plan_json(planned("prod"))
    by_name = {r["name"]: r for r in plan["resources"]}
    secret = by_name["wandb-wandb-wandb-platform-mysql"]
    assert by_name["wandb-cluster-k8s"]["urn"] in secret["dependencies"]
    assert by_name["wandb-mysql-user"]["urn"] in secret["dependencies"]


def test_secure_values_in_a_stack_file_become_placeholders(tmp_path):
    (tmp_path / "Pulumi.s.yaml").write_text(
        "config:\n  wandb-platform:mysql:\n    mode: external\n    host: db\n    password:\n      secure: v1:abc\n"
    )
    stack = stack_config("s", tmp_path)
    assert stack.config["wandb-platform:mysql"]["password"].startswith("offline-placeholder-")
    assert set(stack.secret_keys) == {"wandb-platform:mysql", "wandb-platform:license"}
    assert (stack.encrypted, stack.unset) == (("wandb-platform:mysql",), ("wandb-platform:license",))


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


def _plan_all(directory, hash_seed: str) -> subprocess.Popen:
    """Every committed stack planned in a fresh interpreter whose set and dict hashing differ by `hash_seed`."""
    code = (
        "import contextlib, io, sys; from stacks.plan import main\n"
        "for s in sys.argv[2:]:\n"
        "    with contextlib.redirect_stdout(io.StringIO()) as out:\n"
        "        assert main(['--stack', s, '--json', f'{sys.argv[1]}/{s}.json']) == 0\n"
        "    open(f'{sys.argv[1]}/{s}.txt', 'w').write(out.getvalue().replace(sys.argv[1], ''))\n"
    )
    directory.mkdir()
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    return subprocess.Popen([sys.executable, "-c", code, str(directory), *STACK_FILES], cwd=ROOT, env=env)


def _planned(directory, process: subprocess.Popen) -> dict[str, bytes]:
    assert process.wait(timeout=300) == 0
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())}


def test_the_same_stack_file_gives_the_same_bytes(tmp_path):
    a, b = _plan_all(tmp_path / "a", "1"), _plan_all(tmp_path / "b", "2")  # both at once, on two cores
    first, second = _planned(tmp_path / "a", a), _planned(tmp_path / "b", b)
    assert len(first) == 2 * len(STACK_FILES)
    assert first == second
    assert all(SECRET_MARKER not in text for text in first.values())


def test_text_marks_made_up_values_and_the_license_placeholder(capsys):
    assert main(["--stack", "dev"]) == 0
    out = capsys.readouterr().out
    assert "  ingressAddress: <computed>" in out and "  url: https://wandb-dev.example.com" in out
    assert "  kubeconfig: [secret]" in out and "198.51.100.7" not in out
    assert "wandb-platform:license is not set in Pulumi.dev.yaml, so the plan uses a placeholder" in out


GCP_STACK = "config:\n  gcp:project: a-project-1\n  wandb-platform:host: https://wandb.example.com\n"


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (GCP_STACK + "  wandb-platform:license: plain-text\n", ["wandb-platform:license", "--secret"]),
        (GCP_STACK + "  wandb-platform:enviroment: dev\n", ["did you mean wandb-platform:environment?"]),
        (GCP_STACK + "  wandb-platform:mysql:\n    1: in-cluster\n", ["config.wandb-platform:mysql: the key 1"]),
        (GCP_STACK + "  true: yes\n", ["config: the key True is not text"]),
        ("wandb-platform:target: gcp\n", ["indented under a top-level 'config:' key"]),
        ("- config\n", ["must be a mapping with a 'config:' key"]),
        ("config: gcp\n", ["'config' must be a mapping"]),
        (GCP_STACK + "  wandb-platform:redis: managed\n", ["wandb-platform:redis: must be a mapping"]),
        (GCP_STACK + "  wandb-platform:gcp:\n    kubernetesVersion: 1.30\n", ["quote it"]),
    ],
)
def test_a_bad_stack_file_exits_2_with_a_clear_message_and_no_traceback(tmp_path, text, words):
    result = plan_stack_file(tmp_path, "bad", text)
    assert result.returncode == 2, result.stdout
    assert all(w in result.stderr for w in words), result.stderr
    assert "Traceback" not in result.stderr + result.stdout
