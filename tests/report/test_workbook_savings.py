"""The Savings section on the Summary sheet, the JSON summary's `savings` object and the
--retire-idle-keys switch, through the CLI and read back with openpyxl; recalculated once in
LibreOffice (the retire-key one-time lines are formulas like any other)."""

from __future__ import annotations

import json
from decimal import Decimal

import openpyxl
import pytest

from planner.cli import main
from planner.inventory import save_inventory
from planner.plan import PlanSettings
from planner.usage import load_usage
from planner.whatif import run_whatif, vary_scenarios
from pricing import load_price_book
from tests.factories import make_inventory, make_key, make_resource
from tests.report.libreoffice import recalculate
from tests.report.test_workbook import headline
from tests.report.test_workbook_libreoffice import formulas_match

HOSTILE_ALIAS = 'alias/=HYPERLINK("http://x","y")'


def _inventory():
    """An idle key with a hostile alias, a key a volume uses, a key whose last use is unknown."""
    def key(key_id, alias, **fields):
        made = make_key(key_id, created="2025-01-01T00:00:00+00:00", aliases=[alias])
        made.last_usage = {"operation": "Decrypt", "timestamp": "2026-05-01T00:00:00+00:00",
                           "tracking_start": "2026-04-01T00:00:00+00:00", "error": None}
        made.grants, made.rotations = 0, 0
        for name, value in fields.items():
            setattr(made, name, value)
        return made

    idle = key("1dle", HOSTILE_ALIAS)
    used = key("u5ed", "alias/used")
    blind = key("b1nd", "alias/blind", last_usage={
        "operation": None, "timestamp": None, "tracking_start": None,
        "error": "AccessDeniedException"})
    volume = make_resource("volume", "vol-1", "customer-managed", key=used.arn, size_gb=8)
    return make_inventory([volume], [idle, used, blind])


def _cli(tmp_path, name, *options) -> dict:
    with pytest.raises(SystemExit) as exited:
        main(["plan", str(tmp_path / "inventory.json"), "--out", str(tmp_path / f"{name}.xlsx"),
              "--json", str(tmp_path / f"{name}.json"), *options])
    assert exited.value.code == 0
    return json.loads((tmp_path / f"{name}.json").read_text())


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("savings")
    save_inventory(_inventory(), tmp / "inventory.json")
    return tmp, _cli(tmp, "keep"), _cli(tmp, "retire", "--retire-idle-keys")


def test_the_json_savings_object(runs):
    _, keep, retire = runs
    saved = keep["savings"]
    # Idle: one $1.00 key (rotation off); 36 months x $1.00 less the 1-month watch = 35.00.
    assert (saved["idle_keys"], saved["unknown_keys"], saved["monthly_usd"],
            saved["three_year_usd"], saved["counted"]) == (1, 1, "1.00", "35.00", False)
    by_label = {k["label"]: k for k in saved["keys"]}
    assert by_label[HOSTILE_ALIAS]["verdict"] == "idle"
    assert by_label["alias/used"] == {**by_label["alias/used"], "verdict": "in use",
                                      "reasons": ["named by volume vol-1"]}
    assert by_label["alias/blind"]["reasons"] == [
        "last use unknown: GetKeyLastUsage failed with AccessDeniedException"]
    assert [lever["name"] for lever in saved["levers"]] == [
        "idle keys", "bucket keys", "consolidation"]
    assert "retire-key" not in keep["actions"]
    # Retiring: three keys at $1.00 now; after, the idle one is gone ($2.00) and its watch
    # is one-time ($1.00); 3 years: 36 x 2.00 + 1.00 = 73.00, against keep's 36 x 3.00 = 108.
    assert (keep["monthly_after_usd"], keep["year_3_usd"]) == ("3.00", "108.00")
    assert (retire["monthly_after_usd"], retire["one_time_usd"], retire["year_3_usd"]) == (
        "2.00", "1.00", "73.00")
    assert retire["actions"]["retire-key"] == 1
    assert retire["savings"]["counted"] is True


def _summary_rows(path) -> list[list]:
    sheet = openpyxl.load_workbook(path)["Summary"]
    return [[c.value for c in row] for row in sheet.iter_rows()]


def test_the_summary_sheet_shows_the_savings_section(runs):
    tmp, _, _ = runs
    rows = _summary_rows(tmp / "keep.xlsx")
    firsts = [r[0] for r in rows]
    top = firsts.index("Savings")
    levers = {r[0]: r[1:4] for r in rows[top:] if r[0] in ("idle keys", "bucket keys")}
    assert levers["idle keys"] == [1, 35, "no (option)"]
    keys = {r[0]: r for r in rows[top:]}
    assert keys[HOSTILE_ALIAS][1:4] == [1, 35, "idle"]  # the alias stays text
    assert keys["alias/blind"][3] == "unknown"
    assert "alias/used" not in keys  # in use: not listed
    assert any(isinstance(v, str) and v.startswith("Customer managed keys judged: 1 idle, "
                                                   "1 unknown") for v in firsts)
    cell = openpyxl.load_workbook(tmp / "keep.xlsx")["Summary"].cell(
        top + 1 + next(i for i, r in enumerate(rows[top:]) if r[0] == HOSTILE_ALIAS), 1)
    assert cell.data_type == "s"


def test_retired_keys_recalculate_in_libreoffice(runs):
    tmp, _, retire = runs
    rows = _summary_rows(tmp / "retire.xlsx")
    top = [r[0] for r in rows].index("Savings")
    assert {r[0]: r[3] for r in rows[top:]}["idle keys"] == "yes"
    [recalculated] = recalculate([tmp / "retire.xlsx"], tmp)
    assert formulas_match(tmp / "retire.xlsx", recalculated) > 10
    figures = headline(recalculated)
    assert (Decimal(str(figures["one_time"])), Decimal(str(figures["year_3"]))) == (
        Decimal(retire["one_time_usd"]), Decimal(retire["year_3_usd"]))


def test_whatif_varies_retire_idle_keys():
    scenarios = vary_scenarios("retire-idle-keys=off,on")
    results = run_whatif(_inventory(), PlanSettings(),
                         load_usage(), load_price_book(), scenarios)
    # base (keep), off (keep), on (retire): 3 keys' worth after, then 2.
    assert [r.plan.monthly_after for r in results] == [Decimal("3.00"), Decimal("3.00"),
                                                       Decimal("2.00")]

