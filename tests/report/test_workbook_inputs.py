"""Every driver is a named input cell on Assumptions, and `plan --inputs WORKBOOK` reads them
back: an edited cell re-plans exactly like the same figure in a usage file or price book."""

from __future__ import annotations

import json
from decimal import Decimal
from importlib import resources

import openpyxl
import pytest
import yaml

from planner.cli import main
from planner.inventory import save_inventory
from tests.report.conftest import hostile_inventory

CONTRACT_NAMES = [
    "free_tier_requests", "rotations_billed_max", "hours_per_month",
    "usage_bucket_monthly_get_requests", "usage_bucket_monthly_put_requests",
    "usage_volume_monthly_attach_events", "usage_db_instance_monthly_start_events",
    "usage_table_active_connections", "usage_efs_file_system_monthly_kms_requests",
    "bucket_key_request_reduction", "labour_rate_usd_per_hour",
    "labour_hours_sqs_set_kms_key", "labour_hours_ecr_recreate_repository",
    "cutover_window_days", "snapshot_copy_retention_days",
    "noncurrent_version_retention_days",
    "price_key_month", "price_requests_symmetric",
    "monthly_now", "monthly_after", "total_one_time", "year_1", "year_3",
]
# The parts of the JSON summary that say where inputs came from, not what they give.
PROVENANCE = {"usage_file", "price_book", "warnings"}


def run(*args: str) -> int:
    with pytest.raises(SystemExit) as exited:
        main(list(args))
    return exited.value.code


def plan(tmp, name: str, *options: str) -> dict:
    code = run("plan", str(tmp / "inventory.json"), "--quiet", "--out", str(tmp / f"{name}.xlsx"),
               "--json", str(tmp / f"{name}.json"), *options)
    assert code == 0
    return json.loads((tmp / f"{name}.json").read_text())


def figures(document: dict) -> dict:
    return {k: v for k, v in document.items() if k not in PROVENANCE}


def cell_of(book, name: str):
    [(sheet, ref)] = list(book.defined_names[name].destinations)
    return book[sheet][ref.replace("$", "")]


def edited(tmp, changes: dict, name: str = "edited"):
    book = openpyxl.load_workbook(tmp / "base.xlsx")
    for defined, value in changes.items():
        cell_of(book, defined).value = value
    book.save(tmp / f"{name}.xlsx")
    return tmp / f"{name}.xlsx"


def usage_file(tmp, data: dict, name: str = "usage.yaml"):
    (tmp / name).write_text(yaml.safe_dump({"schema": "kmsplan.usage/1", **data}))
    return str(tmp / name)


def price_book(tmp, entries: dict, name: str = "prices.yaml"):
    data = yaml.safe_load((resources.files("pricing") / "data" / "aws-kms-us.yaml")
                          .read_text(encoding="utf-8"))
    for entry, value in entries.items():
        field = "price" if "price" in data["entries"][entry] else "quantity"
        data["entries"][entry][field] = str(value)
    (tmp / name).write_text(yaml.safe_dump(data))
    return str(tmp / name)


