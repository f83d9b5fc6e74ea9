"""The budget-review workbook (a first, plain version: one sheet per table)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import xlsxwriter

from planner.files import atomic_path
from planner.plan.model import Plan
from planner.report.safety import safe_text
from planner.report.tables import TABLES


def write_workbook(plan: Plan, path: str | Path) -> None:
    with atomic_path(path) as tmp:
        book = xlsxwriter.Workbook(str(tmp), {"strings_to_formulas": False})
        for name, build in TABLES.items():
            sheet = book.add_worksheet(name.capitalize())
            header, rows = build(plan)
            sheet.write_row(0, 0, header)
            for r, row in enumerate(rows, start=1):
                for c, value in enumerate(row):
                    if isinstance(value, Decimal):
                        sheet.write_number(r, c, float(value))
                    elif isinstance(value, str):
                        sheet.write_string(r, c, safe_text(value))
                    else:
                        sheet.write(r, c, value)
            sheet.freeze_panes(1, 0)
        book.close()


def write_scenarios_workbook(named_plans: list[tuple[str, Plan]], path: str | Path) -> None:
    """A first, plain version: one sheet of totals per scenario."""
    with atomic_path(path) as tmp:
        book = xlsxwriter.Workbook(str(tmp), {"strings_to_formulas": False})
        sheet = book.add_worksheet("Scenarios")
        sheet.write_row(0, 0, ["scenario", "monthly_now", "monthly_after", "one_time"])
        for r, (name, plan) in enumerate(named_plans, start=1):
            sheet.write_string(r, 0, safe_text(name))
            sheet.write_row(r, 1, [float(plan.monthly_now), float(plan.monthly_after),
                                   float(plan.one_time)])
        book.close()
