"""The recovery report, computed from the plan: every datastore with its RPO and RTO in three cases, the
reference targets' misses flagged."""

import pytest

from stacks.plan import main
from stacks.recovery import RPO_TARGET, RTO_TARGET, Case, cron_interval, report
from tests.conftest import planned


def rows(stack: str) -> dict[str, object]:
    return {row.store.split(" wandb")[0]: row for row in report(planned(stack))}


def test_cron_intervals():
    assert cron_interval("0 3 * * *") == 1440 and cron_interval("15 * * * *") == 60
    assert cron_interval("*/30 * * * *") == 30 and cron_interval("0 */6 * * *") == 360


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


def test_prod_s_mysql_and_bucket_meet_the_targets_thanks_to_their_copies_in_the_second_region():
    found = rows("prod")
    assert not found["Cloud SQL"].misses() and not found["bucket"].misses()
    assert found["Cloud SQL"].region.rpo < RPO_TARGET and "replica" in found["Cloud SQL"].region.why
    # A daily backup cannot give ClickHouse an RPO under an hour: flagged until its backups run more often.
    assert found["ClickHouse"].misses() == ["data damaged", "region lost"]
    assert found["ClickHouse"].damaged.rpo == 1440


def test_dev_flags_what_a_single_pod_or_region_holds():
    found = rows("dev")
    assert found["bucket"].misses() == ["region lost"]
    for store in ("ClickHouse (one server)", "MySQL (W&B's chart, one pod)"):
        assert found[store].misses() == ["zone or node lost", "data damaged", "region lost"], store


@pytest.mark.parametrize("stack", ["aws", "azure"])
def test_what_is_not_copied_out_of_the_region_is_flagged(stack):
    found = rows(stack)
    mysql = found["Aurora"] if stack == "aws" else found["MySQL Flexible Server"]
    assert "region lost" in mysql.misses()
