"""Coverage: resources by account, region, service and encryption state, with shares; and a
small by-service table (the Summary's coverage chart reads it)."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from xlsxwriter.utility import xl_rowcol_to_cell

from planner.coverage import meets
from planner.inventory import ENCRYPTION_STATES, SERVICES
from planner.plan.model import Plan
from planner.report.workbook.tables import Column, Context, Table

COLUMNS = [
    Column("account", 14), Column("region", 13), Column("service", 9),
    Column("encryption", 17), Column("resources", 11, "integer"),
    Column("share of service in account and region", 16, "percent"),
    Column("meets target", 9),
]
PIVOT_COL = 8  # the by-service table starts in column I
SERVICE_LABELS = {"s3": "S3", "ebs": "EBS", "rds": "RDS and Aurora", "dynamodb": "DynamoDB"}


def _counts(plan: Plan) -> tuple[Counter, dict]:
    counts: Counter = Counter()
    targets = {}
    for p in plan.resources:
        r = p.resource
        counts[(r.account, r.region, r.service, r.encryption)] += 1
        targets[(r.account, r.region, r.service, r.encryption)] = p.target
    return counts, targets


def coverage_table(ctx: Context, plan: Plan) -> Table:
    return Table(ctx, "Coverage", COLUMNS, len(_counts(plan)[0]))


def write_coverage(table: Table, plan: Plan) -> None:
    counts, targets = _counts(plan)
    groups: Counter = Counter()
    for (account, region, service, _), count in counts.items():
        groups[(account, region, service)] += count
    for key, count in sorted(counts.items()):
        account, region, service, state = key
        table.add([account, region, service, state, count,
                   Decimal(count) / groups[(account, region, service)],
                   meets(state, targets[key])])
    table.finish()
    _pivot(table.ctx, plan, table.parts[0][1])


def _pivot(ctx: Context, plan: Plan, sheet) -> None:
    styles = ctx.styles
    by_service: Counter = Counter((p.resource.service, p.resource.encryption)
                                  for p in plan.resources)
    headers = ["service", *ENCRYPTION_STATES, "total"]
    for i, header in enumerate(headers):
        sheet.write_string(0, PIVOT_COL + i, header, styles.header)
    sheet.set_column(PIVOT_COL, PIVOT_COL + len(headers) - 1, 13)
    last = PIVOT_COL + len(headers) - 2
    for row, service in enumerate(SERVICES, start=1):
        sheet.write_string(row, PIVOT_COL, SERVICE_LABELS[service], styles.label)
        for i, state in enumerate(ENCRYPTION_STATES, start=1):
            sheet.write_number(row, PIVOT_COL + i, by_service[(service, state)], styles.integer)
        total = sum(by_service[(service, state)] for state in ENCRYPTION_STATES)
        cells = f"{xl_rowcol_to_cell(row, PIVOT_COL + 1)}:{xl_rowcol_to_cell(row, last)}"
        sheet.write_formula(row, last + 1, f"=SUM({cells})", styles.integer, total)
