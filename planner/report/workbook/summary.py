"""Summary: the headline figures (formulas over the other sheets, with the plan's values
cached), the monthly cost by part, at-risk resources called out, and two charts."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from xlsxwriter.utility import xl_rowcol_to_cell

from planner.coverage import meets
from planner.inventory import ENCRYPTION_STATES, SERVICES
from planner.plan.model import ZERO, Plan
from planner.report.workbook.coverage import members_note, service_groups
from planner.report.workbook.forecast import storage_formula
from planner.report.workbook.resource_columns import COL
from planner.report.workbook.savings import write_savings
from planner.report.workbook.tables import (
    Context,
    cell_ref,
    number,
    print_setup,
    sum_cells,
    sum_of,
    write_value,
)
from pricing.present import round_cents

STATE_COLOURS = {"none": "#C00000", "sse-s3": "#F4B183", "aws-owned": "#FFD966",
                 "kms-key-unknown": "#D9C3E9",
                 "aws-managed": "#9DC3E6", "customer-managed": "#70AD47", "unknown": "#A5A5A5"}
HEAD = 3  # first headline row
BUDGET = HEAD + 13  # the header of do nothing vs the plan
AT_RISK_LISTED = 10
CHART_COL = 4  # the charts start in column E, right of the budget table
PRINT_LAST_COL = 12  # the charts end in column M
CHARTS_END = 50  # the row below the charts
COST_CHART_HEIGHT, COVERAGE_CHART_ROW = 580, 31  # pixels; a row is 20 pixels


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


def billing_scope_text(plan: Plan) -> str:
    org = " (accounts from AWS Organizations)" if plan.inventory.scanned_org else ""
    return f"free tier per {plan.settings.billing_scope}{org}"


def write_summary(ctx: Context, plan: Plan, sheet, tables: dict, months: list,
                  prices=None) -> dict:
    """Fill the Summary sheet; returns the defined names of its headline figures."""
    out = Summary(ctx, sheet)
    s, n, inv = ctx.styles, ctx.names, plan.inventory
    sheet.merge_range(0, 0, 0, PRINT_LAST_COL, "KMS encryption plan: budget review", s.title)
    sheet.set_row(0, 28)
    scope = (f"Scan of {len(inv.accounts)} account(s) in {len(inv.regions)} region(s) at "
             f"{inv.scanned_at}. Target: {plan.settings.target}; key strategy: "
             f"{plan.settings.key_strategy}; {billing_scope_text(plan)}; prices read on "
             f"{plan.book.read_on}. "
             "Costs are formulas over the inputs on Assumptions (blue on yellow): change one "
             "and the figures follow (see Read me).")
    sheet.merge_range(1, 0, 1, PRINT_LAST_COL, scope, s.note)
    sheet.set_row(1, 30)
    keys, requests, resources = tables["keys"], tables["requests"], tables["resources"]
    lines_total = sum_of(tables["remediation"].ranges(5))
    parts = list(plan.one_time_parts())
    parts_top = BUDGET + 5
    top = parts_top + len(parts) + 4  # the monthly cost by part
    groups = service_groups()
    storage_row = top + len(groups) + 1
    other = storage_row + 1
    rounding_row, total_row, all_requests = other + 1, other + 2, other + 3
    storage = storage_formula(plan, prices) if prices is not None else "0"
    forecast_col = {c.header: i for i, c in enumerate(tables["forecast"].columns)}

    def months_sum(count: int, header: str = "total after") -> str:
        cells = months[:count]
        return "=" + sum_cells(cells, forecast_col[header]) if cells else "=0"

    def last_month(*headers: str) -> str:
        if not months:
            return "=0"
        return "=" + "+".join(sum_cells(months[-1:], forecast_col[h]) for h in headers)

    # Column B holds month 1 for the monthly rows but totals (one-time, years) and counts too.
    sheet.write_row(HEAD - 1, 0, ["Headline", "value", "steady (month 36)"], s.header)
    out.put(HEAD, "Coverage now (resources at target)", _coverage(plan, "now"), s.percent)
    out.put(HEAD + 1, "Coverage after the plan", _coverage(plan, "after"), s.percent)
    out.put(HEAD + 2, "Monthly cost now", round_cents(plan.monthly_now), s.currency,
            "monthly_now", f"=B{total_row + 1}")
    out.put(HEAD + 3, "Monthly cost after the plan", round_cents(plan.monthly_after),
            s.currency, "monthly_after", f"=C{total_row + 1}")
    # Month 36: rotation surcharges have stepped up (a key's 2nd rotation is in year 3).
    sheet.write_formula(HEAD + 2, 2, last_month("total now"), s.currency,
                        number(plan.monthly_now_steady))
    out.define("monthly_now_steady", HEAD + 2, 2)
    sheet.write_formula(HEAD + 3, 2, last_month("keys after", "requests after",
                                                "storage after"), s.currency,
                        number(plan.monthly_after_steady))
    out.define("monthly_after_steady", HEAD + 3, 2)
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
    _lower_bounds(out, plan, HEAD + 10)
    _budget(out, plan, months_sum)
    _one_time_parts(out, plan, parts, parts_top, tables["lines"])

    # Monthly cost by part: keys, then requests by service, then requests of no resource;
    # each part in cents (ROUND), and what rounding leaves over on its own row, so that the
    # parts as shown add up to the total as shown.
    sheet.write_row(top - 1, 0, ["Monthly cost by part", "now", "after"], s.header)
    exact_keys = {"now": sum_of(keys.ranges(13)), "after": sum_of(keys.ranges(16))}
    sheet.write_string(top, 0, "Keys (key-months and rotations)", s.label)
    for col, phase in ((1, "now"), (2, "after")):
        sheet.write_formula(top, col, f"=ROUND({exact_keys[phase]},2)", s.currency,
                            number(round_cents(plan.key_cost(phase))))
        out.define(f"total_keys_{phase}", top, col)
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
        for col, cost_col, value in ((1, COL["monthly now"], now),
                                     (2, COL["monthly after"], after)):
            terms = [f"SUMIFS({c},{v},\"{service}\")" for service in members for c, v in
                     zip(resources.ranges(cost_col), resources.ranges(COL["service"]),
                         strict=True)]
            sheet.write_formula(top + i, col, f"=ROUND({'+'.join(terms) or '0'},2)",
                                s.currency, number(round_cents(value)))
    # Assumed: a full copy replaces an incremental snapshot (ebs_snapshot_original_share).
    sheet.write_string(storage_row, 0, "EBS snapshot storage added (full copies, assumed)",
                       s.label)
    sheet.write_number(storage_row, 1, 0, s.currency)
    sheet.write_formula(storage_row, 2, f"=ROUND({storage},2)", s.currency,
                        number(round_cents(plan.storage_cost_after)))
    sheet.write_string(other, 0, "Requests of no scanned resource (measured)", s.label)
    sheet.write_string(rounding_row, 0, "Rounding to cents", s.label)
    sheet.write_string(total_row, 0, "Total monthly", s.label)
    sheet.write_string(all_requests, 0, "of which KMS requests", s.label)
    for col, phase in ((1, "now"), (2, "after")):
        letter = "B" if col == 1 else "C"
        terms = [f"SUMIFS({c},{p},\"{phase}\")" for c, p in
                 zip(requests.ranges(11), requests.ranges(0), strict=True)]
        sheet.write_formula(all_requests, col, "=" + ("+".join(terms) or "0"), s.currency,
                            number(plan.request_cost(phase)))
        out.define(f"total_requests_{phase}", all_requests, col)
        # As the rows show them: each group's cost rounded to cents.
        resource_part = sum((round_cents(sum((by_service.get(m, (ZERO, ZERO))[col - 1]
                                              for m in members), ZERO))
                             for _, members in groups), ZERO)
        # Measured requests no resource accounts for: the exact request total less the exact
        # resource costs (the Resources sheet), so that rounding shows on its own row.
        exact = sum((v[col - 1] for v in by_service.values()), ZERO)
        other_value = round_cents(plan.request_cost(phase) - exact)
        resource_costs = sum_of(resources.ranges(COL[f"monthly {phase}"]))
        sheet.write_formula(other, col, f"=ROUND({letter}{all_requests + 1}-{resource_costs},2)",
                            s.currency, number(other_value))
        total = plan.monthly_now if phase == "now" else plan.monthly_after
        stored = plan.storage_cost_after if phase == "after" else ZERO
        shown = round_cents(plan.key_cost(phase)) + resource_part + round_cents(stored) + \
            other_value
        exact_storage = storage if phase == "after" else "0"
        sheet.write_formula(rounding_row, col, f"=ROUND({exact_keys[phase]}+{letter}"
                            f"{all_requests + 1}+{exact_storage},2)-SUM({letter}{top + 1}:"
                            f"{letter}{other + 1})", s.currency, number(round_cents(total) - shown))
        sheet.write_formula(total_row, col, f"=SUM({letter}{top + 1}:{letter}"
                            f"{rounding_row + 1})", s.total, number(round_cents(total)))
    after_risk = _at_risk(out, plan, all_requests + 2)
    after_warnings = _warnings(out, plan, after_risk + 1)
    coverage_row = max(after_warnings + 1, CHARTS_END)
    _coverage_by_service(out, plan, coverage_row)
    _charts(out, top, other, coverage_row)
    sheet.set_column(0, 0, 46)
    sheet.set_column(1, 3, 15)
    sheet.set_column(4, 6, 13)
    sheet.freeze_panes(1, 0)
    sheet.hide_gridlines(2)
    print_setup(sheet, ctx.footer)  # landscape, one page wide
    sheet.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.5)
    # As wide as the charts or the coverage table (a column per service group, then "all").
    last_col = max(PRINT_LAST_COL, len(groups) + 1)
    sheet.print_area(0, 0, coverage_row + len(ENCRYPTION_STATES), last_col)
    write_savings(ctx, plan, sheet, coverage_row + len(ENCRYPTION_STATES) + 2,  # below it all
                  last_col)
    return {k: f"{n}{k}" for k in HEADLINE_NAMES}


HEADLINE_NAMES = ("monthly_now", "monthly_after", "monthly_now_steady", "monthly_after_steady",
                  "total_one_time", "new_keys", "year_1", "year_3", "baseline_1y",
                  "baseline_3y", "delta_1y", "delta_3y")


def _lower_bounds(out: Summary, plan: Plan, row: int) -> None:
    """In red where the one-time cost leaves something out: labour, resources without size."""
    sheet, s = out.sheet, out.s
    if not plan.labour_priced:
        sheet.merge_range(row, 0, row, 2, "one-time excludes engineering labour (no labour "
                          "rate or hours in the usage file)", s.warning)
    if plan.unsized:
        sheet.merge_range(row + 1, 0, row + 1, 2, f"one-time is a lower bound: "
                          f"{len(plan.unsized)} resources without size", s.warning)


def _budget(out: Summary, plan: Plan, months_sum) -> None:
    """Do nothing vs the plan vs the difference, for year 1 and for 3 years."""
    sheet, s = out.sheet, out.s
    sheet.write_row(BUDGET, 0, ["Budget: do nothing vs the plan", "do nothing",
                                "the plan", "difference"], s.header)
    for row, (label, years, plan_name, suffix) in enumerate(
            (("Year 1 (the plan with one-time)", 1, "year_1", "1y"),
             ("3 years (the plan with one-time)", 3, "year_3", "3y")), start=BUDGET + 1):
        baseline, total = plan.baseline_total(years), plan.year_total(years)
        sheet.write_string(row, 0, label, s.label)
        sheet.write_formula(row, 1, months_sum(12 * years, "total now"), s.currency,
                            number(baseline))
        out.define(f"baseline_{suffix}", row, 1)
        sheet.write_formula(row, 2, f"={out.ctx.names}{plan_name}", s.currency, number(total))
        # The difference of the figures as shown (cents), as in the JSON summary.
        sheet.write_formula(row, 3, f"=ROUND(C{row + 1},2)-ROUND(B{row + 1},2)", s.currency,
                            number(round_cents(total) - round_cents(baseline)))
        out.define(f"delta_{suffix}", row, 3)
    sheet.merge_range(BUDGET + 3, 0, BUDGET + 3, 3, "Do nothing: the keys and requests of "
                      "today, with existing keys' rotation surcharges as they step up.", s.note)


def _one_time_parts(out: Summary, plan: Plan, parts: list[str], row: int, lines) -> None:
    """The one-time cost by part (SUMIFS over One-time lines), in cents, adding up to it."""
    sheet, s = out.sheet, out.s
    sheet.write_row(row - 1, 0, ["One-time cost by part", "cost"], s.header)
    values = plan.one_time_parts()
    for i, part in enumerate(parts):
        terms = [f"SUMIFS({c},{p},\"{part}\")"
                 for c, p in zip(lines.ranges(9), lines.ranges(10), strict=True)]
        sheet.write_string(row + i, 0, part.replace("_", " "), s.label)
        sheet.write_formula(row + i, 1, f"=ROUND({'+'.join(terms) or '0'},2)", s.currency,
                            number(round_cents(values[part])))
    shown = sum((round_cents(v) for v in values.values()), ZERO)
    last = row + len(parts)
    sheet.write_string(last, 0, "rounding", s.label)
    sheet.write_formula(last, 1, f"=ROUND({out.ctx.names}total_one_time,2)-SUM(B{row + 1}:"
                        f"B{last})", s.currency, number(round_cents(plan.one_time) - shown))
    sheet.write_string(last + 1, 0, "Total one-time", s.label)
    sheet.write_formula(last + 1, 1, f"=SUM(B{row + 1}:B{last + 1})", s.total,
                        number(round_cents(plan.one_time)))


def _at_risk(out: Summary, plan: Plan, row: int) -> int:
    """The at-risk call-out and the first resources at risk; returns the next free row."""
    sheet, s = out.sheet, out.s
    at_risk = plan.at_risk
    if not at_risk:
        scanned = plan.inventory.services
        missing = [n for n in SERVICES if scanned is not None and n not in scanned]
        # A scan of some services only cannot vouch for the resources of the others.
        where = f" (not scanned: {', '.join(missing)})" if missing else ""
        sheet.merge_range(row, 0, row, 2, "No scanned resource uses a disabled or deleted key "
                          f"or a key pending deletion{where}.", s.ok)
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
                      "scan could not make, usage entries that matched nothing, what the "
                      "one-time cost leaves out.", s.warning)
    sheet.set_row(row, 30)
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
    # Bars across, a part a line: the parts' names stay readable and inside the chart.
    cost = book.add_chart({"type": "bar"})
    for col, label, colour in ((1, "now", "#A5A5A5"), (2, "after the plan", "#2E75B6")):
        cost.add_series({
            "name": label, "categories": [name, top, 0, other, 0],
            "values": [name, top, col, other, col], "fill": {"color": colour}, "gap": 40,
            # Zero parts get no label (the empty third section of the format).
            "data_labels": {"value": True, "num_format": "$#,##0.00;-$#,##0.00;",
                            "font": {"size": 7}},
        })
    cost.set_title({"name": "Monthly cost by part: now and after", "name_font": {"size": 11}})
    cost.set_x_axis({"num_format": "$#,##0", "major_gridlines": {"visible": True,
                     "line": {"color": "#D9D9D9"}}})
    cost.set_y_axis({"reverse": True, "interval_unit": 1, "num_font": {"size": 7}})
    cost.set_legend({"position": "bottom"})
    cost.set_size({"width": 600, "height": COST_CHART_HEIGHT})
    sheet.insert_chart(2, CHART_COL, cost, {"x_offset": 20, "y_offset": 0})
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
    # Tall enough that LibreOffice and Excel label every group rather than every other one.
    chart.set_size({"width": 600, "height": 360})
    sheet.insert_chart(COVERAGE_CHART_ROW, CHART_COL, chart, {"x_offset": 20, "y_offset": 10})
