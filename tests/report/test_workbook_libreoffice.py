"""A real spreadsheet engine recalculates the workbook: LibreOffice, headless.

CI installs LibreOffice (.ci/run); without it these tests fail rather than skip.
"""

from __future__ import annotations

import json
from decimal import Decimal
from importlib import resources

import openpyxl
import pytest
import yaml

from planner.cli import main
from planner.inventory import save_inventory
from planner.report.workbook import write_scenarios_workbook, write_workbook
from pricing.present import round_cents
from tests.report.conftest import (
    HOSTILE,
    hostile_inventory,
    plan_of,
    regional_plan,
    small_inventory,
)
from tests.report.libreoffice import recalculate
from tests.report.test_workbook import headline

NEW_SYMMETRIC_PRICE = "0.05"
FIGURES = {"monthly_now": "monthly_now_usd", "monthly_after": "monthly_after_usd",
           "one_time": "one_time_usd", "year_1": "year_1_usd", "year_3": "year_3_usd"}


def cents(value: float) -> Decimal:
    return round_cents(Decimal(repr(value)))


def plan_cli(tmp_path, name: str, *options: str) -> dict:
    with pytest.raises(SystemExit) as exited:
        main(["plan", str(tmp_path / "inventory.json"), "--out", str(tmp_path / f"{name}.xlsx"),
              "--json", str(tmp_path / f"{name}.json"), *options])
    assert exited.value.code == 0
    return json.loads((tmp_path / f"{name}.json").read_text())


@pytest.fixture(scope="module")
def work(tmp_path_factory, rich_plan):
    """Workbooks and JSON summaries from the CLI at two symmetric request prices, a workbook
    split over many sheets, and the first one with its price edited; all recalculated."""
    tmp = tmp_path_factory.mktemp("lo")
    save_inventory(hostile_inventory(), tmp / "inventory.json")
    bundled = yaml.safe_load((resources.files("pricing") / "data" / "aws-kms-us.yaml")
                             .read_text(encoding="utf-8"))
    bundled["entries"]["requests_symmetric"]["price"] = NEW_SYMMETRIC_PRICE
    (tmp / "prices.yaml").write_text(yaml.safe_dump(bundled))
    base = plan_cli(tmp, "base")
    dearer = plan_cli(tmp, "dearer", "--prices", str(tmp / "prices.yaml"))
    write_workbook(rich_plan, tmp / "split.xlsx", max_rows=12)
    write_workbook(rich_plan, tmp / "streamed.xlsx", max_rows=12, stream_rows=5)
    write_scenarios_workbook([("rich", rich_plan), ("small", plan_of(small_inventory()))],
                             tmp / "scenarios.xlsx")
    edited = openpyxl.load_workbook(tmp / "base.xlsx")
    [(sheet, ref)] = list(edited.defined_names["price_requests_symmetric"].destinations)
    edited[sheet][ref.replace("$", "")].value = float(NEW_SYMMETRIC_PRICE)
    edited.save(tmp / "edited.xlsx")
    write_workbook(regional_plan(), tmp / "regional.xlsx")
    # Labour: written at $95 x 2 h per EBS copy-and-swap, edited to $120 x 1.5 h.
    labour = {"parameters": {"labour_rate_usd_per_hour": "95",
                             "labour_hours": {"ebs-copy-and-swap": "2"}}}
    (tmp / "labour.yaml").write_text(yaml.safe_dump({"schema": "kmsplan.usage/1", **labour}))
    labour["parameters"] = {"labour_rate_usd_per_hour": "120",
                            "labour_hours": {"ebs-copy-and-swap": "1.5"}}
    (tmp / "labour-edited.yaml").write_text(yaml.safe_dump({"schema": "kmsplan.usage/1",
                                                            **labour}))
    plan_cli(tmp, "labour", "--usage", str(tmp / "labour.yaml"))
    labour_cli = plan_cli(tmp, "labour-cli", "--usage", str(tmp / "labour-edited.yaml"))
    edit_inputs(tmp / "labour.xlsx", tmp / "labour-edited.xlsx",
                {"labour_rate_usd_per_hour": 120, "labour_hours_ebs_copy_and_swap": 1.5})
    # Days kept and hours per month: cut-over 3 -> 10 days, snapshot copies 7 -> 14 days,
    # 730 -> 720 hours a month.
    (tmp / "days.yaml").write_text(yaml.safe_dump({"schema": "kmsplan.usage/1", "parameters": {
        "cutover_window_days": 10, "snapshot_copy_retention_days": 14}}))
    bundled = yaml.safe_load((resources.files("pricing") / "data" / "aws-kms-us.yaml")
                             .read_text(encoding="utf-8"))
    bundled["entries"]["hours_per_month"]["quantity"] = "720"
    (tmp / "hours.yaml").write_text(yaml.safe_dump(bundled))
    days_cli = plan_cli(tmp, "days-cli", "--usage", str(tmp / "days.yaml"),
                        "--prices", str(tmp / "hours.yaml"))
    edit_inputs(tmp / "base.xlsx", tmp / "days-edited.xlsx",
                {"cutover_window_days": 10, "snapshot_copy_retention_days": 14,
                 "hours_per_month": 720})
    written = [tmp / "base.xlsx", tmp / "split.xlsx", tmp / "edited.xlsx",
               tmp / "scenarios.xlsx", tmp / "regional.xlsx", tmp / "labour-edited.xlsx",
               tmp / "days-edited.xlsx", tmp / "streamed.xlsx"]
    out = recalculate(written, tmp)
    return {"base": base, "dearer": dearer, "written": tmp / "base.xlsx",
            "recalculated": out[0], "split": out[1], "edited": out[2],
            "scenarios": (written[3], out[3]), "regional": (written[4], out[4]),
            "labour": (labour_cli, out[5]), "days": (days_cli, out[6]),
            "streamed": (written[7], out[7])}


