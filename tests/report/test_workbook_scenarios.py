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


def test_scenarios_sheet_compares_the_plans(scenarios_book):
    path, plans = scenarios_book
    book = openpyxl.load_workbook(path)
    assert book.sheetnames[0] == "Scenarios"
    assert "1.baseline Summary" in book.sheetnames
    assert "2.aws-manag Assumptions" in book.sheetnames
    assert all(len(name) <= 31 for name in book.sheetnames)
    sheet = book["Scenarios"]
    assert sheet["E2"].value == "=s1_monthly_after"
    assert sheet["E3"].value == "=s2_monthly_after"
    values = openpyxl.load_workbook(path, data_only=True)["Scenarios"]
    rows = {r[0]: r for r in values.iter_rows(min_row=2, values_only=True)}
    # Customer managed: one new key at $1.00, requests inside the free tier.
    # AWS managed: no key. The plain bucket moves to aws/s3 with a bucket key (1,100 requests);
    # the managed bucket is already at target and keeps its 110,000 (no bucket key):
    # 111,100 - 20,000 free = 91,100 / 10,000 x $0.03 = $0.2733, in cents $0.27 (the
    # Summary's monthly totals add up their parts as shown).
    assert rows["baseline"][4] == pytest.approx(1.00)
    assert rows["aws-managed"][4] == pytest.approx(0.27)
    assert rows["aws-managed"][6] == 0
    for name, plan in plans:
        assert rows[name][3] == pytest.approx(float(round_cents(plan.monthly_now)))
        assert rows[name][5] == pytest.approx(float(plan.one_time))


def test_scenarios_sheet_prints_names_and_figures_on_one_page(scenarios_book):
    # Portrait without a fit put the 3 text columns on page 1 and the figures on later pages.
    path, plans = scenarios_book
    sheet = openpyxl.load_workbook(path)["Scenarios"]
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.page_setup.fitToHeight == 0
    # Header A1:N1 (14 columns) and one row per plan.
    assert sheet.print_area == f"'Scenarios'!$A$1:$N${1 + len(plans)}"
    assert sheet["H1"].value == "year 1: the plan" and sheet["L1"].value == "year 1 difference"
