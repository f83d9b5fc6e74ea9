"""Forecast: 36 months of key-months and rotation key-months times the price cells, plus the
monthly request totals, the storage the plan adds and the one-time cost in month 1 (from
Summary's defined names)."""

from __future__ import annotations

from decimal import Decimal

from xlsxwriter.utility import xl_col_to_name

from planner.plan.model import ZERO, Plan
from planner.report.workbook.assumptions import Prices
from planner.report.workbook.monthly import KEY_ENTRIES
from planner.report.workbook.tables import Column, Context, Formula, Table, cell_ref


def price_groups(plan: Plan) -> list[str | None]:
    """None for the regions at the base key prices, then each region that overrides them."""
    regions = {region for m in plan.forecast
               for units in (m.key_units_now, m.key_units_after) for region in units}
    groups = {_group(plan, region) for region in regions} or {None}
    return sorted(groups, key=lambda g: (g is not None, g or ""))


def _group(plan: Plan, region: str | None) -> str | None:
    overrides = plan.book.region_overrides.get(region or "", {})
    return region if any(e in overrides for e in KEY_ENTRIES) else None


def _units(plan: Plan, units: dict, counts: dict, group: str | None, prices: Prices) -> list:
    """Key-months and rotation key-months of the group's regions; rotation key-months as
    keys x MIN(rotations, rotations_billed_max) where that gives the plan's figure."""
    totals = dict.fromkeys(KEY_ENTRIES, ZERO)
    for region, entries in units.items():
        if _group(plan, region) == group:
            for entry, quantity in entries.items():
                totals[entry] += quantity
    rotations = totals["rotation_month"]
    cap = prices.inputs.get("rotations_billed_max")
    by_rotations: dict[int, int] = {}
    for (region, r), n in counts.items():
        if r and _group(plan, region) == group:
            by_rotations[r] = by_rotations.get(r, 0) + n
    if cap is not None and by_rotations:
        most = prices.values["rotations_billed_max"]
        if sum(n * min(r, most) for r, n in by_rotations.items()) == rotations:
            terms = "+".join(f"{n}*MIN({r},{cap})" for r, n in sorted(by_rotations.items()))
            rotations = Formula("=" + terms, rotations)
    return [totals["key_month"], rotations]


def forecast_table(ctx: Context, plan: Plan) -> Table:
    groups = price_groups(plan)
    label = {g: "" if g is None else f" ({g})" for g in groups}
    columns = [Column("month", 7, "integer"), Column("label", 9)]
    for phase in ("now", "after"):
        for g in groups:
            columns += [Column(f"key-months {phase}{label[g]}", 11, "quantity"),
                        Column(f"rotation key-months {phase}{label[g]}", 12, "quantity")]
        columns += [Column(f"keys {phase}", 12, "currency"),
                    Column(f"requests {phase}", 12, "currency")]
        if phase == "after":
            columns += [Column("storage after", 12, "currency"), Column("one-time", 12, "currency")]
        columns.append(Column(f"total {phase}", 13, "currency"))
    columns += [Column("cumulative now", 14, "currency"), Column("cumulative after", 14,
                                                                  "currency")]
    return Table(ctx, "Forecast", columns, len(plan.forecast), streamable=False)


def write_forecast(table: Table, plan: Plan, prices: Prices) -> list:
    """The Forecast rows; returns the (sheet, row) of each month."""
    groups = price_groups(plan)
    names = {g: [prices.name(e, g, plan.book.value(e, g)) for e in KEY_ENTRIES]
             for g in groups}
    n = table.ctx.names

    def keys_formula(first_col: int) -> str:
        terms = []
        for i, g in enumerate(groups):
            km, rm = (xl_col_to_name(first_col + 2 * i + j) for j in (0, 1))
            terms.append(f"{km}{{r}}*{names[g][0]}+{rm}{{r}}*{names[g][1]}")
        return "=" + "+".join(terms)

    width = 2 * len(groups)
    now_keys, after_first = 2 + width, 2 + width + 3
    after_keys = after_first + width
    col = xl_col_to_name
    storage = "=" + storage_formula(plan, prices)
    cells: list = []
    total_now, total_after = now_keys + 2, after_keys + 4
    cumulative_now = cumulative_after = ZERO
    for m in plan.forecast:
        row = [m.month, m.label]
        for g in groups:
            row += _units(plan, m.key_units_now, m.key_counts_now, g, prices)
        row += [Formula(keys_formula(2), m.keys_now),
                Formula(f"={n}total_requests_now", m.requests_now),
                Formula(f"={col(now_keys)}{{r}}+{col(now_keys + 1)}{{r}}", m.now)]
        for g in groups:
            row += _units(plan, m.key_units_after, m.key_counts_after, g, prices)
        one_time = Formula(f"={n}total_one_time", m.one_time) if m.month == 1 else ZERO
        row += [Formula(keys_formula(after_first), m.keys_after),
                Formula(f"={n}total_requests_after", m.requests_after),
                Formula(storage, m.storage_after), one_time,
                Formula(f"=SUM({col(after_keys)}{{r}}:{col(after_keys + 3)}{{r}})", m.after)]
        # Running totals: this month's total plus the previous month's running total (which
        # may lie on the sheet before, when the table continues).
        cumulative_now, cumulative_after = cumulative_now + m.now, cumulative_after + m.after
        for total, running, value in ((total_now, total_after + 1, cumulative_now),
                                      (total_after, total_after + 2, cumulative_after)):
            before = f"+{cell_ref(*cells[-1], running)}" if cells else ""
            row.append(Formula(f"={col(total)}{{r}}{before}", value))
        cells.append(table.add(row))
    table.finish()
    return cells


def storage_formula(plan: Plan, prices: Prices) -> str:
    """The monthly storage the plan adds (full snapshot copies), exact: GB-months x the price
    cell, summed per price cell; "0" when there is none."""
    quantities: dict[str, Decimal] = {}
    for p in plan.all_actions:
        for line in p.storage_after:
            name = prices.name(line.price_entry, p.resource.region, line.unit_price)
            quantities[name] = quantities.get(name, ZERO) + line.quantity
    return "+".join(f"{q:f}*{name}" for name, q in sorted(quantities.items())) or "0"