def edit_inputs(path, out, changes: dict) -> None:
    """Overtype named input cells with openpyxl, as a reviewer would in Excel."""
    book = openpyxl.load_workbook(path)
    for name, value in changes.items():
        [(sheet, ref)] = list(book.defined_names[name].destinations)
        book[sheet][ref.replace("$", "")].value = value
    book.save(out)


def formulas_match(written, recalculated_path) -> int:
    """Every formula's LibreOffice value equals the value we cached; returns how many."""
    formulas = openpyxl.load_workbook(written)
    cached = openpyxl.load_workbook(written, data_only=True)
    recalculated = openpyxl.load_workbook(recalculated_path, data_only=True)
    checked = 0
    for sheet in formulas.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    mine = cached[sheet.title][cell.coordinate].value
                    theirs = recalculated[sheet.title][cell.coordinate].value
                    assert theirs == pytest.approx(mine, abs=1e-9), (sheet.title, cell.value)
                    checked += 1
    return checked


def test_every_formula_recalculates_to_its_cached_value(work):
    assert formulas_match(work["written"], work["recalculated"]) > 100
    assert formulas_match(*work["scenarios"]) > 100
    assert formulas_match(*work["regional"]) > 100
    assert formulas_match(*work["streamed"]) > 100  # rows streamed to disk, split over sheets
    figures = headline(work["recalculated"])
    for name, field in FIGURES.items():
        assert cents(figures[name]) == Decimal(work["base"][field]), name
    split = headline(work["split"])
    for name, field in FIGURES.items():
        assert cents(split[name]) == Decimal(work["base"][field]), name


def test_text_from_aws_survives_recalculation(work):
    resources_sheet = openpyxl.load_workbook(work["recalculated"], data_only=True)["Resources"]
    names = {row[5] for row in resources_sheet.iter_rows(min_row=2, values_only=True)}
    assert set(HOSTILE) <= names


def test_a_changed_request_price_gives_the_cli_figures_at_that_price(work):
    figures = headline(work["edited"])
    assert work["dearer"]["monthly_now_usd"] != work["base"]["monthly_now_usd"]
    for name, field in FIGURES.items():
        assert cents(figures[name]) == Decimal(work["dearer"][field]), name


def test_edited_labour_rate_and_hours_give_the_cli_figures(work):
    """Labour lines are hours (=labour_hours_<action>) x rate (=labour_rate_usd_per_hour)."""
    cli, recalculated = work["labour"]
    figures = headline(recalculated)
    # 8 EBS copy-and-swap volumes x 1.5 h x $120 = $1,440 of labour in the one-time cost.
    assert Decimal(cli["one_time_parts"]["labour"]) == Decimal("1440.00")
    for name, field in FIGURES.items():
        assert cents(figures[name]) == Decimal(cli[field]), name


def test_edited_days_kept_and_hours_per_month_give_the_cli_figures(work):
    """Storage kept for days: size x copies x days x 24 / hours_per_month GB-months."""
    cli, recalculated = work["days"]
    assert cli["one_time_usd"] != work["base"]["one_time_usd"]
    figures = headline(recalculated)
    for name, field in FIGURES.items():
        assert cents(figures[name]) == Decimal(cli[field]), name


def price_book_with(**quantities) -> dict:
    book = yaml.safe_load((resources.files("pricing") / "data" / "aws-kms-us.yaml")
                          .read_text(encoding="utf-8"))
    for entry, quantity in quantities.items():
        book["entries"][entry]["quantity"] = quantity
    return book


def usage_file(path, **sections) -> str:
    path.write_text(yaml.safe_dump({"schema": "kmsplan.usage/1", **sections}))
    return str(path)


