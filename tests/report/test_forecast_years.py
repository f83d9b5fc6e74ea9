"""The Forecast sheet's block by year (issue 11 defect 5, issue 12): the months as shown plus
a rounding row add up to each year as shown, the years plus a rounding row to the 3 years,
cumulative columns, and the break-even month."""

from __future__ import annotations

from decimal import Decimal

import openpyxl

from planner.report.workbook import write_workbook
from planner.report.workbook.forecast_years import NONE_TEXT, break_even_month
from pricing.present import round_cents
from tests.factories import make_inventory, make_resource
from tests.plan.helpers import plan_for
from tests.report.test_parts_add_up import _bucket_plan

D = Decimal


def _sheet(plan, path):
    write_workbook(plan, path)
    return openpyxl.load_workbook(path, data_only=True)["Forecast"]


def _block(sheet) -> tuple[dict, dict]:
    """The block's rows, label -> {column header: value}, and the table's header -> column."""
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    left = next(i for i, h in enumerate(header) if h and str(h).startswith("By year"))
    table = {h: i for i, h in enumerate(header[:left]) if h}
    heads = header[left + 1:]
    block = {r[left]: dict(zip(heads, r[left + 1:], strict=True)) for r in rows[1:] if r[left]}
    return block, table


def money(value) -> Decimal:
    return round_cents(D(repr(value)))


def test_months_as_shown_plus_rounding_add_up_to_the_year_as_shown(tmp_path):
    # Every month: the key $1 + 5,000 billed GETs x $0.03 / 10k = $0.015: $1.015 a month,
    # shown $1.02. Year 1 is 12 x 1.015 = $12.18, but twelve shown months add to 12 x 1.02 =
    # $12.24: the rounding row holds 12.18 - 12.24 = -$0.06.
    plan = _bucket_plan(tmp_path, 25_000)
    sheet = _sheet(plan, tmp_path / "b.xlsx")
    block, table = _block(sheet)
    months = [row[table["total after"]] for row in
              sheet.iter_rows(min_row=2, max_row=37, values_only=True)]
    assert {money(m) for m in months[:12]} == {D("1.02")}
    assert money(block["Year 1: rounding to cents"]["total after"]) == D("-0.06")
    assert money(block["Year 1 (months 1-12)"]["total after"]) == D("12.18")
    assert 12 * D("1.02") + D("-0.06") == D("12.18")
    # Requests alone: 12 x $0.015 = $0.18 against 12 shown $0.02 = $0.24.
    assert money(block["Year 1: rounding to cents"]["requests after"]) == D("-0.06")
    # Three equal years of $12.18 add to $36.54, the 3 years exactly: no rounding left over.
    years = [money(block[f"Year {y} (months {12 * y - 11}-{12 * y})"]["total after"])
             for y in (1, 2, 3)]
    three = block["3 years (months 1-36)"]["total after"]
    assert sum(years) + money(block["3 years: rounding to cents"]["total after"]) == \
        money(three) == D("36.54") == plan.year_total(3)


def test_cumulative_columns_and_the_break_even_month(tmp_path):
    # The bucket keeps its key: the plan costs what doing nothing costs, month by month, so
    # the running totals are equal ($1.015, $2.03, ...) and break-even is month 1.
    same = _bucket_plan(tmp_path, 25_000)
    sheet = _sheet(same, tmp_path / "same.xlsx")
    block, table = _block(sheet)
    second = next(sheet.iter_rows(min_row=3, max_row=3, values_only=True))
    assert money(second[table["cumulative now"]]) == money(second[table["cumulative after"]]) \
        == D("2.03")
    assert break_even_month(same) == 1
    assert "Break-even month" in block
    # An unencrypted bucket gets a new key: $1 a month more than doing nothing, never repaid.
    bucket = make_resource("bucket", "b0", "none", bucket_key=False, object_count=0)
    dearer = plan_for(make_inventory([bucket]))
    assert break_even_month(dearer) is None
    sheet = _sheet(dearer, tmp_path / "dearer.xlsx")
    values = [c for row in sheet.iter_rows(values_only=True) for c in row]
    assert NONE_TEXT in values


def test_libreoffice_finds_the_same_break_even_month(tmp_path):
    # The break-even cell is an array formula (MIN(IF(...))), which the recalculation test of
    # every plain formula does not read: recalculated, it still says month 1 and "none".
    from tests.report.libreoffice import recalculate

    same = _bucket_plan(tmp_path, 25_000)
    bucket = make_resource("bucket", "b0", "none", bucket_key=False, object_count=0)
    dearer = plan_for(make_inventory([bucket]))
    paths = [tmp_path / "same.xlsx", tmp_path / "dearer.xlsx"]
    write_workbook(same, paths[0])
    write_workbook(dearer, paths[1])
    found = []
    for path in recalculate(paths, tmp_path):
        block, _ = _block(openpyxl.load_workbook(path, data_only=True)["Forecast"])
        found.append(next(iter(block["Break-even month"].values())))
    assert found == [1, NONE_TEXT]
