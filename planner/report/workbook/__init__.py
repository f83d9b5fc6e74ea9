"""The budget-review workbook: live (costs are formulas over the prices on Assumptions, with
the plan's figures cached so viewers that do not recalculate still show them), safe (text from
AWS never becomes a formula; the file is replaced atomically) and readable.

`write_plan_sheets` writes one plan's sheets into an open XlsxWriter workbook, under a sheet
and defined-name prefix, so a what-if workbook can hold several plans beside a Scenarios sheet.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import xlsxwriter
from xlsxwriter.exceptions import FileCreateError

from planner.files import atomic_path
from planner.plan.model import Plan
from planner.report.workbook.assumptions import assumptions_table, write_assumptions
from planner.report.workbook.coverage import coverage_table, write_coverage
from planner.report.workbook.forecast import forecast_table, write_forecast
from planner.report.workbook.forecast_years import write_forecast_years
from planner.report.workbook.free_tier import FreeTier, free_tier_table, write_free_tier
from planner.report.workbook.monthly import (
    keys_table,
    requests_table,
    write_keys,
    write_requests,
)
from planner.report.workbook.read_me import write_read_me
from planner.report.workbook.reconciliation import reconciliation_table, write_reconciliation
from planner.report.workbook.resources import (
    lines_table,
    remediation_table,
    resources_table,
    write_lines,
    write_remediation,
    write_resources,
)
from planner.report.workbook.scenarios import scenario_row, write_scenarios
from planner.report.workbook.styles import Styles
from planner.report.workbook.summary import write_summary
from planner.report.workbook.tables import MAX_ROWS, STREAM_ROWS, Context

__all__ = ["MAX_ROWS", "write_plan_sheets", "write_scenarios_workbook", "write_workbook"]


def write_plan_sheets(book, plan: Plan, styles: Styles, prefix: str = "", names: str = "",
                      max_rows: int = MAX_ROWS, reconciliation=None,
                      stream_rows: int = STREAM_ROWS, read_me: bool = False) -> dict[str, str]:
    """Write Summary ... Assumptions for `plan` (and a Read me first); returns headline
    figure -> defined name."""
    ctx = Context(book, styles, max_rows, stream_rows, prefix, names, footer=scan_footer(plan))
    # Sheets appear in the order they are added: add them all in reading order, then fill.
    if read_me:
        write_read_me(book, styles, ctx.add_sheet("Read me"), plan, ctx.footer,
                      reconciliation=reconciliation is not None)
    summary = ctx.add_sheet("Summary")
    tables = {"coverage": coverage_table(ctx, plan), "resources": resources_table(ctx, plan),
              "keys": keys_table(ctx, plan), "requests": requests_table(ctx, plan),
              "free_tier": free_tier_table(ctx, plan),
              "remediation": remediation_table(ctx, plan), "lines": lines_table(ctx, plan),
              "forecast": forecast_table(ctx, plan),
              "assumptions": assumptions_table(ctx, plan)}
    if reconciliation is not None:  # the bill beside the plan (reconcile --out, plan --cur)
        tables["reconciliation"] = reconciliation_table(ctx, reconciliation)
    # Prices first: every cost formula refers to their defined names.
    prices = write_assumptions(tables["assumptions"], plan)
    write_coverage(tables["coverage"], plan)
    write_keys(tables["keys"], plan, prices)
    free = FreeTier(tables["free_tier"], plan)  # where each scope's free share will be
    write_requests(tables["requests"], plan, prices, free, tables["resources"])
    write_free_tier(free, prices, tables["requests"])
    spans = write_lines(tables["lines"], plan, prices)
    write_remediation(tables["remediation"], plan, tables["lines"])
    write_resources(tables["resources"], plan, prices, spans, free)
    months = write_forecast(tables["forecast"], plan, prices)
    write_forecast_years(tables["forecast"], plan, months)
    if reconciliation is not None:
        write_reconciliation(tables["reconciliation"], reconciliation, plan, prices)
    return write_summary(ctx, plan, summary, tables, months, prices)


@contextlib.contextmanager
def _workbook(path: Path) -> Iterator[xlsxwriter.Workbook]:
    """An open workbook written to a temporary file that replaces `path` only when whole;
    any OSError (no folder, no permission, disk full) names `path`."""
    try:
        with atomic_path(path) as tmp:
            # XlsxWriter's working files go in the same private folder, removed afterwards.
            book = xlsxwriter.Workbook(str(tmp), {"strings_to_formulas": False,
                                                  "use_zip64": True, "tmpdir": str(tmp.parent)})
            book.set_properties({"title": "KMS encryption plan: budget review"})
            yield book
            try:
                book.close()
            except FileCreateError as exc:  # XlsxWriter wraps the OSError of its own write
                cause = exc.args[0] if exc.args else exc
                raise cause if isinstance(cause, OSError) else OSError(str(exc)) from None
    except OSError as exc:
        raise OSError(exc.errno, f"cannot write the workbook: {exc.strerror or exc}",
                      str(path)) from None


def scan_footer(plan: Plan) -> str:
    """The right of every printed page's footer."""
    return f"scan of {(plan.inventory.scanned_at or '')[:10]}"


def write_workbook(plan: Plan, path: str | Path, max_rows: int = MAX_ROWS,
                   reconciliation=None, stream_rows: int = STREAM_ROWS) -> None:
    """The budget-review workbook at `path`, replacing any previous one only when whole;
    with a Reconciliation (planner.reconcile) it gets that sheet too."""
    with _workbook(Path(path)) as book:
        write_plan_sheets(book, plan, Styles(book), max_rows=max_rows,
                          reconciliation=reconciliation, stream_rows=stream_rows, read_me=True)


def sheet_prefix(index: int, name: str) -> str:
    """A short, readable sheet prefix per scenario (sheet names hold at most 31 characters):
    the value a --vary scenario sets ("key-strategy=service" -> "2.service "), else the name."""
    readable = name.partition("=")[2] or name
    clean = re.sub(r"[\[\]:*?/\\']", "", readable).strip()[:9]
    return f"{index}.{clean} " if clean else f"{index}. "


def write_scenarios_workbook(named_plans: Iterable[tuple[str, Plan]], path: str | Path,
                             max_rows: int = MAX_ROWS, stream_rows: int = STREAM_ROWS,
                             changes: dict[str, str] | None = None,
                             on_plan: Callable[[str, Plan], None] | None = None) -> None:
    """A Read me and a Scenarios comparison sheet, then each plan's sheets under its own
    prefix. `named_plans` may be a generator: each plan is written, handed to `on_plan`, and
    let go before the next is made, so memory does not grow with the scenarios. `changes`:
    scenario name -> what it changes, for the Scenarios sheet."""
    with _workbook(Path(path)) as book:
        styles = Styles(book)
        read_me = book.add_worksheet("Read me")
        sheet = book.add_worksheet("Scenarios")
        rows, footer = [], ""
        index = 0  # not enumerate(): it keeps its last (index, item) tuple, and so a plan
        for name, plan in named_plans:
            index += 1
            if index == 1:
                footer = scan_footer(plan)
                write_read_me(book, styles, read_me, plan, footer, scenarios=True)
            prefix = sheet_prefix(index, name)
            names = write_plan_sheets(book, plan, styles, prefix, f"s{index}_", max_rows,
                                      stream_rows=stream_rows)
            rows.append(scenario_row(name, (changes or {}).get(name, ""), prefix, plan, names))
            if on_plan is not None:
                on_plan(name, plan)
            del plan  # the next plan is made while this one could still be held
        write_scenarios(book, styles, sheet, rows, footer)
