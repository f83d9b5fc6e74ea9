"""Keys and Requests: the monthly cost, as formulas over quantities and the price cells."""

from __future__ import annotations

from decimal import Decimal

from planner.plan.billing import scope_of
from planner.plan.model import ZERO, Plan
from planner.report.workbook.assumptions import Prices
from planner.report.workbook.free_tier import FreeTier
from planner.report.workbook.resource_columns import COL
from planner.report.workbook.tables import Column, Context, Formula, Table
from pricing.costs import REQUEST_CLASSES, REQUESTS_PER_UNIT

KEY_ENTRIES = ("key_month", "rotation_month")

KEY_COLUMNS = [
    Column("key", 80, "wrap"), Column("account", 14), Column("region", 13), Column("label", 28),
    Column("status", 10), Column("manager", 10), Column("state", 16), Column("spec", 18),
    Column("rotation", 9), Column("resources now", 10, "integer"),
    Column("resources after", 10, "integer"),
    Column("key-months now", 10, "quantity"), Column("rotation key-months now", 12, "quantity"),
    Column("monthly now", 13, "currency"),
    Column("key-months after", 10, "quantity"),
    Column("rotation key-months after", 12, "quantity"),
    Column("monthly after", 13, "currency"),
    Column("rotations so far", 10, "integer"), Column("rotations source", 22),
]

REQUEST_COLUMNS = [
    Column("phase", 8), Column("billing scope", 14), Column("key", 80, "wrap"),
    Column("account", 14), Column("region", 13), Column("request class", 18),
    Column("requests", 14, "integer"),
    Column("free tier requests", 14, "integer"), Column("free tier share", 10, "percent"),
    Column("billed requests", 14, "integer"), Column("price per 10k", 12, "link"),
    Column("cost", 13, "currency"), Column("source", 40),
    Column("measured, no resource", 14, "integer"),
]


def key_units(lines) -> dict[str, Decimal]:
    units = dict.fromkeys(KEY_ENTRIES, ZERO)
    for line in lines:
        units[line.price_entry] += line.quantity  # only key-months and rotations price a key
    return units


def key_formula(prices: Prices, book, region: str | None, qty_cols: tuple[str, str]) -> str:
    """key-months x key price + rotation key-months x rotation price, for `region`."""
    region = region or None
    names = [prices.name(e, region, book.value(e, region)) for e in KEY_ENTRIES]
    return f"={qty_cols[0]}{{r}}*{names[0]}+{qty_cols[1]}{{r}}*{names[1]}"


def rotation_units(prices: Prices, key_months: Decimal, rotations: Decimal, rotations_so_far: int,
                   key_months_col: str):
    """Rotation key-months: key-months x MIN(rotations so far, rotations_billed_max), a
    formula where it gives the plan's figure (a region's own cap stays a value)."""
    cap = prices.inputs.get("rotations_billed_max")
    if cap is None or not key_months:
        return rotations
    if key_months * min(rotations_so_far, prices.values["rotations_billed_max"]) != rotations:
        return rotations
    return Formula(f"={key_months_col}{{r}}*MIN(R{{r}},{cap})", rotations)


def keys_table(ctx: Context, plan: Plan) -> Table:
    return Table(ctx, "Keys", KEY_COLUMNS, len(plan.keys), totals=True)


def write_keys(table: Table, plan: Plan, prices: Prices) -> None:
    for k in plan.keys:
        now, after = key_units(k.lines_now), key_units(k.lines_after)
        region = k.region if k.region in plan.book.region_overrides else None
        cost_now = sum((line.cost for line in k.lines_now), ZERO)
        cost_after = sum((line.cost for line in k.lines_after), ZERO)
        table.add([
            k.ref, k.account, k.region, k.label, k.status, k.manager, k.state, k.spec,
            k.rotation, k.resources_now, k.resources_after,
            now["key_month"],
            rotation_units(prices, now["key_month"], now["rotation_month"], k.rotations_now, "L"),
            Formula(key_formula(prices, plan.book, region, ("L", "M")), cost_now),
            after["key_month"],
            rotation_units(prices, after["key_month"], after["rotation_month"], k.rotations_now,
                           "O"),
            Formula(key_formula(prices, plan.book, region, ("O", "P")), cost_after),
            k.rotations_now, k.rotations_source,
        ])
    table.finish(totals={13: plan.key_cost("now"), 16: plan.key_cost("after")}, freeze_cols=1)
    return table


def requests_table(ctx: Context, plan: Plan) -> Table:
    return Table(ctx, "Requests", REQUEST_COLUMNS, len(plan.requests))


def _resource_sums(plan: Plan) -> dict[tuple[str, str, str], int]:
    """(phase, billing scope, key) -> the requests the Resources sheet prices on that key."""
    sums: dict[tuple[str, str, str], int] = {}
    billing = plan.settings.billing_scope
    for p in plan.all_actions:
        scope = scope_of(p.resource.account, billing)
        for phase, key, requests in (("now", p.key_now, p.priced_now),
                                     ("after", p.key_after, p.priced_after)):
            if key is not None and requests:
                sums[(phase, scope, key)] = sums.get((phase, scope, key), 0) + requests
    return sums


def write_requests(table: Table, plan: Plan, prices: Prices, free: FreeTier,
                   resources: Table) -> None:
    """Symmetric requests: the Resources sheet's requests on the key in the billing scope
    (SUMIFS) plus what was measured on the key for no resource (an input). Other classes are
    measured counts only: inputs. Free requests: requests x the scope's free share."""
    columns = {phase: list(zip(*(resources.planned_ranges(COL[header]) for header in (
        f"KMS requests {phase}", "key now" if phase == "now" else "key after",
        "billing scope")), strict=True)) for phase in ("now", "after")}
    sums = _resource_sums(plan)
    input_style = {6: table.ctx.styles.input, 13: table.ctx.styles.input}
    for row in plan.requests:
        entry = REQUEST_CLASSES[row.request_class][0]
        price = prices.name(entry, row.region or None, row.line.unit_price)
        from_resources = sums.get((row.phase, row.scope, row.key_ref), 0) \
            if row.request_class == "symmetric" else 0
        own = row.requests - from_resources
        requests, styles = row.requests, input_style
        if from_resources and own >= 0:
            terms = [f"SUMIFS({count},{key},C{{r}},{scope},B{{r}})"
                     for count, key, scope in columns[row.phase]]
            requests, styles = Formula("=" + "+".join(terms) + "+N{r}", row.requests), \
                {13: table.ctx.styles.input}
        else:
            own = None  # the count itself is the input
        found = free.free(row.phase, row.scope, row.request_class, row.requests)
        free_requests = found[1] if found else ZERO
        share = free_requests / row.requests if row.requests else ZERO
        billed = row.requests - free_requests
        table.add([
            row.phase, row.scope, row.key_ref, row.account, row.region, row.request_class,
            requests, Formula(f"=G{{r}}*{found[0]}", free_requests) if found else 0,
            Formula("=IF(G{r}=0,0,H{r}/G{r})", share),
            Formula("=G{r}-H{r}", billed),
            Formula(f"={price}", row.line.unit_price),
            Formula(f"=J{{r}}/{prices.request_unit}*K{{r}}",
                    billed / REQUESTS_PER_UNIT * row.line.unit_price), row.source, own,
        ], styles)
    table.finish(freeze_cols=3)  # phase, billing scope and key stay in view
    return table
