"""The workbook read back with openpyxl and pandas: sheets, styles, cached values, safe text."""

from __future__ import annotations

from decimal import Decimal

import openpyxl
import pandas as pd
import pytest

from planner.report.workbook import write_workbook
from pricing.present import round_cents
from tests.factories import make_inventory, make_key, make_resource
from tests.report.conftest import HOSTILE, plan_of, regional_plan, small_inventory

SHEETS = ["Summary", "Coverage", "Resources", "Keys", "Requests", "Free tier", "Remediation",
          "One-time lines", "Forecast", "Assumptions"]
TABLE_SHEETS = SHEETS[1:]
HEADLINES = {"Monthly cost now": "monthly_now", "Monthly cost after the plan": "monthly_after",
             "One-time cost": "one_time", "Year 1 (after the plan, with one-time)": "year_1",
             "3 years (after the plan, with one-time)": "year_3", "New keys": "new_keys"}


def headline(path) -> dict:
    sheet = openpyxl.load_workbook(path, data_only=True)["Summary"]
    return {HEADLINES[a]: b for a, b, *_ in sheet.iter_rows(values_only=True) if a in HEADLINES}


@pytest.fixture(scope="module")
def small_book(small_plan, tmp_path_factory):
    path = tmp_path_factory.mktemp("small") / "plan.xlsx"
    write_workbook(small_plan, path)
    return path


@pytest.fixture(scope="module")
def rich_book(rich_plan, tmp_path_factory):
    path = tmp_path_factory.mktemp("rich") / "plan.xlsx"
    write_workbook(rich_plan, path)
    return path


def test_headline_figures_worked_by_hand(small_book):
    # Now: the managed bucket makes 100,000 GETs + 10,000 PUTs = 110,000 KMS requests with no
    # bucket key; 20,000 are free: 90,000 / 10,000 x $0.03 = $0.27. No customer managed key.
    # After: one new key ($1.00 a month in its first year); both buckets get bucket keys:
    # 1% of 110,000 = 1,100 requests each, 2,200 in all, inside the free tier.
    # One-time: the plain bucket's 1,000,000 objects are copied by S3 Batch Operations:
    # $0.25 a job + $1.00 per million objects + 1,000 x $0.005 per 1k COPYs + 10,000 KMS
    # GenerateDataKey (1% of the objects, bucket key on) = 1 x $0.03: $6.28. The managed bucket
    # has no object count, so nothing is priced for it.
    # Year 1: 12 x $1.00 + $6.28. Year 2 adds the first rotation ($2 a month), year 3 the
    # second ($3 a month): 3 years = 12 + 24 + 36 + 6.28.
    figures = headline(small_book)
    assert figures == {"monthly_now": pytest.approx(0.27), "monthly_after": pytest.approx(1.00),
                       "one_time": pytest.approx(6.28), "year_1": pytest.approx(18.28),
                       "year_3": pytest.approx(78.28), "new_keys": 1}


def test_cached_values_are_the_plans_figures(rich_plan, rich_book):
    figures = headline(rich_book)
    for name, value in (("monthly_now", rich_plan.monthly_now),
                        ("monthly_after", rich_plan.monthly_after),
                        ("one_time", rich_plan.one_time), ("year_1", rich_plan.year_total(1)),
                        ("year_3", rich_plan.year_total(3))):
        assert Decimal(str(round(figures[name], 2))) == round_cents(value), name
    keys = pd.read_excel(rich_book, sheet_name="Keys")
    assert round(keys["monthly after"].sum(), 2) == float(round_cents(rich_plan.key_cost("after")))
    requests = pd.read_excel(rich_book, sheet_name="Requests")
    after = requests[requests["phase"] == "after"]["cost"].sum()
    assert round(after, 2) == float(round_cents(rich_plan.request_cost("after")))
    forecast = pd.read_excel(rich_book, sheet_name="Forecast")
    assert len(forecast) == 36
    assert round(forecast["total after"].sum(), 2) == float(round_cents(rich_plan.year_total(3)))


