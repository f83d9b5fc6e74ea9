"""The workbook read back with openpyxl and pandas: sheets, styles, cached values, safe text."""

from __future__ import annotations

from decimal import Decimal

import openpyxl
import pandas as pd
import pytest

from planner.report.workbook import MAX_ROWS, write_workbook
from pricing.present import round_cents
from tests.factories import make_inventory, make_key, make_resource
from tests.report.conftest import HOSTILE, plan_of, regional_plan, small_inventory

SHEETS = ["Read me", "Summary", "Coverage", "Resources", "Keys", "Requests", "Free tier",
          "Remediation", "One-time lines", "Forecast", "Assumptions"]
TABLE_SHEETS = SHEETS[2:]
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
    total, keys = keys[keys["key"] == "Total"], keys[keys["key"] != "Total"]
    assert round(keys["monthly after"].sum(), 2) == float(round_cents(rich_plan.key_cost("after")))
    # The Total row below the keys: the same sum.
    assert total["monthly after"].tolist() == [pytest.approx(keys["monthly after"].sum())]
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
        # Resources keeps its columns up to the resource id in view too, Keys its key,
        # Requests its phase, billing scope and key.
        kept = {"Resources": "F2", "Keys": "B2", "Requests": "D2"}
        assert sheet.freeze_panes == kept.get(name, "A2"), name
        assert len(sheet.tables) == 1, name
        table = next(iter(sheet.tables.values()))
        # The table ends at the last row, or just above a "Total" row.
        totalled = sheet.cell(sheet.max_row, 1).value == "Total"
        last = sheet.max_row - 1 if totalled else sheet.max_row
        assert table.ref.startswith("A1:") and table.ref.endswith(str(last)), name
        assert totalled == (name in ("Keys", "Remediation", "One-time lines")), name
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
    assert requests["L2"].value == "=J2/request_price_unit*K2"
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
    assert second["A2"].value == "account" and second.freeze_panes == "F3"
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


@pytest.mark.parametrize("max_rows", [MAX_ROWS, 12])
def test_a_streamed_table_holds_the_same_cells(rich_plan, tmp_path, max_rows):
    """Tables longer than stream_rows are written row by row (constant_memory): the same
    cells, values and formulas, with a filter instead of an Excel table; also split over
    continuation sheets."""
    write_workbook(rich_plan, tmp_path / "kept.xlsx", max_rows=max_rows)
    write_workbook(rich_plan, tmp_path / "streamed.xlsx", max_rows=max_rows, stream_rows=5)
    kept = openpyxl.load_workbook(tmp_path / "kept.xlsx")
    streamed = openpyxl.load_workbook(tmp_path / "streamed.xlsx")
    assert streamed.sheetnames == kept.sheetnames
    def cells(sheet):  # an array formula compares by its text
        return [[getattr(c.value, "text", c.value) for c in row] for row in sheet.iter_rows()]

    def heights(sheet):
        return {r: d.height for r, d in sheet.row_dimensions.items() if d.height}

    def comments(sheet):  # "Continues on sheet ..." on a part's header
        return {c.coordinate: c.comment.text for row in sheet.iter_rows() for c in row
                if c.comment}

    for name in kept.sheetnames:
        assert cells(streamed[name]) == cells(kept[name]), name
        assert heights(streamed[name]) == heights(kept[name]), name  # wrapped rows' heights
        assert comments(streamed[name]) == comments(kept[name]), name
    if max_rows < MAX_ROWS:
        assert comments(streamed["Resources"]) == {"A1": "Continues on sheet 'Resources (2)'."}
    assert heights(streamed["Resources"])  # some downtime texts wrap
    resources = streamed["Resources"]
    assert not resources.tables and kept["Resources"].tables
    assert resources.auto_filter.ref.startswith("A1:")
    assert resources.freeze_panes == "F2"  # the header and the columns to the resource id
    assert streamed["Free tier"].tables  # short tables keep their Excel table
    assert streamed["Forecast"].tables  # and so does a table with cells beside it


@pytest.mark.parametrize("stream_rows", [10**9, 5])
def test_the_fast_cell_writer_writes_what_xlsxwriter_writes(rich_plan, tmp_path, monkeypatch,
                                                            stream_rows):
    """PlanSheet writes numbers, strings and formulas itself (the write loop of a large plan):
    every part of the file is byte for byte what XlsxWriter's own writer gives."""
    import zipfile

    from xlsxwriter.worksheet import Worksheet

    from planner.report.workbook.tables import PlanSheet

    write_workbook(rich_plan, tmp_path / "fast.xlsx", stream_rows=stream_rows)
    monkeypatch.setattr(PlanSheet, "_write_cell", Worksheet._write_cell)
    write_workbook(rich_plan, tmp_path / "xlsxwriter.xlsx", stream_rows=stream_rows)
    with zipfile.ZipFile(tmp_path / "fast.xlsx") as fast, \
            zipfile.ZipFile(tmp_path / "xlsxwriter.xlsx") as theirs:
        names = [n for n in fast.namelist() if n != "docProps/core.xml"]  # a timestamp
        assert names == [n for n in theirs.namelist() if n != "docProps/core.xml"]
        for name in names:
            assert fast.read(name) == theirs.read(name), name