def edit_resource_cell(path, out, resource_id: str, header: str, value) -> None:
    """Overtype one cell of a resource's row on Resources (a per-resource input)."""
    book = openpyxl.load_workbook(path)
    sheet = book["Resources"]
    headers = [cell.value for cell in sheet[1]]
    col = headers.index(header) + 1
    [row] = [r for r in range(2, sheet.max_row + 1)
             if sheet.cell(r, headers.index("resource id") + 1).value == resource_id]
    assert sheet.cell(row, col).value == 500_000  # the usage file's figure, an input
    sheet.cell(row, col).value = value
    book.save(out)


# Each kind of input: (the edit in the workbook, the same change for the CLI).
LIVE_EDITS = {
    "free-tier": ({"free_tier_requests": 5000}, {"prices": {"free_tier_requests": "5000"}}),
    "rotations": ({"rotations_billed_max": 1}, {"prices": {"rotations_billed_max": "1"}}),
    "default": ({"usage_bucket_monthly_get_requests": 1_000_000},
                {"usage": {"defaults": {"bucket": {"monthly_get_requests": 1_000_000}}}}),
    "reduction": ({"bucket_key_request_reduction": 0.9},
                  {"usage": {"parameters": {"bucket_key_request_reduction": "0.9"}}}),
}


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    """The CLI at each edited input, and the base workbook with that input edited, all
    recalculated by LibreOffice in one run."""
    tmp = tmp_path_factory.mktemp("live")
    save_inventory(hostile_inventory(), tmp / "inventory.json")
    plan_cli(tmp, "base")
    written, cli = [], {}
    for name, (edits, change) in LIVE_EDITS.items():
        options = []
        if "prices" in change:
            (tmp / f"{name}-prices.yaml").write_text(yaml.safe_dump(
                price_book_with(**change["prices"])))
            options += ["--prices", str(tmp / f"{name}-prices.yaml")]
        if "usage" in change:
            options += ["--usage", usage_file(tmp / f"{name}-usage.yaml", **change["usage"])]
        cli[name] = (plan_cli(tmp, f"{name}-cli", *options), tmp / f"{name}-cli.xlsx")
        edit_inputs(tmp / "base.xlsx", tmp / f"{name}-edited.xlsx", edits)
        written.append(tmp / f"{name}-edited.xlsx")
    # A per-resource figure from the usage file is an input on the resource's row.
    measured = usage_file(tmp / "own.yaml", resources={
        "app-uploads": {"monthly_get_requests": 500_000, "source": "CloudWatch, by hand"}})
    plan_cli(tmp, "own", "--usage", measured)
    edit_resource_cell(tmp / "own.xlsx", tmp / "own-edited.xlsx", "app-uploads",
                       "usage figure 1", 2_000_000)
    written.append(tmp / "own-edited.xlsx")
    changed = usage_file(tmp / "own-changed.yaml", resources={
        "app-uploads": {"monthly_get_requests": 2_000_000, "source": "CloudWatch, by hand"}})
    cli["own"] = (plan_cli(tmp, "own-cli", "--usage", changed), tmp / "own-cli.xlsx")
    out = recalculate(written, tmp)
    return {name: (cli[name], path) for name, path in zip([*LIVE_EDITS, "own"], out,
                                                            strict=True)}


def summary_numbers(path) -> dict:
    """Every number on the Summary above the Savings section (whose figures are the plan's
    values, and say so)."""
    sheet = openpyxl.load_workbook(path, data_only=True)["Summary"]
    [savings] = [row for row in range(1, sheet.max_row + 1)
                 if sheet.cell(row, 1).value == "Savings"]
    return {cell.coordinate: cell.value for row in sheet.iter_rows(max_row=savings - 1)
            for cell in row
            if isinstance(cell.value, (int, float)) and not isinstance(cell.value, bool)}


@pytest.mark.parametrize("name", [*LIVE_EDITS, "own"])
def test_each_kind_of_input_edited_gives_the_cli_figures(live, name):
    """Free tier, rotations billed, a usage default, the bucket-key reduction and a
    per-resource figure: edited in the workbook and recalculated, every headline figure
    and every number on the Summary equal the CLI's with the same input, to the cent."""
    (summary, cli_book), recalculated = live[name]
    figures = headline(recalculated)
    for figure, field in FIGURES.items():
        assert cents(figures[figure]) == Decimal(summary[field]), (name, figure)
    mine, theirs = summary_numbers(recalculated), summary_numbers(cli_book)
    differ = {cell: (mine.get(cell), value) for cell, value in theirs.items()
              if mine.get(cell) is None or cents(mine[cell]) != cents(value)}
    assert not differ, (name, differ)