@pytest.fixture(scope="module")
def tmp(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("inputs")
    save_inventory(hostile_inventory(), tmp / "inventory.json")
    plan(tmp, "base")
    return tmp


def test_every_driver_has_its_contract_name_on_assumptions(tmp):
    book = openpyxl.load_workbook(tmp / "base.xlsx")
    missing = [name for name in CONTRACT_NAMES if name not in book.defined_names]
    assert missing == []
    assumptions = {name: cell_of(book, name) for name in CONTRACT_NAMES[:16]}
    assert {c.parent.title for c in assumptions.values()} == {"Assumptions"}
    # The built-in defaults (planner/data/usage-defaults.yaml) and the bundled price book.
    assert assumptions["usage_bucket_monthly_get_requests"].value == 100_000
    assert assumptions["free_tier_requests"].value == 20_000
    assert assumptions["labour_hours_ecr_recreate_repository"].value == 2
    assert assumptions["bucket_key_request_reduction"].value == pytest.approx(0.99)
    # Inputs: blue on pale yellow.
    style = assumptions["usage_table_active_connections"]
    assert style.font.color.rgb.endswith("0000FF")
    assert style.fill.fgColor.rgb.endswith("FFF2CC")


def test_inputs_carry_data_validation(tmp):
    sheet = openpyxl.load_workbook(tmp / "base.xlsx")["Assumptions"]
    book = openpyxl.load_workbook(tmp / "base.xlsx")
    rules = {str(cell): dv for dv in sheet.data_validations.dataValidation
             for cell in dv.sqref.ranges}
    fraction = rules[cell_of(book, "bucket_key_request_reduction").coordinate]
    # "between" is the default operator: openpyxl reads it back as None.
    assert (fraction.type, fraction.operator or "between", fraction.formula1,
            fraction.formula2) == ("decimal", "between", "0", "1")
    count = rules[cell_of(book, "usage_bucket_monthly_get_requests").coordinate]
    assert (count.type, count.operator, count.formula1) == ("whole", "greaterThanOrEqual", "0")


def test_links_are_green_not_styled_as_inputs(tmp):
    sheet = openpyxl.load_workbook(tmp / "base.xlsx")["One-time lines"]
    unit_price = sheet["I2"]
    assert unit_price.value.startswith("=price_")
    assert unit_price.font.color.rgb.endswith("00B050")
    assert unit_price.fill.fgColor.rgb in (None, "00000000")


def test_an_unedited_workbook_re_plans_to_the_same_figures(tmp):
    base = json.loads((tmp / "base.json").read_text())
    again = plan(tmp, "again", "--inputs", str(tmp / "base.xlsx"))
    assert again == base


@pytest.mark.parametrize(("changes", "usage", "prices"), [
    # A usage default: bucket GETs 10x (100,000 -> 1,000,000 a bucket a month).
    ({"usage_bucket_monthly_get_requests": 1_000_000},
     {"defaults": {"bucket": {"monthly_get_requests": 1_000_000}}}, {}),
    ({"bucket_key_request_reduction": 0.5},
     {"parameters": {"bucket_key_request_reduction": "0.5"}}, {}),
    ({"labour_rate_usd_per_hour": 120, "labour_hours_ebs_copy_and_swap": 1.5},
     {"parameters": {"labour_rate_usd_per_hour": "120",
                     "labour_hours": {"ebs-copy-and-swap": "1.5"}}}, {}),
    ({"cutover_window_days": 10}, {"parameters": {"cutover_window_days": 10}}, {}),
    ({"free_tier_requests": 0}, {}, {"free_tier_requests": 0}),
    ({"rotations_billed_max": 0}, {}, {"rotations_billed_max": 0}),
    ({"price_requests_symmetric": 0.05}, {}, {"requests_symmetric": "0.05"}),
    ({"hours_per_month": 720}, {}, {"hours_per_month": "720"}),
], ids=["usage-default", "bucket-key", "labour", "cutover", "free-tier", "rotations",
        "price", "hours-per-month"])
def test_an_edited_input_re_plans_like_the_usage_file_or_price_book(tmp, changes, usage,
                                                                    prices):
    name = next(iter(changes))
    workbook = edited(tmp, changes, name)
    options = []
    if usage:
        options += ["--usage", usage_file(tmp, usage, f"{name}.yaml")]
    if prices:
        options += ["--prices", price_book(tmp, prices, f"{name}-prices.yaml")]
    expected = plan(tmp, f"{name}-cli", *options)
    got = plan(tmp, f"{name}-inputs", "--inputs", str(workbook))
    assert figures(got) == figures(expected)
    base = json.loads((tmp / "base.json").read_text())
    assert figures(got) != figures(base)  # the edit mattered


def test_labour_hours_follow_by_hand(tmp):
    """1.5 h x $120 on each of the 8 EBS copy-and-swap volumes: 8 x 180 = $1,440 of labour."""
    workbook = edited(tmp, {"labour_rate_usd_per_hour": 120,
                            "labour_hours_ebs_copy_and_swap": 1.5}, "labour-edited")
    got = plan(tmp, "labour-by-hand", "--inputs", str(workbook))
    assert Decimal(got["one_time_parts"]["labour"]) == Decimal("1440.00")
    assert got["labour_priced"] is True


@pytest.mark.parametrize(("name", "value", "says"), [
    ("usage_bucket_monthly_get_requests", -1, "must be a non-negative number, got -1"),
    ("usage_bucket_monthly_get_requests", 2.5, "must be a whole number, got 2.5"),
    ("bucket_key_request_reduction", 1.5, "must be between 0 and 1, got 1.5"),
    ("price_key_month", "one dollar", "'one dollar' is not a number"),
    ("hours_per_month", 0, "must be more than 0"),
    ("labour_hours_sqs_set_kms_key", None,
     "is empty (or a formula with no saved value): give a number"),
    ("labour_rate_usd_per_hour", True, "must be a number, got True"),
])
def test_a_bad_input_is_one_line_naming_sheet_cell_and_name(tmp, capsys, name, value, says):
    workbook = edited(tmp, {name: value}, "bad")
    coordinate = cell_of(openpyxl.load_workbook(workbook), name).coordinate
    capsys.readouterr()
    code = run("plan", str(tmp / "inventory.json"), "--quiet", "--out", str(tmp / "bad-out.xlsx"),
               "--inputs", str(workbook))
    err = capsys.readouterr().err.strip()
    assert code == 2
    assert err.splitlines() == [
        f"kmsplan: error: {workbook}: sheet 'Assumptions', cell {coordinate} ({name}): {says}"]
    assert not (tmp / "bad-out.xlsx").exists()


def test_a_file_that_is_not_a_workbook_is_refused(tmp, capsys):
    (tmp / "notes.xlsx").write_text("not a workbook")
    capsys.readouterr()
    code = run("plan", str(tmp / "inventory.json"), "--quiet", "--out", str(tmp / "n.xlsx"),
               "--inputs", str(tmp / "notes.xlsx"))
    assert code == 2
    assert "cannot read the inputs workbook" in capsys.readouterr().err


def test_whatif_takes_its_base_from_the_workbook(tmp):
    workbook = edited(tmp, {"usage_bucket_monthly_get_requests": 1_000_000}, "whatif-base")
    code = run("whatif", str(tmp / "inventory.json"), "--quiet", "--vary", "rotation=on,off",
               "--out", str(tmp / "w.xlsx"), "--json", str(tmp / "w.json"),
               "--inputs", str(workbook))
    assert code == 0
    first = json.loads((tmp / "w.json").read_text())["scenarios"][0]
    expected = plan(tmp, "whatif-cli", "--usage", usage_file(
        tmp, {"defaults": {"bucket": {"monthly_get_requests": 1_000_000}}}, "w.yaml"))
    assert first["monthly_now_usd"] == expected["monthly_now_usd"]
    assert first["year_3_usd"] == expected["year_3_usd"]


def test_a_region_price_is_read_back_for_that_region_only(tmp):
    """eu-west-1 has its own key price (1.10): editing it to 1.50 changes eu-west-1's keys."""
    data = yaml.safe_load((resources.files("pricing") / "data" / "aws-kms-us.yaml")
                          .read_text(encoding="utf-8"))
    data["regions"]["eu-west-1"] = {"key_month": "1.10"}
    (tmp / "regional.yaml").write_text(yaml.safe_dump(data))
    data["regions"]["eu-west-1"] = {"key_month": "1.50"}
    (tmp / "regional-dearer.yaml").write_text(yaml.safe_dump(data))
    base = plan(tmp, "regional", "--prices", str(tmp / "regional.yaml"))
    book = openpyxl.load_workbook(tmp / "regional.xlsx")
    cell_of(book, "price_key_month_eu_west_1").value = 1.5
    book.save(tmp / "regional-edited.xlsx")
    expected = plan(tmp, "regional-cli", "--prices", str(tmp / "regional-dearer.yaml"))
    got = plan(tmp, "regional-inputs", "--prices", str(tmp / "regional.yaml"),
               "--inputs", str(tmp / "regional-edited.xlsx"))
    assert figures(got) == figures(expected)
    assert got["monthly_after_usd"] != base["monthly_after_usd"]


def test_a_whatif_workbook_is_not_a_plan_workbook(tmp, capsys):
    code = run("whatif", str(tmp / "inventory.json"), "--quiet", "--vary", "rotation=on,off",
               "--out", str(tmp / "w2.xlsx"))
    assert code == 0
    capsys.readouterr()
    code = run("plan", str(tmp / "inventory.json"), "--quiet", "--out", str(tmp / "w3.xlsx"),
               "--inputs", str(tmp / "w2.xlsx"))
    assert code == 2
    assert "no kmsplan input cells" in capsys.readouterr().err


def test_a_changed_base_price_leaves_a_region_on_its_own_cell(tmp):
    """eu-west-1 uses ebs_snapshot_gb_month on its own ASSUMED row: a new base price (0.10)
    changes us-east-1 only, as the workbook's formulas would."""
    original = yaml.safe_load((resources.files("pricing") / "data" / "aws-kms-us.yaml")
                              .read_text(encoding="utf-8"))["entries"]["ebs_snapshot_gb_month"]
    book = openpyxl.load_workbook(tmp / "base.xlsx")
    assert "price_ebs_snapshot_gb_month_eu_west_1" in book.defined_names
    workbook = edited(tmp, {"price_ebs_snapshot_gb_month": 0.10}, "base-price")
    path = price_book(tmp, {"ebs_snapshot_gb_month": "0.10"}, "base-price.yaml")
    data = yaml.safe_load((tmp / "base-price.yaml").read_text())
    data["regions"].setdefault("eu-west-1", {})["ebs_snapshot_gb_month"] = original["price"]
    (tmp / "base-price.yaml").write_text(yaml.safe_dump(data))
    expected = plan(tmp, "base-price-cli", "--prices", path)
    got = plan(tmp, "base-price-inputs", "--inputs", str(workbook))
    assert figures(got)["one_time_usd"] == figures(expected)["one_time_usd"]
    assert got["one_time_parts"] == expected["one_time_parts"]
