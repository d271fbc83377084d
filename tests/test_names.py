"""Logical names survive `pulumi stack rename`; physical names carry the stack, in a form every cloud accepts."""

import re

from hypothesis import given
from hypothesis import strategies as st

from components.naming import STACK_SLUG_MAX, StackNames, bounded_name, stack_slug
from stacks.plan import main, plan, stack_config
from tests.conftest import ROOT, STACK_FILES, base_aws_config, dig, run_config

PULUMI_STACK_NAME = st.from_regex(r"[A-Za-z0-9_.-]{1,100}", fullmatch=True)


def test_a_plain_stack_name_is_used_as_it_is():
    assert StackNames.of("wandb", "prod-eu") == StackNames(logical="wandb", physical="wandb-prod-eu")


def test_names_clouds_refuse_are_normalized_and_kept_apart():
    assert re.fullmatch(r"prod-eu-[0-9a-f]{4}", stack_slug("Prod_EU"))
    assert stack_slug("Prod_EU") != stack_slug("prod-eu") != stack_slug("PROD.EU")
    assert len(stack_slug("a" * 100)) == STACK_SLUG_MAX


@given(PULUMI_STACK_NAME)
def test_every_pulumi_stack_name_gives_a_cloud_safe_slug(stack):
    slug = stack_slug(stack)
    assert re.fullmatch(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?", slug) and len(slug) <= STACK_SLUG_MAX
    assert re.fullmatch(r"[a-z][a-z0-9-]{5,29}", bounded_name(f"wandb-{slug}", "nodes", 30))


def test_every_committed_stack_plans_the_same_logical_names_under_another_stack_name():
    for stack in STACK_FILES:
        file = stack_config(stack)
        names = {(r.type, r.name) for r in plan(stack, file).resources if r.type != "pulumi:pulumi:Stack"}
        renamed = {(r.type, r.name) for r in plan("Renamed_Stack", file).resources if r.type != "pulumi:pulumi:Stack"}
        assert names == renamed, stack


def test_physical_names_carry_the_stack():
    run = run_config(base_aws_config())
    assert run.one("aws:eks/cluster:Cluster").plain_inputs["name"] == "wandb-test-eks"
    assert {a.plain_inputs["name"] for a in run.of_type("aws:kms/alias:Alias")} >= {"alias/wandb-test-eks"}
    flow_logs = [g.plain_inputs["name"] for g in run.of_type("aws:cloudwatch/logGroup:LogGroup")]
    assert "/aws/vpc/wandb-test/flow-logs" in flow_logs
    redis = run.one("aws:elasticache/replicationGroup:ReplicationGroup").plain_inputs
    assert redis["finalSnapshotIdentifier"] == "wandb-test-redis-final"
    assert dig(run.one("aws:rds/cluster:Cluster").plain_inputs, "finalSnapshotIdentifier").startswith(
        "wandb-test-mysql-final-"
    )


def test_a_pinned_prefix_keeps_a_renamed_stacks_cloud_names():
    run = run_config(base_aws_config(namePrefix="wandb-aws"), stack="renamed")
    assert run.one("aws:eks/cluster:Cluster").plain_inputs["name"] == "wandb-aws-eks"


def test_the_plan_says_when_a_stack_name_is_normalized(tmp_path, capsys):
    (tmp_path / "Pulumi.Prod_EU.yaml").write_text((ROOT / "Pulumi.local.yaml").read_text())
    assert main(["--stack", "Prod_EU", "--dir", str(tmp_path)]) == 0
    assert f"note: stack 'Prod_EU' appears as '{stack_slug('Prod_EU')}' in cloud names" in capsys.readouterr().out
