"""Assumptions: every price and rate in one cell each (with a defined name), every usage figure
and default with its provenance, the plan's settings and the scan's date and scope.

Cost formulas elsewhere refer to the price cells by name, so changing a price here changes
every total that depends on it.
"""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal, InvalidOperation
from pathlib import PurePath

from planner.plan.model import Plan
from planner.report.workbook.tables import Column, Context, Table, cell_ref

LABOUR_RATE = "labour_rate_usd_per_hour"
COLUMNS = [
    Column("section", 12), Column("name", 30), Column("region", 14), Column("value", 16),
    Column("unit", 14), Column("description or provenance", 48, "wrap"),
    Column("source", 40), Column("read on", 11), Column("effective from", 13),
    Column("unconfirmed", 12),
]
VALUE_COL = 3


class Prices:
    """Defined names of the price and rate cells, with the values they hold."""

    def __init__(self, ctx: Context):
        self.ctx = ctx
        self.cells: dict[tuple[str, str | None], tuple[str, Decimal]] = {}

    def define(self, key: tuple[str, str | None], sheet: str, row: int, value: Decimal) -> None:
        entry, region = key
        suffix = "_" + re.sub(r"\W", "_", region) if region else ""
        name = f"{self.ctx.names}price_{entry}{suffix}"
        self.ctx.book.define_name(name, "=" + cell_ref(sheet, row, VALUE_COL))
        self.cells[key] = (name, value)

    def name(self, entry: str, region: str | None, expected: Decimal) -> str:
        """The name of the cell holding the price the plan used for `entry` in `region`."""
        found = self.cells.get((entry, region)) or self.cells.get((entry, None))
        if found is None or found[1] != expected:
            raise ValueError(f"workbook: no price cell for {entry} in {region} at {expected}")
        return found[0]


def _usage_value(text: str):
    try:
        return Decimal(text)
    except InvalidOperation:
        return text


def _entry_row(entry, region: str | None) -> list:
    section = "price" if entry.is_price else "allowance"
    return [section, entry.name, region or "all regions", entry.value, entry.unit,
            entry.description, entry.source, entry.read_on, entry.effective_from,
            entry.unconfirmed]


def _rows(plan: Plan) -> tuple[list, list, list]:
    book, s, inv = plan.book, plan.settings, plan.inventory
    settings = [
        ("target policy", s.target),
        ("per-service targets", ", ".join(f"{k}={v}" for k, v in s.service_targets) or "none"),
        ("key strategy", s.key_strategy), ("new keys rotate yearly", s.rotation),
        ("bucket keys on remediated buckets", s.bucket_keys),
        ("re-encrypt existing S3 objects", s.reencrypt_objects),
        ("billing scope (free tier)", s.billing_scope), ("forecast months", s.forecast_months),
    ]
    scan = [
        ("scanned at", inv.scanned_at), ("accounts", ", ".join(inv.accounts)),
        ("regions", ", ".join(inv.regions)), ("resources", len(inv.resources)),
        ("keys", len(inv.keys)), ("scan errors", len(inv.errors)),
        # Files by their base name: the engineer's folders do not go into a finance document.
        ("tool version", inv.tool_version),
        ("price book", f"{book.name} ({PurePath(book.path).name})"),
        ("price book read on", book.read_on),
        ("usage file", PurePath(plan.usage_path).name if plan.usage_path else "none"),
    ]
    overrides = [(region, e) for region, entries in book.region_overrides.items()
                 for e in entries.values()]
    # A price used in a region it was not read for: its own row, marked assumed, so that the
    # region's cost formulas point at a cell that says so.
    overrides += [(region, replace(
        book.entry(name, region), region=region, unconfirmed=True,
        description=f"ASSUMED: the price read for {book.entry(name).read_in}, used in "
                    f"{region} unchanged (kmsplan prices refresh --regions {region})"))
        for name, region in plan.assumed_prices()]
    return settings, scan, overrides


def assumptions_table(ctx: Context, plan: Plan) -> Table:
    settings, scan, overrides = _rows(plan)
    rows = (len(plan.book.entries) + len(overrides) + len(plan.usage_echo) + len(settings)
            + len(scan))
    return Table(ctx, "Assumptions", COLUMNS, rows)


def write_assumptions(table: Table, plan: Plan) -> Prices:
    ctx, book = table.ctx, plan.book
    settings, scan, overrides = _rows(plan)
    prices = Prices(ctx)
    price_style = ctx.styles.price

    def value_style(entry):
        return {VALUE_COL: price_style if entry.is_price else ctx.styles.quantity}

    for entry in book.entries.values():
        sheet, row = table.add(_entry_row(entry, None), value_style(entry))
        prices.define((entry.name, None), sheet, row, entry.value)
    for region, entry in overrides:
        sheet, row = table.add(_entry_row(entry, region), value_style(entry))
        prices.define((entry.name, region), sheet, row, entry.value)
    for scope, name, value, provenance in plan.usage_echo:
        section = "rate" if name == LABOUR_RATE else "usage"
        unit = "USD per hour" if name == LABOUR_RATE else ""
        rate = name == LABOUR_RATE
        sheet, row = table.add([section, name, scope, _usage_value(value), unit, provenance,
                                "", "", "", ""], {VALUE_COL: price_style} if rate else None)
        if rate:
            prices.define((LABOUR_RATE, None), sheet, row, Decimal(value))
    for name, value in settings:
        table.add(["setting", name, "", value, "", "", "", "", "", ""])
    for name, value in scan:
        table.add(["scan", name, "", value, "", "", "", "", "", ""])
    table.finish()
    return prices
