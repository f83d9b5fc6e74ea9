"""The storage and database services in the workbook: grouped rows on the Summary (costs and
the coverage chart's data) that a spreadsheet engine recalculates to the plan's figures."""

from __future__ import annotations

import openpyxl

from planner.inventory import SERVICES
from planner.report.workbook import write_workbook
from planner.report.workbook.coverage import service_groups
from tests.factories import make_inventory, make_key
from tests.plan.helpers import plan_for, write_usage
from tests.plan.test_stores import store
from tests.report.libreoffice import recalculate

FILES = "File systems"
CACHES = "Caches, search"
USAGE = """
resources:
  fs-1: {monthly_kms_requests: 1020000}
  fs-2: {monthly_kms_requests: 500000}
"""


def _plan(tmp_path):
    efs_key = make_key("efs-aws", manager="AWS", aliases=["alias/aws/elasticfilesystem"])
    fsx_key = make_key("fsx-aws", manager="AWS", aliases=["alias/aws/fsx"])
    inventory = make_inventory([
        store("efs-file-system", "fs-1", "aws-managed", key=efs_key.arn, size_gb=10),
        store("fsx-file-system", "fs-2", "aws-managed", key=fsx_key.arn, size_gb=32),
        store("replication-group", "cache", "none"),
        store("backup-vault", "vault", "aws-owned"),
    ], keys=[efs_key, fsx_key])
    return plan_for(inventory, write_usage(tmp_path, USAGE))


def _row(sheet, label: str) -> int:
    return next(r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 1).value == label)


def test_every_service_is_in_exactly_one_group():
    members = [service for _, group in service_groups() for service in group]
    assert sorted(members) == sorted(SERVICES)
    assert [label for label, _ in service_groups()][:4] == [
        "S3", "EBS", "RDS and Aurora", "DynamoDB"]


def test_summary_groups_costs_and_coverage(tmp_path):
    path = tmp_path / "plan.xlsx"
    write_workbook(_plan(tmp_path), path)
    [recalculated] = recalculate([path], tmp_path)
    formulas = openpyxl.load_workbook(path)["Summary"]
    cached = openpyxl.load_workbook(path, data_only=True)["Summary"]
    computed = openpyxl.load_workbook(recalculated, data_only=True)["Summary"]
    row = _row(formulas, f"{FILES} requests")
    assert '"efs"' in formulas.cell(row, 2).value and '"fsx"' in formulas.cell(row, 2).value
    # 1,020,000 + 500,000 requests now, less the 20,000 free: 1,500,000 / 10,000 x 0.03.
    assert round(cached.cell(row, 2).value, 2) == round(computed.cell(row, 2).value, 2) == 4.5
    top = _row(cached, "Resources now by encryption")
    header = [cached.cell(top, c).value for c in range(1, len(service_groups()) + 3)]
    assert header[-1] == "all" and FILES in header and CACHES in header
    states = {cached.cell(r, 1).value: r for r in range(top + 1, top + 8)}
    assert cached.cell(states["aws-managed"], header.index(FILES) + 1).value == 2
    assert cached.cell(states["none"], header.index(CACHES) + 1).value == 1
    assert cached.cell(states["aws-owned"], header.index("AWS Backup") + 1).value == 1
    assert computed.cell(states["aws-managed"], len(header)).value == 2  # the "all" column


def test_coverage_sheet_lists_each_service(tmp_path):
    path = tmp_path / "plan.xlsx"
    write_workbook(_plan(tmp_path), path)
    sheet = openpyxl.load_workbook(path, data_only=True)["Coverage"]
    services = {sheet.cell(r, 3).value for r in range(2, sheet.max_row + 1)}
    assert {"efs", "fsx", "elasticache", "backup"} <= services
