"""The Savings section of the Summary sheet, below its other content: each lever (idle keys,
bucket keys, consolidation) with its monthly and 3-year saving, whether "after" counts it and
its evidence; then the keys judged idle or unknown, with the reasons. Figures are the plan's
values (planner/plan/savings.py); the JSON summary's `savings` object holds the same."""

from __future__ import annotations

from planner.plan.idle import IDLE, IN_USE, UNKNOWN
from planner.plan.model import Plan
from planner.report.workbook.tables import Context, number, wrapped_height, write_value

LAST_COL = 12  # the Summary's print width (column M) when the caller gives none
KEYS_LISTED = 20
WHY_LINE = 80  # characters across G:M


def write_savings(ctx: Context, plan: Plan, sheet, top: int, last_col: int = LAST_COL) -> int:
    """Write the section from row `top` across columns A to `last_col` (the Summary's print
    width); extend the print area over it; return the next row."""
    s, savings = ctx.styles, plan.savings
    if savings is None:  # a plan not made by build_plan
        return top
    sheet.merge_range(top, 0, top, last_col, "Savings", s.header)
    retire = ("counted in 'after' (--retire-idle-keys)" if savings.retire else
              "shown as an option, not counted in 'after' (--retire-idle-keys counts it)")
    sheet.merge_range(top + 1, 0, top + 1, last_col,
                      f"Idle keys: {retire}. A key is idle when nothing names it, it has no "
                      f"grants or replicas, no measured requests and no cryptographic use for "
                      f"{savings.idle_days} days; retire it by disabling it, watching "
                      f"CloudTrail for DisabledException for {savings.watch_days} days, then "
                      "scheduling deletion with the longest window (docs/plan.md). These "
                      "figures are the plan's values, not formulas.", s.note)
    sheet.set_row(top + 1, 30)
    head = top + 2
    sheet.write_row(head, 0, ["Lever", "monthly", "3 years", "in 'after'"], s.header)
    sheet.merge_range(head, 4, head, last_col, "evidence", s.header)
    for i, lever in enumerate(savings.levers, start=1):
        row = head + i
        sheet.write_string(row, 0, lever.name, s.label)
        sheet.write_number(row, 1, number(lever.monthly), s.currency)
        sheet.write_number(row, 2, number(lever.three_year), s.currency)
        sheet.write_string(row, 3, "yes" if lever.counted else "no (option)",
                           s.ok if lever.counted else s.text)
        sheet.merge_range(row, 4, row, last_col, "", s.wrap)
        write_value(sheet, row, 4, lever.evidence, s.wrap, s)
        sheet.set_row(row, 30)
    return _keys(ctx, plan, sheet, head + len(savings.levers) + 2, last_col)


def _keys(ctx: Context, plan: Plan, sheet, top: int, last_col: int) -> int:
    s, savings = ctx.styles, plan.savings
    counts = {v: len(savings.with_verdict(v)) for v in (IDLE, UNKNOWN, IN_USE)}
    sheet.merge_range(top, 0, top, last_col,
                      f"Customer managed keys judged: {counts[IDLE]} idle, {counts[UNKNOWN]} "
                      f"unknown (some evidence could not be read), {counts[IN_USE]} in use.",
                      s.ok if not counts[UNKNOWN] else s.warning)
    listed = savings.with_verdict(IDLE) + savings.with_verdict(UNKNOWN)
    head = top + 1
    sheet.write_row(head, 0, ["Key", "monthly", "3 years", "verdict", "account", "region"],
                    s.header)
    sheet.merge_range(head, 6, head, last_col, "why (reasons, else evidence)", s.header)
    for i, v in enumerate(listed[:KEYS_LISTED], start=1):
        row = head + i
        write_value(sheet, row, 0, v.key.label, s.text, s)
        sheet.write_number(row, 1, number(v.monthly), s.currency)
        sheet.write_number(row, 2, number(v.three_year), s.currency)
        sheet.write_string(row, 3, v.verdict + (" (retired)" if v.retired else ""),
                           s.ok if v.verdict == IDLE else s.warning)
        write_value(sheet, row, 4, v.key.account, s.text, s)
        write_value(sheet, row, 5, v.key.region, s.text, s)
        why = "; ".join(v.reasons or v.evidence)
        sheet.merge_range(row, 6, row, last_col, "", s.wrap)
        write_value(sheet, row, 6, why, s.wrap, s)
        height = wrapped_height(why, WHY_LINE)  # a merged cell does not grow with its text
        if height:
            sheet.set_row(row, height)
    end = head + min(len(listed), KEYS_LISTED) + 1
    if len(listed) > KEYS_LISTED:
        sheet.write_string(end, 0, f"... and {len(listed) - KEYS_LISTED} more (the JSON "
                           "summary's savings.keys lists every key)", s.note)
        end += 1
    sheet.print_area(0, 0, end, last_col)
    return end + 1
