"""Resources, One-time lines and Remediation.

Each remediation cost line is a row of One-time lines (quantity x price cell); a resource's
one-time cost sums its lines, and Remediation sums them by action and service (SUMIFS).
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from planner.plan import remediation
from planner.plan.actions import ACTIONS
from planner.plan.model import ONE_TIME_PARTS, ZERO, Plan, ResourcePlan
from planner.plan.requests import KMS_STATES
from planner.report.tables import tag_columns
from planner.report.workbook.assumptions import LABOUR_RATE, Prices, input_name
from planner.report.workbook.free_tier import FreeTier
from planner.report.workbook.live_requests import LiveRequests
from planner.report.workbook.resource_columns import COL, LETTER, RESOURCE_COLUMNS
from planner.report.workbook.tables import Column, Context, Formula, Table, sum_cells
from pricing.costs import REQUESTS_PER_UNIT

PER_UNIT = int(REQUESTS_PER_UNIT)

LINE_COLUMNS = [
    Column("resource id", 48, "wrap"), Column("account", 14), Column("region", 13),
    Column("service", 9), Column("action", 26), Column("line", 34), Column("unit", 14),
    Column("quantity", 12, "quantity"), Column("unit price", 12, "link"),
    Column("cost", 13, "currency"), Column("part", 24),
]  # each price's source is on Assumptions, beside the price cell the unit price refers to
REMEDIATION_COLUMNS = [
    Column("action", 28), Column("service", 10), Column("resources", 11, "integer"),
    Column("downtime", 34, "wrap"), Column("controls cleared", 26),
    Column("one-time", 14, "currency"), Column("what it does", 80, "wrap"),
]


def lines_table(ctx: Context, plan: Plan) -> Table:
    return Table(ctx, "One-time lines", LINE_COLUMNS,
                 sum(len(p.one_time) for p in plan.all_actions), totals=True)


def resources_table(ctx: Context, plan: Plan) -> Table:
    # One column per common tag key (cost centre, owner, team), as in the CSV.
    columns = RESOURCE_COLUMNS + [Column(f"tag:{t}", 16) for t in tag_columns(plan)]
    return Table(ctx, "Resources", columns, len(plan.all_actions))


def _groups(plan: Plan) -> Counter:
    return Counter((p.action, p.resource.service) for p in plan.all_actions)


def remediation_table(ctx: Context, plan: Plan) -> Table:
    return Table(ctx, "Remediation", REMEDIATION_COLUMNS, len(_groups(plan)), totals=True)


# Storage kept for a number of days (planner.plan.remediation): line name -> (the days'
# input, copies of the resource's size kept).
DAYS_KEPT = {name: ("snapshot_copy_retention_days", copies)
             for _, copies, name in remediation.SNAPSHOT_STORAGE.values()}
DAYS_KEPT |= {name: ("cutover_window_days", 1)
              for _, name in remediation.CUTOVER_STORAGE.values()}
DAYS_KEPT[remediation.NONCURRENT_LINE] = ("noncurrent_version_retention_days", 1)
HOURS_PER_DAY = 24
SAME = Decimal("1e-12")


def _quantity(line, p: ResourcePlan, prices: Prices):
    """Quantities that follow the inputs on Assumptions: a labour line's hours
    (labour_hours_<action>), and storage kept for some days (size x copies x days x 24 /
    hours_per_month, the size from the scan). Other quantities (object counts) are values."""
    hours = prices.inputs.get(input_name("labour_hours", p.action))
    if line.price_entry == LABOUR_RATE and hours is not None:
        return Formula(f"={hours}", line.quantity)
    if line.name == remediation.REENCRYPTION_LINE and p.bucket_key_after:
        return _reencryption_requests(line, p, prices)
    kept = DAYS_KEPT.get(line.name)
    days = prices.inputs.get(kept[0]) if kept else None
    month = prices.inputs.get("hours_per_month")
    if days and month and p.resource.size_gb:
        size, copies = Decimal(str(p.resource.size_gb)), kept[1]
        value, hours_per_month = prices.values[kept[0]], prices.values["hours_per_month"]
        # The same figure (to Decimal's last digits: the plan multiplies in another order).
        if abs(size * copies * value * HOURS_PER_DAY / hours_per_month - line.quantity) < SAME:
            return Formula(f"={size}*{copies}*{days}*{HOURS_PER_DAY}/{month}", line.quantity)
    return line.quantity


def _reencryption_requests(line, p: ResourcePlan, prices: Prices):
    """A bucket's copy in place: a Decrypt per object already on KMS, and a GenerateDataKey
    per object less the bucket key's reduction, per 10,000 requests."""
    reduction = prices.inputs.get("bucket_key_request_reduction")
    objects = p.figures.get("object_count")
    if reduction is None or not objects:
        return line.quantity
    decrypts = 1 if p.resource.encryption in KMS_STATES else 0
    value = prices.values["bucket_key_request_reduction"]
    if (objects * (decrypts + 1 - value)) / PER_UNIT != line.quantity:
        return line.quantity
    return Formula(f"={objects}*({decrypts}+1-{reduction})/{prices.request_unit}",
                   line.quantity)