def test_sheets_tables_frozen_headers_and_formats(rich_book):
    book = openpyxl.load_workbook(rich_book)
    assert book.sheetnames == SHEETS
    for name in TABLE_SHEETS:
        sheet = book[name]
        assert sheet.freeze_panes == "A2", name
        assert len(sheet.tables) == 1, name
        table = next(iter(sheet.tables.values()))
        assert table.ref.startswith("A1:") and table.ref.endswith(str(sheet.max_row)), name
    assert book["Summary"].freeze_panes == "A2"
    summary = book["Summary"]
    assert summary.page_setup.orientation == "landscape"
    assert summary.sheet_properties.pageSetUpPr.fitToPage
    # Fit to one page wide (1 is the file format's default, so it may be left out), any height.
    assert summary.page_setup.fitToWidth in (None, 1) and summary.page_setup.fitToHeight == 0
    keys = book["Keys"]
    assert keys["N2"].number_format == "$#,##0.00"
    assert keys["N2"].value.startswith("=")
    assert book["Requests"]["I2"].number_format == "0.0%"
    assert book["Coverage"]["F2"].number_format == "0.0%"
    assert summary["B4"].number_format == "0.0%"


def test_prices_live_in_one_named_cell_each(rich_book, rich_plan):
    book = openpyxl.load_workbook(rich_book)
    name = book.defined_names["price_requests_symmetric"]
    [(sheet, ref)] = list(name.destinations)
    assert sheet == "Assumptions"
    assert book[sheet][ref.replace("$", "")].value == 0.03
    requests = book["Requests"]
    prices = {requests.cell(r, 11).value for r in range(2, requests.max_row + 1)}
    assert prices <= {"=price_requests_symmetric"}
    assert requests["L2"].value == "=J2/10000*K2"
    assumptions = pd.read_excel(rich_book, sheet_name="Assumptions")
    rows = assumptions[assumptions["section"] == "price"]
    assert set(rows["name"]) == {e.name for e in rich_plan.book.entries.values() if e.is_price}
    hours = assumptions[assumptions["name"] == "hours_per_month"].iloc[0]
    assert hours["unconfirmed"] == "yes" and hours["source"].startswith("https://")
    sections = set(assumptions["section"])
    assert {"price", "allowance", "rate", "usage", "setting", "scan"} <= sections


def test_text_from_aws_stays_text(rich_book):
    book = openpyxl.load_workbook(rich_book)
    resources = book["Resources"]
    header = [c.value for c in resources[1]]
    seen = {}
    for row in resources.iter_rows(min_row=2):
        for column in ("resource id", "name", "tags"):
            cell = row[header.index(column)]
            seen.setdefault(column, []).append(cell)
    ids = {c.value: c for c in seen["resource id"]}
    names = {c.value: c for c in seen["name"]}
    for text in HOSTILE:
        for cell in (ids[text], names[text]):
            assert cell.data_type == "s" and cell.value == text
            assert cell.quotePrefix
    tags = {c.value for c in seen["tags"]}
    assert {f"{t}={t}" for t in HOSTILE} <= tags
    frame = pd.read_excel(rich_book, sheet_name="Resources")
    assert set(HOSTILE) <= set(frame["name"])


