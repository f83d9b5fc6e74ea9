"""`plan --fail-on`: exit 3 with the findings listed, after the reports are written."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from planner.cli import main
from planner.inventory import save_inventory
from tests.factories import rich_inventory
from tests.report.conftest import small_inventory


def run(capsys, *args):
    with pytest.raises(SystemExit) as exited:
        main([str(a) for a in args])
    captured = capsys.readouterr()
    return exited.value.code, captured.err


@pytest.fixture
def rich_file(tmp_path):
    path = tmp_path / "rich.json"
    save_inventory(rich_inventory(), path)
    return path


@pytest.fixture
def small_file(tmp_path):
    path = tmp_path / "small.json"
    save_inventory(small_inventory(), path)
    return path


def test_at_risk_fails_the_build_in_a_real_subprocess(rich_file, tmp_path):
    """audit-logs is encrypted under 2222bbbb, pending deletion: the one at-risk resource."""
    workbook, summary = tmp_path / "plan.xlsx", tmp_path / "summary.json"
    done = subprocess.run(
        [sys.executable, "-m", "planner", "plan", str(rich_file), "--out", str(workbook),
         "--json", str(summary), "--fail-on", "at-risk"],
        capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 3, done.stderr
    assert ("fail-on at-risk: 1 resource(s) use a key that is disabled, pending deletion or "
            "deleted: audit-logs\n") in done.stderr
    # The reports are written first, whole.
    assert json.loads(summary.read_text())["at_risk"] == ["audit-logs"]
    assert workbook.stat().st_size > 0


def test_unknown(rich_file, tmp_path, capsys):
    code, err = run(capsys, "plan", rich_file, "--out", tmp_path / "p.xlsx", "--fail-on",
                    "unknown")
    assert code == 3
    assert ("fail-on unknown: 1 resource(s) whose encryption the scan could not read: "
            "partner-drop\n") in err


def test_nothing_met_is_exit_0(small_file, tmp_path, capsys):
    code, err = run(capsys, "plan", small_file, "--out", tmp_path / "p.xlsx",
                    "--fail-on", "at-risk,unknown")
    assert code == 0
    assert "fail-on" not in err


@pytest.mark.parametrize(("percent", "status"), [("50", 0), ("50.1", 3), ("100", 3), ("0", 0)])
def test_coverage_below(small_file, tmp_path, capsys, percent, status):
    """Target aws-managed: 'managed' (aws-managed) meets it, 'plain' (none) does not:
    1 of 2 = 50.0%, which is below 50.1 and 100 but not below 50 or 0."""
    code, err = run(capsys, "plan", small_file, "--out", tmp_path / "p.xlsx", "--target",
                    "aws-managed", "--fail-on", f"coverage-below={percent}")
    assert code == status
    if status == 3:
        assert (f"fail-on coverage-below={percent}: 1 of 2 resources (50.0%) meet their "
                "target today\n") in err


def test_several_conditions_each_listed(rich_file, tmp_path, capsys):
    code, err = run(capsys, "plan", rich_file, "--out", tmp_path / "p.xlsx",
                    "--fail-on", "at-risk", "--fail-on", "unknown")
    assert code == 3
    assert [line.split(":")[0] for line in err.splitlines() if line.startswith("fail-on")] == [
        "fail-on at-risk", "fail-on unknown"]


@pytest.mark.parametrize("spec", ["coverage-below", "coverage-below=abc", "coverage-below=101",
                                  "coverage-below=nan", "at-rsk", ""])
def test_a_bad_condition_is_exit_2_before_any_work(small_file, tmp_path, capsys, spec):
    code, err = run(capsys, "plan", small_file, "--out", tmp_path / "p.xlsx",
                    "--fail-on", spec)
    assert code == 2
    assert err.startswith("kmsplan: error: --fail-on: ") and err.count("\n") == 1
    assert not (tmp_path / "p.xlsx").exists()