def test_every_sheet_prints_landscape_with_header_rows_and_a_footer(rich_plan, rich_book):
    book = openpyxl.load_workbook(rich_book)
    scan_date = rich_plan.inventory.scanned_at[:10]
    for name in book.sheetnames:
        sheet = book[name]
        assert sheet.page_setup.orientation == "landscape", name
        if name == "Forecast":  # the months on page 1 at a legible scale, the years after
            assert not sheet.sheet_properties.pageSetUpPr.fitToPage
            assert 40 <= sheet.page_setup.scale < 100
            header = [c.value for c in sheet[1]]
            block = header.index("By year (months as shown + rounding = year)")
            # The break right of the table: the empty column between goes with the block.
            assert [b.id for b in sheet.col_breaks.brk] == [block - 1]
        else:
            assert sheet.sheet_properties.pageSetUpPr.fitToPage, name
        # Footer: the sheet's name (&A), "Page N of M" and the scan's date.
        footer = sheet.oddFooter
        assert (footer.left.text, footer.center.text) == ("&A", "Page &P of &N"), name
        assert footer.right.text == f"scan of {scan_date}", name
        if name in TABLE_SHEETS:  # the header row printed on every page
            assert sheet.print_title_rows == "$1:$1", name
    # Wide tables print several pages across, repeating the columns kept in view.
    assert book["Resources"].print_title_cols == "$A:$E"
    assert book["Keys"].print_title_cols == "$A:$A"
    assert book["Coverage"].page_setup.fitToWidth in (None, 1)


def test_at_risk_rows_are_highlighted_on_resources(rich_book):
    sheet = openpyxl.load_workbook(rich_book)["Resources"]
    header = [c.value for c in sheet[1]]
    letter = openpyxl.utils.get_column_letter(header.index("at risk") + 1)
    [(ranges, rules)] = [(str(r.sqref), r.rules) for r in sheet.conditional_formatting]
    assert ranges.startswith("A2:") and ranges.endswith(str(sheet.max_row))
    assert [rule.formula for rule in rules] == [[f'${letter}2="yes"']]
    assert rules[0].dxf.fill.bgColor.rgb.endswith("FFC7CE")
    assert any(c.value == "yes" for c in sheet[letter][1:])  # the rich plan has some


