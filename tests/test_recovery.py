"""The recovery report, computed from the plan: every datastore with its RPO and RTO in three cases, the
reference targets' misses flagged."""

import pytest

from components.k8s.clickhouse_backup import cron_minutes
from stacks.plan import main
from stacks.recovery import RPO_TARGET, RTO_TARGET, Case, report
from tests.conftest import base_aws_config, base_gcp_config, planned, run_config


def rows(stack: str) -> dict[str, object]:
    return {row.store.split(" wandb")[0]: row for row in report(planned(stack))}


def test_cron_intervals():
    assert cron_minutes("0 3 * * *") == 1440 and cron_minutes("15 * * * *") == 60
    assert cron_minutes("*/30 * * * *") == 30 and cron_minutes("0 */6 * * *") == 360


def test_a_case_meets_the_targets_only_below_both():
    assert Case(RPO_TARGET - 1, RTO_TARGET - 1, "").meets()
    assert not Case(RPO_TARGET, 0, "").meets() and not Case(0, RTO_TARGET, "").meets()
    assert not Case(None, None, "").meets()


def test_prod_lists_every_datastore_with_its_figures_and_exits_0(capsys):
    assert main(["--stack", "prod", "--recovery"]) == 0
    out = capsys.readouterr().out
    for store in ("Cloud SQL", "bucket", "ClickHouse", "Redis", "Kafka"):
        assert f"\n{store} " in out, store
    assert out.count("  RPO ") == 3 * 5 and "5 datastores;" in out


@pytest.mark.parametrize(
    ("stack", "mysql"), [("prod", "Cloud SQL"), ("aws", "Aurora"), ("azure", "MySQL Flexible Server")]
)
def test_the_committed_production_stacks_meet_the_targets_for_every_datastore(stack, mysql):
    found = rows(stack)
    assert {name: row.misses() for name, row in found.items()} == dict.fromkeys(found, [])
    assert found["ClickHouse"].damaged.rpo == 30  # the incremental backups' schedule
    region = found[mysql].region  # through MySQL's copy in the second region
    assert region.rpo < RPO_TARGET and ("replica" in region.why or "secondary" in region.why)


def test_daily_backups_alone_leave_clickhouse_a_day_behind():
    clickhouse = {"mode": "replicated", "backupIncrementSchedule": ""}
    run = run_config(base_gcp_config(size="large", clickhouse=clickhouse, dr={"secondaryRegion": "us-east1"}))
    (row,) = [r for r in report(run) if r.store.startswith("ClickHouse")]
    assert row.damaged.rpo == 1440 and row.misses() == ["data damaged", "region lost"]


def test_dev_flags_what_a_single_pod_or_region_holds():
    found = rows("dev")
    assert found["bucket"].misses() == ["region lost"]
    for store in ("ClickHouse (one server)", "MySQL (W&B's chart, one pod)"):
        assert found[store].misses() == ["zone or node lost", "data damaged", "region lost"], store


@pytest.mark.parametrize(
    ("stack", "kept"),
    [
        ("prod", "RDB snapshots every twelve hours"),
        ("aws", "daily snapshots kept 7 days"),
        ("azure", "RDB snapshots every 1h"),
    ],
)
def test_each_managed_cache_says_what_it_keeps_on_disk(stack, kept):
    assert rows(stack)["Redis"].kept == f"a managed cache, {kept}"


def test_what_is_not_copied_out_of_the_region_is_flagged():
    aurora = run_config(base_aws_config())
    assert "region lost" in {r.store.split(" ")[0]: r for r in report(aurora)}["Aurora"].misses()
    flexible = run_config(
        {
            "azure-native:location": "eastus2",
            "wandb-platform:target": "azure",
            "wandb-platform:host": "https://wandb.test.example.com",
            "wandb-platform:azure": {"acmeEmail": "ops@example.com"},
        }
    )
    assert "region lost" in {r.store.split(" wandb")[0]: r for r in report(flexible)}["MySQL Flexible Server"].misses()
