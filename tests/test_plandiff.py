"""`python -m stacks.plan diff`: what a change does to a plan, named by resource and input path."""

import json

from stacks.plan import main
from stacks.plandiff import MISSING, Change, changes, diff_plans, render_markdown, render_text
from tests.conftest import ROOT


def resource(name, inputs, typ="gcp:sql/user:User", stack="dev"):
    urn = f"urn:pulumi:{stack}::wandb-platform::{typ}::{name}"
    return {"urn": urn, "type": typ, "name": name, "provider": None, "protect": False, "inputs": inputs}


def plan(*resources, stack="dev", outputs=None):
    return {"stack": stack, "resources": list(resources), "outputs": outputs or {}}


def test_changes_name_leaf_paths_through_maps_and_lists():
    old = {"a": {"b": [1, 2], "c": "x"}, "gone": 1}
    new = {"a": {"b": [1, 3, 4], "c": "x"}, "new": True}
    assert changes(old, new) == [
        Change("a.b[1]", 2, 3),
        Change("a.b[2]", MISSING, 4),
        Change("gone", 1, MISSING),
        Change("new", MISSING, True),
    ]


def test_added_removed_changed_and_secrets_stay_redacted():
    old = plan(resource("keep", {"password": "[secret]", "tier": "a"}), resource("gone", {}))
    new = plan(resource("keep", {"password": "[secret]", "tier": "b"}, stack="renamed"), resource("new", {}))
    d = diff_plans(old, new)
    assert [r["name"] for r in d.added] == ["new"] and [r["name"] for r in d.removed] == ["gone"]
    ((changed, found),) = d.changed
    assert changed["name"] == "keep" and found == [Change("tier", "a", "b")]
    text = render_text(d)
    assert '    tier: "a" → "b"' in text and "+ gcp:sql/user:User  new" in text and "- gcp:sql/user:User  gone" in text


def test_markdown_is_one_table_fit_for_a_comment():
    old = plan(resource("db", {"flags": "a|b"}), outputs={"url": "https://a"})
    new = plan(resource("db", {"flags": "a|c" + "x" * 100}), outputs={"url": "https://b"})
    md = render_markdown(diff_plans(old, new))
    assert md.startswith("#### Offline plan: `dev`\n\n**0 to add, 0 to remove, 1 to change, 1 outputs changed")
    row = next(line for line in md.splitlines() if line.startswith("| ~ | `db`"))
    assert "a\\|b" in row and "chars)" in row
    assert render_markdown(diff_plans(old, old)).endswith("**no changes (1 resources)**")


def test_one_value_changed_in_a_stack_file_names_the_resource_and_input_path(tmp_path, capsys):
    stack = (ROOT / "Pulumi.local.yaml").read_text().replace("localhost:8080", "localhost:9090")
    (tmp_path / "Pulumi.local.yaml").write_text(stack)
    old, new = tmp_path / "old.json", tmp_path / "new.json"
    assert main(["--stack", "local", "--json", str(old)]) == 0
    assert main(["--stack", "local", "--dir", str(tmp_path), "--json", str(new)]) == 0
    capsys.readouterr()
    assert main(["diff", str(old), str(new)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == (
        "plan diff of stack local: 0 to add, 0 to remove, 1 to change, 1 outputs changed (28 → 28 resources)"
    )
    assert "~ kubernetes:apps.wandb.com/v1:WeightsAndBiases  wandb-wandb-wandb" in out
    assert '    spec.values.global.host: "http://localhost:8080" → "http://localhost:9090"' in out


def test_a_file_that_is_not_a_plan_exits_2(tmp_path, capsys):
    (tmp_path / "x.json").write_text(json.dumps({"nope": 1}))
    assert main(["diff", str(tmp_path / "x.json"), str(tmp_path / "missing.json")]) == 2
    assert "not a plan JSON" in capsys.readouterr().err