def test_read_me_explains_the_scan_and_every_state_and_action(rich_plan, rich_book):
    from planner.coverage import LADDER
    from planner.plan.actions import ACTIONS

    sheet = openpyxl.load_workbook(rich_book)["Read me"]
    rows = {r[0]: r[1] for r in sheet.iter_rows(values_only=True) if r[0]}
    inv = rich_plan.inventory
    assert rows["Scan"].startswith(f"{inv.scanned_at}: {len(inv.accounts)} account(s)")
    assert f"{len(inv.resources):,} resources" in rows["Scan"]
    assert f"target {rich_plan.settings.target}" in rows["Plan"]
    assert "--inputs" in rows["Change an assumption"]
    glossary = set(rows)
    assert set(LADDER) | {"unknown"} <= glossary  # every encryption state
    assert set(ACTIONS) <= glossary  # every action, with its downtime
    assert all("Downtime:" in rows[action] for action in ACTIONS)
    # The key price is the price book's, not a figure written into the code.
    key_month = rich_plan.book.value("key_month")
    assert rows["customer-managed"].startswith(f"a customer managed KMS key: ${key_month} a ")
    # A wrapped text's row is as tall as its lines, so the next row does not print over it.
    for row in sheet.iter_rows(min_row=2):
        text = row[1].value or ""
        if len(text) > 100:
            height = sheet.row_dimensions[row[0].row].height
            assert height == 15 * min(8, 1 + (len(text) - 1) // 100), text[:40]


def test_wrapped_text_rows_are_tall_enough_and_month_rows_are_even(rich_book):
    book = openpyxl.load_workbook(rich_book)
    sheet = book["Assumptions"]
    header = [c.value for c in sheet[1]]
    col = header.index("description or provenance")
    width = sheet.column_dimensions[openpyxl.utils.get_column_letter(col + 1)].width
    long = [row for row in sheet.iter_rows(min_row=2)
            if len(row[col].value or "") > width + 1]
    assert long  # the price book's descriptions wrap
    for row in long:
        lines = min(8, 1 + (len(row[col].value) - 1) // int(width))
        assert sheet.row_dimensions[row[0].row].height == 15 * lines, row[col].value
    # No row of the month table is taller than the others (a note beside it once made one).
    forecast = book["Forecast"]
    assert {forecast.row_dimensions[r].height for r in range(2, 38)} == {None}


def test_request_costs_divide_by_the_named_unit_not_a_literal(rich_book):
    """A request price is per 10,000 requests: formulas say so by the named cell."""
    book = openpyxl.load_workbook(rich_book)
    [(sheet_name, cell)] = list(book.defined_names["request_price_unit"].destinations)
    assert book[sheet_name][cell].value == 10000
    formulas = [c.value for sheet in book for row in sheet.iter_rows() for c in row
                if isinstance(c.value, str) and c.value.startswith("=")]
    assert not [f for f in formulas if "10000" in f]
    using = [f for f in formulas if "/request_price_unit" in f]
    assert len(using) > 10  # Requests, Resources and one-time re-encryption lines


def test_total_rows_sum_every_part_in_the_columns_format(rich_plan, rich_book):
    book = openpyxl.load_workbook(rich_book)
    values = openpyxl.load_workbook(rich_book, data_only=True)
    remediation = book["Remediation"]
    total = remediation.max_row
    assert remediation.cell(total, 1).value == "Total"
    header = [c.value for c in remediation[1]]
    count, cost = header.index("resources") + 1, header.index("one-time") + 1
    assert remediation.cell(total, count).number_format == "#,##0"  # a count, not money
    assert remediation.cell(total, cost).number_format == "$#,##0.00"
    cached = values["Remediation"]
    assert cached.cell(total, count).value == len(rich_plan.all_actions)
    assert cached.cell(total, cost).value == pytest.approx(float(rich_plan.one_time))
    lines = values["One-time lines"]
    assert lines.cell(lines.max_row, 1).value == "Total"
    assert lines.cell(lines.max_row, 10).value == pytest.approx(float(rich_plan.one_time))


def test_a_full_sheet_leaves_its_total_row_to_the_next(rich_plan, tmp_path):
    """Keys exactly fill their sheet: the Total row goes on a continuation sheet of its own,
    rather than past the sheet's last row."""
    keys = len(rich_plan.keys)
    write_workbook(rich_plan, tmp_path / "full.xlsx", max_rows=keys + 1)
    book = openpyxl.load_workbook(tmp_path / "full.xlsx")
    assert book["Keys"].max_row == keys + 1  # the header and every key
    second = book["Keys (2)"]
    assert second["A3"].value == "Total"  # below its note and header
    header = [c.value for c in second[2]]
    letter = openpyxl.utils.get_column_letter(header.index("monthly after") + 1)
    assert second[f"{letter}3"].value == f"=SUM('Keys'!${letter}$2:${letter}${keys + 1})"


def test_read_me_lists_the_sheets_a_what_if_or_reconciled_workbook_adds(rich_plan, tmp_path):
    from planner.report.workbook import write_scenarios_workbook

    write_scenarios_workbook([("base", rich_plan)], tmp_path / "w.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "w.xlsx")["Read me"]
    listed = [r[0] for r in sheet.iter_rows(values_only=True)]
    assert listed.index("Scenarios") < listed.index("Summary")
    assert "Reconciliation" not in listed


@pytest.mark.parametrize("stream_rows", [10**9, 5])
def test_the_fast_cell_writer_escapes_as_xlsxwriter_does(rich_plan, tmp_path, monkeypatch,
                                                         stream_rows):
    """A scenario named with & < > puts those into sheet references in formulas."""
    import zipfile

    from xlsxwriter.worksheet import Worksheet

    from planner.report.workbook import write_scenarios_workbook
    from planner.report.workbook.tables import PlanSheet

    named = [("R&D <east>", rich_plan), ("R&D >west", rich_plan)]
    write_scenarios_workbook(named, tmp_path / "fast.xlsx", stream_rows=stream_rows)
    monkeypatch.setattr(PlanSheet, "_write_cell", Worksheet._write_cell)
    write_scenarios_workbook(named, tmp_path / "xlsxwriter.xlsx", stream_rows=stream_rows)
    with zipfile.ZipFile(tmp_path / "fast.xlsx") as fast, \
            zipfile.ZipFile(tmp_path / "xlsxwriter.xlsx") as theirs:
        names = [n for n in fast.namelist() if n != "docProps/core.xml"]
        assert any(b"&amp;D" in fast.read(n) and b"<f>" in fast.read(n)
                   for n in names if n.startswith("xl/worksheets/"))
        for name in names:
            assert fast.read(name) == theirs.read(name), name


def test_a_long_id_wraps_to_a_taller_row(tmp_path):
    """A 63-character bucket name is longer than the resource id column: it wraps, and its
    row is tall enough to show it whole in print."""
    name = "b" * 63
    write_workbook(plan_of(make_inventory([make_resource("bucket", name, "none")])),
                   tmp_path / "plan.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "plan.xlsx")["Resources"]
    header = [c.value for c in sheet[1]]
    cell = sheet.cell(2, header.index("resource id") + 1)
    assert cell.value == name and cell.alignment.wrap_text
    assert sheet.row_dimensions[2].height == 30  # 63 characters over a 48-wide column
