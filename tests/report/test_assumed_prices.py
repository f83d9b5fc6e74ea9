"""Defect 10 of issue 11: storage and S3 prices read for us-east-1 are not applied in other
regions without a word. Until a region has its own prices, the Assumptions sheet marks each
such use as assumed (its own row, which that region's formulas refer to) and the plan warns."""

from __future__ import annotations

from importlib import resources

import openpyxl
import yaml

from planner.plan import PlanSettings, build_plan
from planner.report.workbook import write_workbook
from planner.usage import load_usage
from pricing import load_price_book
from pricing.book import parse_price_book
from tests.factories import make_inventory, make_resource

EU = "eu-west-1"


def _plan(book):
    volumes = [make_resource("volume", "vol-us", "none", size_gb=10),
               make_resource("volume", "vol-eu", "none", size_gb=10, region=EU)]
    return build_plan(make_inventory(volumes), PlanSettings(), load_usage(), book)


def _assumptions(path):
    sheet = openpyxl.load_workbook(path)["Assumptions"]
    return [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]


def test_a_us_east_1_price_used_in_another_region_is_marked_assumed(tmp_path):
    plan = _plan(load_price_book())
    assert plan.assumed_prices() == [("ebs_snapshot_gb_month", EU),
                                     ("ebs_volume_gb_month", EU)]
    [warning] = [w for w in plan.warnings if w.startswith("prices:")]
    assert warning.startswith("prices: ebs_snapshot_gb_month, ebs_volume_gb_month were read "
                              "for us-east-1 and are assumed in eu-west-1")
    path = tmp_path / "plan.xlsx"
    write_workbook(plan, path)
    rows = {(r[1], r[2]): r for r in _assumptions(path) if r[0] == "price"}
    eu_row = rows[("ebs_snapshot_gb_month", EU)]
    assert eu_row[5].startswith("ASSUMED: the price read for us-east-1, used in eu-west-1")
    assert eu_row[9] == "yes"  # unconfirmed
    assert ("ebs_snapshot_gb_month", "us-east-1") not in rows  # us-east-1 uses its own price
    # The eu volume's snapshot line refers to the assumed eu cell, the us volume's to the base.
    lines = openpyxl.load_workbook(path)["One-time lines"]
    prices = {r[0].value: r[8].value for r in lines.iter_rows(min_row=2)
              if (r[5].value or "").startswith("Snapshot")}
    assert prices == {"vol-us": "=price_ebs_snapshot_gb_month",
                      "vol-eu": "=price_ebs_snapshot_gb_month_eu_west_1"}


def test_a_region_with_its_own_prices_is_not_assumed():
    data = yaml.safe_load((resources.files("pricing") / "data" / "aws-kms-us.yaml")
                          .read_text(encoding="utf-8"))
    data["regions"][EU] = {"ebs_snapshot_gb_month": "0.055", "ebs_volume_gb_month": "0.088"}
    plan = _plan(parse_price_book(data, "eu prices"))
    assert plan.assumed_prices() == []
    assert not any(w.startswith("prices:") for w in plan.warnings)


def test_a_what_if_price_holds_for_every_region():
    book = load_price_book().with_prices({"ebs_snapshot_gb_month": "0.06"}, "scenario")
    assert _plan(book).assumed_prices() == [("ebs_volume_gb_month", EU)]
