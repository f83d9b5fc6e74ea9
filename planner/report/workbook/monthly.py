"""Keys and Requests: the monthly cost, as formulas over quantities and the price cells."""

from __future__ import annotations

from decimal import Decimal

from planner.plan.model import ZERO, Plan
from planner.report.workbook.assumptions import Prices
from planner.report.workbook.tables import Column, Context, Formula, Table
from pricing.costs import REQUEST_CLASSES, REQUESTS_PER_UNIT

KEY_ENTRIES = ("key_month", "rotation_month")

KEY_COLUMNS = [
    Column("key", 40), Column("account", 14), Column("region", 13), Column("label", 28),
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
    Column("phase", 8), Column("billing scope", 14), Column("key", 40), Column("account", 14),
    Column("region", 13), Column("request class", 18), Column("requests", 14, "integer"),
    Column("free tier requests", 14, "integer"), Column("free tier share", 10, "percent"),
    Column("billed requests", 14, "integer"), Column("price per 10k", 12, "link"),
    Column("cost", 13, "currency"), Column("source", 40),
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


def keys_table(ctx: Context, plan: Plan) -> Table:
    return Table(ctx, "Keys", KEY_COLUMNS, len(plan.keys))


def write_keys(table: Table, plan: Plan, prices: Prices) -> None:
    for k in plan.keys:
        now, after = key_units(k.lines_now), key_units(k.lines_after)
        region = k.region if k.region in plan.book.region_overrides else None
        cost_now = sum((line.cost for line in k.lines_now), ZERO)
        cost_after = sum((line.cost for line in k.lines_after), ZERO)
        table.add([
            k.ref, k.account, k.region, k.label, k.status, k.manager, k.state, k.spec,
            k.rotation, k.resources_now, k.resources_after,
            now["key_month"], now["rotation_month"],
            Formula(key_formula(prices, plan.book, region, ("L", "M")), cost_now),
            after["key_month"], after["rotation_month"],
            Formula(key_formula(prices, plan.book, region, ("O", "P")), cost_after),
            k.rotations_now, k.rotations_source,
        ])
    table.finish()
    return table


def requests_table(ctx: Context, plan: Plan) -> Table:
    return Table(ctx, "Requests", REQUEST_COLUMNS, len(plan.requests))


def write_requests(table: Table, plan: Plan, prices: Prices) -> None:
    for row in plan.requests:
        entry = REQUEST_CLASSES[row.request_class][0]
        price = prices.name(entry, row.region or None, row.line.unit_price)
        share = Decimal(row.free) / row.requests if row.requests else ZERO
        table.add([
            row.phase, row.scope, row.key_ref, row.account, row.region, row.request_class,
            row.requests, row.free, Formula("=IF(G{r}=0,0,H{r}/G{r})", share),
            Formula("=G{r}-H{r}", row.requests - row.free),
            Formula(f"={price}", row.line.unit_price),
            Formula(f"=J{{r}}/{int(REQUESTS_PER_UNIT)}*K{{r}}", row.line.cost), row.source,
        ])
    table.finish()
    return table