def write_lines(table: Table, plan: Plan, prices: Prices) -> dict:
    """One-time lines; returns resource index -> the (sheet, row) of its lines."""
    spans: dict[int, list[tuple[str, int]]] = {}
    for index, p in enumerate(plan.all_actions):
        r = p.resource
        for line in p.one_time:
            region = None if line.price_entry == LABOUR_RATE else r.region
            price = prices.name(line.price_entry, region, line.unit_price)
            spans.setdefault(index, []).append(table.add([
                r.resource_id, r.account, r.region, r.service, p.action, line.name, line.unit,
                _quantity(line, p, prices), Formula(f"={price}", line.unit_price),
                Formula("=H{r}*I{r}", line.cost),
                ONE_TIME_PARTS.get(line.price_entry, "other"),
            ]))
    table.finish(totals={9: plan.one_time})
    return spans


def request_formula(prices: Prices, plan: Plan, key_ref: str | None, keys: dict,
                    phase: str) -> str:
    """(requests - free requests) / 10,000 x the symmetric price of the key's region."""
    key = keys.get(key_ref) if key_ref else None
    region = key.region if key is not None and key.region else None
    price = prices.name("requests_symmetric", region, plan.book.value("requests_symmetric",
                                                                      region))
    requests, free = LETTER[f"KMS requests {phase}"], LETTER[f"free tier {phase}"]
    return f"=({requests}{{r}}-{free}{{r}})/{prices.request_unit}*{price}"


CONTROLS = {name: " ".join(action.controls) for name, action in ACTIONS.items()}


def _joined(mapping: dict, cache: dict, separator: str) -> str:
    """Most resources share their sources mapping (one object): join it once."""
    text = cache.get(id(mapping))
    if text is None:
        text = cache[id(mapping)] = "; ".join(f"{k}{separator}{v}" for k, v in mapping.items())
    return text


def resource_row(p: ResourcePlan, live: list, costs: list, one_time, cache: dict,
                 tags: list[str]) -> list:
    """`live`: billing scope, usage figures, factor, events, requests and free requests now
    and after (LiveRequests.cells); `costs`: the monthly cost now and after."""
    r, action = p.resource, ACTIONS[p.action]
    own = r.tags or {}
    scope, figure_1, figure_2, factor, events, requests_now, free_now, requests_after, \
        free_after = live
    return [
        r.account, r.region, r.service, r.resource_type, r.resource_id, r.name,
        "; ".join(f"{k}={v}" for k, v in own.items()), r.encryption,
        p.key_now or "", p.target, p.action, p.state_after, p.key_after or "",
        "" if p.bucket_key_after is None else p.bucket_key_after, p.at_risk, action.downtime,
        CONTROLS[p.action], scope, figure_1, figure_2, factor, events, requests_now, free_now,
        costs[0], requests_after, free_after, costs[1], one_time,
        "; ".join(f"{k}={v}" for k, v in p.figures.items()),
        _joined(p.sources, cache, ": "), r.error or "", *(own.get(t, "") for t in tags),
    ]


def write_resources(table: Table, plan: Plan, prices: Prices, spans: dict,
                    free: FreeTier) -> None:
    keys = {k.ref: k for k in plan.keys}
    formulas: dict = {}  # (key now, key after) -> formulas: most resources share a key
    cache: dict = {}
    tags = tag_columns(plan)
    live = LiveRequests(plan, prices, free, table.ctx.styles)
    for index, p in enumerate(plan.all_actions):
        pair = formulas.get((p.key_now, p.key_after))
        if pair is None:
            pair = formulas[(p.key_now, p.key_after)] = (
                request_formula(prices, plan, p.key_now, keys, "now"),
                request_formula(prices, plan, p.key_after, keys, "after"))
        cells, styles, costs = live.cells(p, keys)
        one_time_cells = spans.get(index)
        one_time = (Formula("=" + sum_cells(one_time_cells, 9), p.one_time_cost)
                    if one_time_cells else ZERO)
        costs = [Formula(pair[0], costs[0]), Formula(pair[1], costs[1])]
        table.add(resource_row(p, cells, costs, one_time, cache, tags), styles)
    at_risk = LETTER["at risk"]
    for _name, sheet, header, written in table.parts:
        if written:  # at-risk rows in red
            sheet.conditional_format(header + 1, 0, header + written, len(table.columns) - 1, {
                "type": "formula", "criteria": f'=${at_risk}{header + 2}="yes"',
                "format": table.ctx.styles.at_risk})
    table.finish(freeze_cols=COL["resource id"] + 1)


def write_remediation(table: Table, plan: Plan, lines: Table) -> None:
    counts = _groups(plan)
    costs: dict = {}
    for p in plan.all_actions:
        key = (p.action, p.resource.service)
        costs[key] = costs.get(key, ZERO) + p.one_time_cost
    cost_refs = list(zip(lines.ranges(9), lines.ranges(4), lines.ranges(3), strict=True))
    parts = [f"SUMIFS({cost},{action},A{{r}},{service},B{{r}})"
             for cost, action, service in cost_refs]
    formula = "=" + ("+".join(parts) if parts else "0")
    for (action, service), count in sorted(counts.items()):
        a = ACTIONS[action]
        table.add([action, service, count, a.downtime, " ".join(a.controls),
                   Formula(formula, costs[(action, service)]), a.summary])
    table.finish(totals={2: sum(counts.values()), 5: plan.one_time})