def test_rows_past_the_sheet_limit_continue_on_numbered_sheets(rich_plan, tmp_path):
    path = tmp_path / "small-sheets.xlsx"
    write_workbook(rich_plan, path, max_rows=12)
    book = openpyxl.load_workbook(path)
    parts = [n for n in book.sheetnames if n.startswith("Resources")]
    # 11 rows on the first sheet (header + 11), 10 on each next one (note, header, 10).
    rows = len(rich_plan.all_actions)
    assert len(parts) == 1 + -(-(rows - 11) // 10)
    assert parts[1] == "Resources (2)"
    second = book["Resources (2)"]
    assert "Continued from sheet 'Resources'" in second["A1"].value
    assert second["A2"].value == "account" and second.freeze_panes == "A3"
    ids = [c.value for name in parts for c in book[name]["E"][1 if name == parts[0] else 2:]]
    assert ids == [p.resource.resource_id for p in rich_plan.all_actions]
    assert headline(path) == headline_of(rich_plan)


def headline_of(plan) -> dict:
    # The monthly totals are the sums of their parts in cents (defect 5 of issue 11).
    return {"monthly_now": pytest.approx(float(round_cents(plan.monthly_now))),
            "monthly_after": pytest.approx(float(round_cents(plan.monthly_after))),
            "one_time": pytest.approx(float(plan.one_time)),
            "year_1": pytest.approx(float(plan.year_total(1))),
            "year_3": pytest.approx(float(plan.year_total(3))), "new_keys": plan.new_keys}


def test_region_overrides_get_their_own_price_cells(tmp_path):
    plan = regional_plan()
    path = tmp_path / "regional.xlsx"
    write_workbook(plan, path)
    book = openpyxl.load_workbook(path)
    assert "price_key_month_eu_west_1" in book.defined_names
    keys = book["Keys"]
    eu = [row for row in keys.iter_rows(min_row=2) if row[2].value == "eu-west-1"]
    assert eu and all("price_key_month_eu_west_1" in row[13].value for row in eu)
    forecast = pd.read_excel(path, sheet_name="Forecast")
    assert "key-months after (eu-west-1)" in forecast.columns
    assert headline(path) == headline_of(plan)


def test_an_inventory_of_one_unused_key_still_makes_a_workbook(tmp_path):
    # No resources at all (an inventory with neither resources nor keys is refused).
    plan = plan_of(make_inventory([], [make_key("idle")]))
    path = tmp_path / "empty.xlsx"
    write_workbook(plan, path)
    figures = headline(path)
    assert figures["monthly_now"] == 1 and figures["one_time"] == 0  # the key's $1.00
    assert openpyxl.load_workbook(path).sheetnames == SHEETS


def test_tag_keys_that_differ_in_case_get_distinct_columns(tmp_path):
    bucket = make_resource("bucket", "b", "none", tags={"Env": "prod", "env": "dev"})
    path = tmp_path / "tags.xlsx"
    write_workbook(plan_of(make_inventory([bucket])), path)
    header = [c.value for c in openpyxl.load_workbook(path)["Resources"][1]]
    assert {"tag:Env", "tag:env (2)"} <= set(header)


def test_scan_gaps_are_called_out_on_summary(tmp_path):
    from planner.inventory import ScanError

    inventory = make_inventory([make_resource("volume", "vol-1", "none", size_gb=8)])
    inventory.errors.append(ScanError("111111111111", "us-east-1", "ebs", "DescribeSnapshots",
                                      "AccessDenied", "=not a formula"))
    path = tmp_path / "plan.xlsx"
    write_workbook(plan_of(inventory), path)
    cells = [c.value for row in openpyxl.load_workbook(path)["Summary"].iter_rows()
             for c in row if isinstance(c.value, str)]
    # The scan's failure, and the default usage's missing labour rate.
    assert any(v.startswith("CHECK: 2 warning(s)") for v in cells)
    assert "one-time excludes engineering labour (no labour rate or hours in the usage " \
        "file)" in cells
    assert any("ebs DescribeSnapshots failed with AccessDenied" in v for v in cells)


def test_a_deleted_key_is_named_in_the_at_risk_list(tmp_path):
    gone = "arn:aws:kms:us-east-1:111111111111:key/deleted-0000"
    volume = make_resource("volume", "vol-lost", "customer-managed", key=gone, size_gb=8,
                           details={"key_in_catalogue": False})
    path = tmp_path / "plan.xlsx"
    write_workbook(plan_of(make_inventory([volume])), path)
    rows = [[c.value for c in row] for row in openpyxl.load_workbook(path)["Summary"].iter_rows()]
    assert any(isinstance(v, str) and v.startswith("AT RISK: 1 resource(s)") for r in rows
               for v in r)
    assert ["vol-lost", gone, "Deleted"] in [r[:3] for r in rows]


def test_no_at_risk_line_names_the_services_a_partial_scan_left_out(tmp_path):
    from planner.inventory import SERVICES

    inventory = small_inventory()
    inventory.services = ["kms", "tags", "s3"]  # kmsplan scan --services s3
    path = tmp_path / "partial.xlsx"
    write_workbook(plan_of(inventory), path)
    cells = [c for row in openpyxl.load_workbook(path)["Summary"].iter_rows(values_only=True)
             for c in row if isinstance(c, str) and c.startswith("No scanned resource")]
    missing = [name for name in SERVICES if name not in ("kms", "tags", "s3")]
    assert cells == ["No scanned resource uses a disabled or deleted key or a key pending "
                     f"deletion (not scanned: {', '.join(missing)})."]
    assert "ebs" in missing and "s3" not in missing
