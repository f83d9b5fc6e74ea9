"""Several plans in one workbook: a Scenarios sheet, then each plan's sheets under a prefix."""

from __future__ import annotations

import openpyxl
import pytest

from planner.report.workbook import write_scenarios_workbook
from pricing.present import round_cents
from tests.report.conftest import plan_of, small_inventory


@pytest.fixture(scope="module")
def scenarios_book(tmp_path_factory):
    path = tmp_path_factory.mktemp("scenarios") / "whatif.xlsx"
    plans = [("baseline", plan_of(small_inventory())),
             ("aws-managed", plan_of(small_inventory(), target="aws-managed"))]
    write_scenarios_workbook(plans, path)
    return path, plans


def table_of(sheet) -> dict:
    """Scenario name -> header -> value, from the Scenarios table at the top."""
    header = [c.value for c in sheet[1]]
    rows = {}
    for row in sheet.iter_rows(min_row=2, values_only=True):
        if not row[0]:
            break
        rows[row[0]] = dict(zip(header, row, strict=True))
    return rows


def test_scenarios_sheet_compares_the_plans(scenarios_book):
    path, plans = scenarios_book
    book = openpyxl.load_workbook(path)
    assert book.sheetnames[:2] == ["Read me", "Scenarios"]
    assert "1.baseline Summary" in book.sheetnames
    assert "2.aws-manag Assumptions" in book.sheetnames
    assert all(len(name) <= 31 for name in book.sheetnames)
    formulas = table_of(book["Scenarios"])
    assert formulas["baseline"]["monthly after"] == "=s1_monthly_after"
    assert formulas["aws-managed"]["monthly after"] == "=s2_monthly_after"
    assert formulas["aws-managed"]["sheets"] == "2.aws-manag"
    rows = table_of(openpyxl.load_workbook(path, data_only=True)["Scenarios"])
    # Customer managed: one new key at $1.00, requests inside the free tier.
    # AWS managed: no key. The plain bucket moves to aws/s3 with a bucket key (1,100 requests);
    # the managed bucket is already at target and keeps its 110,000 (no bucket key):
    # 111,100 - 20,000 free = 91,100 / 10,000 x $0.03 = $0.2733, in cents $0.27 (the
    # Summary's monthly totals add up their parts as shown).
    assert rows["baseline"]["monthly after"] == pytest.approx(1.00)
    assert rows["aws-managed"]["monthly after"] == pytest.approx(0.27)
    assert rows["aws-managed"]["new keys"] == 0
    for name, plan in plans:
        assert rows[name]["monthly now"] == pytest.approx(float(round_cents(plan.monthly_now)))
        assert rows[name]["one-time"] == pytest.approx(float(plan.one_time))


def test_differences_against_the_base_and_a_chart(scenarios_book):
    path, plans = scenarios_book
    sheet = openpyxl.load_workbook(path)["Scenarios"]
    values = openpyxl.load_workbook(path, data_only=True)["Scenarios"]
    [top] = [r for r in range(1, sheet.max_row + 1)
             if sheet.cell(r, 1).value == "Difference against the base (the first row)"]
    header = [c.value for c in sheet[top + 1]]
    assert sheet.cell(top + 2, 1).value == "aws-managed"  # the base has no row of its own
    col = header.index("monthly after") + 1
    letter = sheet.cell(1, col).column_letter
    assert sheet.cell(top + 2, col).value == f"={letter}3-{letter}2"
    (_, base), (_, other) = plans
    assert values.cell(top + 2, col).value == pytest.approx(
        float(round_cents(other.monthly_after) - round_cents(base.monthly_after)))
    assert len(sheet._charts) == 1


def test_scenarios_sheet_prints_on_one_page(scenarios_book):
    path, plans = scenarios_book
    sheet = openpyxl.load_workbook(path)["Scenarios"]
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) in ((1, 1), (None, None))
    assert sheet.print_area.startswith("'Scenarios'!$A$1:$P$")  # 16 columns, chart included
    scan_date = plans[0][1].inventory.scanned_at[:10]
    assert sheet.oddFooter.right.text == f"scan of {scan_date}"


def test_vary_scenarios_get_readable_unique_sheet_names(tmp_path):
    from planner.report.workbook import sheet_prefix

    names = ["base", "key-strategy=service", "key-strategy=resource", "key-strategy=tag:team"]
    prefixes = [sheet_prefix(i, name) for i, name in enumerate(names, start=1)]
    assert prefixes == ["1.base ", "2.service ", "3.resource ", "4.tagteam "]


def test_one_plan_at_a_time(tmp_path):
    """A generator of plans: each is written and let go before the next is made."""
    import gc
    import weakref

    seen = []

    def plans():
        for target in ("customer-managed", "aws-managed", "encrypted"):
            gc.collect()
            assert all(ref() is None for ref in seen), "an earlier plan is still held"
            plan = plan_of(small_inventory(), target=target)
            seen.append(weakref.ref(plan))
            yield target, plan
            del plan

    collected = []
    write_scenarios_workbook(plans(), tmp_path / "w.xlsx",
                             on_plan=lambda name, plan: collected.append(name))
    assert collected == ["customer-managed", "aws-managed", "encrypted"]
