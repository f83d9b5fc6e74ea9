"""Summary: the headline figures (formulas over the other sheets, with the plan's values
cached), the monthly cost by part, at-risk resources called out, and two charts."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from xlsxwriter.utility import xl_rowcol_to_cell

from planner.coverage import meets
from planner.inventory import ENCRYPTION_STATES
from planner.plan.model import ZERO, Plan
from planner.report.workbook.coverage import members_note, service_groups
from planner.report.workbook.tables import (
    Context,
    cell_ref,
    number,
    sum_cells,
    sum_of,
    write_value,
)

STATE_COLOURS = {"none": "#C00000", "sse-s3": "#F4B183", "aws-owned": "#FFD966",
                 "aws-managed": "#9DC3E6", "customer-managed": "#70AD47", "unknown": "#A5A5A5"}
HEAD = 3  # first headline row
PARTS = 15  # first row of the monthly cost by part
AT_RISK_LISTED = 10
PRINT_LAST_COL = 11  # the charts end in column L
CHARTS_END = 32  # the row below the charts


class Summary:
    """Writes label-value rows on the Summary sheet and names the cells of headline figures."""

    def __init__(self, ctx: Context, sheet):
        self.ctx, self.sheet, self.s = ctx, sheet, ctx.styles
        self.name = sheet.get_name()

    def put(self, row: int, label: str, value, style, name: str | None = None,
            formula: str | None = None, note: str = "") -> None:
        self.sheet.write_string(row, 0, label, self.s.label)
        if formula is None:
            self.sheet.write_number(row, 1, number(value), style)
        else:
            self.sheet.write_formula(row, 1, formula, style, number(value))
        if note:
            self.sheet.write_string(row, 2, note, self.s.note)
        if name:
            self.define(name, row, 1)

    def define(self, name: str, row: int, col: int) -> None:
        self.ctx.book.define_name(f"{self.ctx.names}{name}", "=" + cell_ref(self.name, row, col))


def _coverage(plan: Plan, phase: str) -> Decimal:
    if not plan.resources:
        return ZERO
    met = sum(1 for p in plan.resources
              if meets(p.resource.encryption if phase == "now" else p.state_after, p.target))
    return Decimal(met) / len(plan.resources)


def write_summary(ctx: Context, plan: Plan, sheet, tables: dict, months: list) -> dict:
    """Fill the Summary sheet; returns the defined names of its headline figures."""
    out = Summary(ctx, sheet)
    s, n, inv = ctx.styles, ctx.names, plan.inventory
    sheet.merge_range(0, 0, 0, PRINT_LAST_COL, "KMS encryption plan: budget review", s.title)
    sheet.set_row(0, 28)
    scope = (f"Scan of {len(inv.accounts)} account(s) in {len(inv.regions)} region(s) at "
             f"{inv.scanned_at}. Target: {plan.settings.target}; key strategy: "
             f"{plan.settings.key_strategy}; prices read on {plan.book.read_on}. "
             "Every cost is a formula over the prices on Assumptions: change a price there "
             "and the totals follow.")
    sheet.merge_range(1, 0, 1, PRINT_LAST_COL, scope, s.note)
    sheet.set_row(1, 30)
    keys, requests, resources = tables["keys"], tables["requests"], tables["resources"]
    lines_total = sum_of(tables["remediation"].ranges(5))
    top = PARTS
    groups = service_groups()
    other = top + len(groups) + 1
    total_row, all_requests = other + 1, other + 2

    def months_sum(count: int) -> str:
        last_col = len(tables["forecast"].columns) - 1
        return "=" + sum_cells(months[:count], last_col) if months[:count] else "=0"

    sheet.write_string(HEAD - 1, 0, "Headline", s.header)
    sheet.write_string(HEAD - 1, 1, "", s.header)
    out.put(HEAD, "Coverage now (resources at target)", _coverage(plan, "now"), s.percent)
    out.put(HEAD + 1, "Coverage after the plan", _coverage(plan, "after"), s.percent)
    out.put(HEAD + 2, "Monthly cost now", plan.monthly_now, s.currency, "monthly_now",
            f"=B{total_row + 1}")
    out.put(HEAD + 3, "Monthly cost after the plan", plan.monthly_after, s.currency,
            "monthly_after", f"=C{total_row + 1}")
    out.put(HEAD + 4, "One-time cost", plan.one_time, s.currency, "total_one_time",
            "=" + lines_total)
    out.put(HEAD + 5, "New keys", plan.new_keys, s.integer, "new_keys")
    out.put(HEAD + 6, "Year 1 (after the plan, with one-time)", plan.year_total(1), s.currency,
            "year_1", months_sum(12))
    out.put(HEAD + 7, "3 years (after the plan, with one-time)", plan.year_total(3),
            s.currency, "year_3", months_sum(36))
    out.put(HEAD + 8, "Resources planned", len(plan.resources), s.integer)
    at_risk = plan.at_risk
    out.put(HEAD + 9, "Resources at risk (key disabled or deleted)", len(at_risk),
            s.warning if at_risk else s.ok)

    # Monthly cost by part: keys, then requests by service, then requests of no resource.
    sheet.write_row(top - 1, 0, ["Monthly cost by part", "now", "after"], s.header)
    out.put(top, "Keys (key-months and rotations)", plan.key_cost("now"), s.currency,
            "total_keys_now", "=" + sum_of(keys.ranges(13)))
    sheet.write_formula(top, 2, "=" + sum_of(keys.ranges(16)), s.currency,
                        number(plan.key_cost("after")))
    out.define("total_keys_after", top, 2)
    by_service = {}
    for p in plan.all_actions:
        now, after = by_service.get(p.resource.service, (ZERO, ZERO))
        by_service[p.resource.service] = (now + p.request_cost_now, after + p.request_cost_after)
    for i, (label, members) in enumerate(groups, start=1):
        now = sum((by_service.get(m, (ZERO, ZERO))[0] for m in members), ZERO)
        after = sum((by_service.get(m, (ZERO, ZERO))[1] for m in members), ZERO)
        sheet.write_string(top + i, 0, f"{label} requests", s.label)
        if len(members) > 1:
            sheet.write_comment(top + i, 0, members_note(members))
        for col, cost_col, value in ((1, 19, now), (2, 22, after)):
            parts = [f"SUMIFS({c},{v},\"{service}\")" for service in members for c, v in
                     zip(resources.ranges(cost_col), resources.ranges(2), strict=True)]
            sheet.write_formula(top + i, col, "=" + ("+".join(parts) or "0"), s.currency,
                                number(value))
    sheet.write_string(other, 0, "Requests of no scanned resource (measured)", s.label)
    sheet.write_string(total_row, 0, "Total monthly", s.label)
    sheet.write_string(all_requests, 0, "of which KMS requests", s.label)
    for col, phase in ((1, "now"), (2, "after")):
        letter = "B" if col == 1 else "C"
        parts = [f"SUMIFS({c},{p},\"{phase}\")" for c, p in
                 zip(requests.ranges(11), requests.ranges(0), strict=True)]
        sheet.write_formula(all_requests, col, "=" + ("+".join(parts) or "0"), s.currency,
                            number(plan.request_cost(phase)))
        out.define(f"total_requests_{phase}", all_requests, col)
        resource_part = sum((v[0 if phase == "now" else 1] for v in by_service.values()), ZERO)
        sheet.write_formula(other, col, f"={letter}{all_requests + 1}-SUM({letter}{top + 2}:"
                            f"{letter}{other})", s.currency,
                            number(plan.request_cost(phase) - resource_part))
        total = plan.monthly_now if phase == "now" else plan.monthly_after
        sheet.write_formula(total_row, col, f"=SUM({letter}{top + 1}:{letter}{other + 1})",
                            s.total, number(total))
    after_risk = _at_risk(out, plan, all_requests + 2)
    after_warnings = _warnings(out, plan, after_risk + 1)
    coverage_row = max(after_warnings + 1, CHARTS_END)
    _coverage_by_service(out, plan, coverage_row)
    _charts(out, top, other, coverage_row)
    sheet.set_column(0, 0, 46)
    sheet.set_column(1, 2, 15)
    sheet.set_column(3, 5, 13)
    sheet.freeze_panes(1, 0)
    sheet.hide_gridlines(2)
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)
    sheet.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.5)
    sheet.print_area(0, 0, coverage_row + len(ENCRYPTION_STATES), PRINT_LAST_COL)
    return {k: f"{n}{k}" for k in ("monthly_now", "monthly_after", "total_one_time",
                                   "new_keys", "year_1", "year_3")}


def _at_risk(out: Summary, plan: Plan, row: int) -> int:
    """The at-risk call-out and the first resources at risk; returns the next free row."""
    sheet, s = out.sheet, out.s
    at_risk = plan.at_risk
    if not at_risk:
        sheet.merge_range(row, 0, row, 2, "No resource uses a disabled or deleted key or a key "
                          "pending deletion.", s.ok)
        return row + 1
    sheet.merge_range(row, 0, row, 2, f"AT RISK: {len(at_risk)} resource(s) use a key that is "
                      "disabled, pending deletion or deleted. Restore the key before anything "
                      "else, or the data becomes unreadable (Resources: at risk = yes).",
                      s.warning)
    sheet.set_row(row, 42)
    keys = {k.ref: k for k in plan.keys}
    for i, p in enumerate(at_risk[:AT_RISK_LISTED], start=1):
        key = keys.get(p.key_now or p.resource.kms_key_arn or "")
        write_value(sheet, row + i, 0, p.resource.resource_id, s.text, s)
        write_value(sheet, row + i, 1, key.label if key else (p.key_now or ""), s.text, s)
        state = "Deleted" if p.action == "key-deleted" else (key.state if key else "")
        sheet.write_string(row + i, 2, state, s.warning)
    listed = min(len(at_risk), AT_RISK_LISTED)
    if len(at_risk) > AT_RISK_LISTED:
        sheet.write_string(row + listed + 1, 0,
                           f"... and {len(at_risk) - AT_RISK_LISTED} more", s.note)
        listed += 1
    return row + listed + 1


def _warnings(out: Summary, plan: Plan, row: int) -> int:
    """What the scan could not read and inputs that matched nothing; returns the next row."""
    if not plan.warnings:
        return row
    sheet, s = out.sheet, out.s
    sheet.merge_range(row, 0, row, 2, f"CHECK: {len(plan.warnings)} warning(s): calls the "
                      "scan could not make, usage entries that matched nothing.", s.warning)
    listed = plan.warnings[:AT_RISK_LISTED]
    for i, warning in enumerate(listed, start=1):
        write_value(sheet, row + i, 0, warning, s.text, s)
    if len(plan.warnings) > len(listed):
        sheet.write_string(row + len(listed) + 1, 0,
                           f"... and {len(plan.warnings) - len(listed)} more", s.note)
        return row + len(listed) + 2
    return row + len(listed) + 1


def _coverage_by_service(out: Summary, plan: Plan, top: int) -> None:
    """Resources now by encryption state (rows) and service group (columns): the chart's
    data."""
    sheet, s = out.sheet, out.s
    groups = service_groups()
    group_of = {service: label for label, members in groups for service in members}
    counts = Counter((group_of[p.resource.service], p.resource.encryption)
                     for p in plan.resources)
    sheet.write_row(top, 0, ["Resources now by encryption",
                             *(label for label, _ in groups), "all"], s.header)
    last = len(groups)
    for col, (_, members) in enumerate(groups, start=1):
        if len(members) > 1:
            sheet.write_comment(top, col, members_note(members))
    sheet.set_column(6, last + 1, 13)  # the group columns past the fixed widths of A-F
    for row, state in enumerate(ENCRYPTION_STATES, start=top + 1):
        sheet.write_string(row, 0, state, s.label)
        for col, (label, _) in enumerate(groups, start=1):
            sheet.write_number(row, col, counts[(label, state)], s.integer)
        total = sum(counts[(label, state)] for label, _ in groups)
        sheet.write_formula(row, last + 1, f"=SUM({xl_rowcol_to_cell(row, 1)}:"
                            f"{xl_rowcol_to_cell(row, last)})", s.integer, total)


def _charts(out: Summary, top: int, other: int, coverage_row: int) -> None:
    book, name, sheet = out.ctx.book, out.name, out.sheet
    cost = book.add_chart({"type": "column"})
    for col, label, colour in ((1, "now", "#A5A5A5"), (2, "after the plan", "#2E75B6")):
        cost.add_series({
            "name": label, "categories": [name, top, 0, other, 0],
            "values": [name, top, col, other, col], "fill": {"color": colour},
            "data_labels": {"value": True, "num_format": "$#,##0.00", "font": {"size": 7}},
        })
    cost.set_title({"name": "Monthly cost by part: now and after", "name_font": {"size": 11}})
    cost.set_y_axis({"num_format": "$#,##0", "major_gridlines": {"visible": True,
                     "line": {"color": "#D9D9D9"}}})
    cost.set_legend({"position": "bottom"})
    cost.set_size({"width": 600, "height": 290})
    sheet.insert_chart(2, 3, cost, {"x_offset": 20, "y_offset": 0})
    chart = book.add_chart({"type": "bar", "subtype": "stacked"})
    last = len(service_groups())
    for row, state in enumerate(ENCRYPTION_STATES, start=coverage_row + 1):
        chart.add_series({
            "name": [name, row, 0], "categories": [name, coverage_row, 1, coverage_row, last],
            "values": [name, row, 1, row, last],
            "fill": {"color": STATE_COLOURS[state]}, "gap": 60,
        })
    chart.set_title({"name": "Resources by service and encryption now",
                     "name_font": {"size": 11}})
    chart.set_legend({"position": "bottom"})
    # Every group's name on the category axis, small enough to fit as groups are added.
    chart.set_y_axis({"reverse": True, "interval_unit": 1, "num_font": {"size": 7}})
    chart.set_size({"width": 600, "height": 260})
    sheet.insert_chart(17, 3, chart, {"x_offset": 20, "y_offset": 10})
