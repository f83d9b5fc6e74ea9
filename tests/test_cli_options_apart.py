"""An option that applies only with another one is refused (exit 2, one line) when given
without it, as `usage measure --since` without --athena already was: silently ignoring it
would leave a user believing the figures cover the month or source they named. Found by QA."""

from __future__ import annotations

import pytest

from planner.cli import main
from planner.inventory import save_inventory
from tests.factories import make_inventory, make_resource
from tests.reconcile import cur, scenario


def run(args) -> int:
    with pytest.raises(SystemExit) as exit_info:
        main([str(a) for a in args])
    return exit_info.value.code


@pytest.fixture
def bill(tmp_path):
    return cur.cur2_parquet(tmp_path / "part.parquet", scenario.items())


@pytest.mark.parametrize("extra, message", [
    # Two sources at once: the CUR was read and the trail silently dropped.
    (["--cloudtrail", "TRAIL"], "usage measure: give one of --cloudtrail PATH, "
                                "--athena DATABASE.TABLE or --cur PATH"),
    (["--athena", "db.trail", "--workgroup", "primary"], "give one of --cloudtrail PATH"),
    # Options of the CloudTrail and Athena counts, which a bill has no use for.
    (["--cloudwatch"], "usage measure: --cloudwatch does not apply to --cur"),
    (["--since", "2026-10-01"], "usage measure: --since/--until apply to --athena only"),
])
def test_usage_measure_cur_refuses_options_of_other_sources(tmp_path, capsys, bill, extra,
                                                            message):
    trail = tmp_path / "trail"
    trail.mkdir()
    extra = [str(trail) if a == "TRAIL" else a for a in extra]
    usage = tmp_path / "usage.yaml"
    assert run(["usage", "measure", "--cur", bill, *extra, "--out", usage]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
    assert not usage.exists()


def test_usage_measure_month_needs_cur(tmp_path, capsys):
    trail = tmp_path / "trail"
    trail.mkdir()
    assert run(["usage", "measure", "--cloudtrail", trail, "--month", "2026-10",
                "--out", tmp_path / "usage.yaml"]) == 2
    err = capsys.readouterr().err
    assert "usage measure: --month applies to --cur only" in err and err.count("\n") == 1


def test_plan_month_needs_cur(tmp_path, capsys):
    inventory = tmp_path / "inventory.json"
    save_inventory(make_inventory([make_resource("volume", "vol-1", "none", size_gb=10)]),
                   inventory)
    workbook = tmp_path / "plan.xlsx"
    assert run(["plan", inventory, "--month", "2026-10", "--out", workbook]) == 2
    err = capsys.readouterr().err
    assert "plan: --month applies to --cur only" in err and err.count("\n") == 1
    assert not workbook.exists()


def test_usage_measure_workgroup_needs_athena(tmp_path, capsys):
    trail = tmp_path / "trail"
    trail.mkdir()
    assert run(["usage", "measure", "--cloudtrail", trail, "--workgroup", "primary",
                "--out", tmp_path / "usage.yaml"]) == 2
    err = capsys.readouterr().err
    assert "usage measure: --workgroup applies to --athena only" in err
    assert err.count("\n") == 1


def test_reconcile_workgroup_needs_athena(tmp_path, capsys, bill):
    inventory = tmp_path / "inventory.json"
    save_inventory(make_inventory([make_resource("volume", "vol-1", "none", size_gb=10)]),
                   inventory)
    assert run(["reconcile", inventory, "--cur", bill, "--workgroup", "primary"]) == 2
    err = capsys.readouterr().err
    assert "reconcile: --workgroup applies to --athena only" in err and err.count("\n") == 1
