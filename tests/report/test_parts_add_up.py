"""Defect 5 of issue 11: in every table the parts as shown add up to the totals as shown, per
phase and per year, and identical rows show identical amounts."""

from __future__ import annotations

import csv
from decimal import Decimal

import openpyxl

from planner.report.summary import write_csv
from planner.report.workbook import write_workbook
from pricing.present import round_cents
from tests.factories import make_inventory, make_key, make_resource
from tests.plan.helpers import plan_for, write_usage

D = Decimal


def _bucket_plan(tmp_path, gets: int, table: bool = False):
    key = make_key("k1")
    resources = [make_resource("bucket", "b1", "customer-managed", key=key.arn,
                               bucket_key=False, object_count=0)]
    text = f"resources:\n  b1: {{monthly_get_requests: {gets}, monthly_put_requests: 0}}\n"
    if table:
        resources.append(make_resource("table", "t1", "customer-managed", key=key.arn))
        text += "  t1: {active_connections: 1}\n"
    return plan_for(make_inventory(resources, keys=[key]), write_usage(tmp_path, text))


def _summary_block(plan, path, header: str, total: str) -> tuple[dict, Decimal]:
    """The rows under `header` on the Summary sheet, label -> value, and the `total` row's."""
    write_workbook(plan, path)
    rows = list(openpyxl.load_workbook(path, data_only=True)["Summary"]
                .iter_rows(values_only=True))
    labels = [r[0] for r in rows]
    first, last = labels.index(header) + 1, labels.index(total)
    return {r[0]: D(repr(r[1])) for r in rows[first:last]}, D(repr(rows[last][1]))


def _rows(path):
    with open(path, newline="") as handle:
        return list(csv.DictReader(handle))


def test_requests_csv_rows_of_equal_cost_show_equal_amounts(tmp_path):
    # 25,000 requests a month, now and after (the bucket keeps its key): 20,000 are free,
    # 5,000 / 10,000 x $0.03 = $0.015 in each phase. Spreading cents over both phases' rows
    # showed $0.02 and $0.01.
    plan = _bucket_plan(tmp_path, 25_000)
    write_csv(plan, tmp_path / "csv")
    rows = _rows(tmp_path / "csv" / "requests.csv")
    assert [(r["phase"], D(r["cost_usd"])) for r in rows] == [("now", D("0.015")),
                                                              ("after", D("0.015"))]


def test_forecast_csv_months_add_up_to_each_year(tmp_path):
    # Month 1: key $1 + requests $0.015 + nothing one-time; every month of year 1 the same,
    # so each month shows the same amount and 12 of them make year 1: 12 x 1.015 = 12.18.
    plan = _bucket_plan(tmp_path, 25_000)
    write_csv(plan, tmp_path / "csv")
    months = [D(r["total_after_usd"]) for r in _rows(tmp_path / "csv" / "forecast.csv")]
    assert set(months[:12]) == {D("1.015")}
    assert sum(months[:12]) == plan.year_total(1) == D("12.18")
    assert sum(months) == plan.year_total(3)


def test_summary_monthly_parts_as_shown_add_up_to_the_total_as_shown(tmp_path):
    # 22,900 bucket GETs + 8,640 table decrypts = 31,540 requests, 11,540 billed: $0.03462,
    # shared by the two: bucket 0.03462 x 22,900 / 31,540 = 0.02514 (shown 0.03), table
    # 0.00948 (shown 0.01). Key $1.00. Parts as shown: 1.00 + 0.03 + 0.01 = 1.04; the total,
    # 1.03462, is shown 1.03: a rounding row of -0.01 says where the cent went.
    plan = _bucket_plan(tmp_path, 22_900, table=True)
    parts, shown_total = _summary_block(plan, tmp_path / "plan.xlsx", "Monthly cost by part",
                                        "Total monthly")
    assert parts["Keys (key-months and rotations)"] == D("1.0")
    assert parts["S3 requests"] == D("0.03") and parts["DynamoDB requests"] == D("0.01")
    assert parts["Rounding to cents"] == D("-0.01")
    assert all(v == round_cents(v) for v in parts.values())
    assert sum(parts.values()) == shown_total == round_cents(plan.monthly_now) == D("1.03")


def test_summary_one_time_parts_as_shown_add_up(tmp_path):
    inventory = make_inventory([make_resource("volume", f"vol-{i}", "none", size_gb=33)
                                for i in range(3)])
    parts, total = _summary_block(plan_for(inventory), tmp_path / "plan.xlsx",
                                  "One-time cost by part", "Total one-time")
    # Snapshots: 99 GB x 0.05 x 168 / 730 = 1.1392 (shown 1.14); cut-over: 99 x 0.08 x 72 /
    # 730 = 0.7812 (0.78); total 1.9204 (1.92): the parts as shown add up with no rounding.
    assert parts["snapshot storage"] == D("1.14")
    assert parts["cutover duplicate storage"] == D("0.78")
    assert sum(parts.values()) == total == D("1.92")
