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

from planner.plan.actions import ACTIONS
from planner.plan.model import Plan
from planner.report.workbook.tables import Column, Context, Table, cell_ref
from planner.usage import PARAMETERS
from pricing.costs import REQUESTS_PER_UNIT

LABOUR_RATE = "labour_rate_usd_per_hour"
REQUEST_UNIT = "request_price_unit"
COLUMNS = [
    Column("section", 12), Column("name", 30), Column("region", 14), Column("value", 16),
    Column("unit", 14), Column("description or provenance", 48, "wrap"),
    Column("source", 40), Column("read on", 11), Column("effective from", 13),
    Column("unconfirmed", 12),
]
VALUE_COL = 3
DEFAULT_SCOPE = "default for "  # planner.usage.Usage.echo's scope of a type default


class Prices:
    """Defined names of the price and rate cells, with the values they hold, and the names of
    the other input cells (free tier, usage defaults, labour hours, ...)."""

    def __init__(self, ctx: Context):
        self.ctx = ctx
        self.cells: dict[tuple[str, str | None], tuple[str, Decimal]] = {}
        self.inputs: dict[str, str] = {}  # contract name -> defined name (with any prefix)
        self.values: dict[str, Decimal] = {}  # contract name -> the value the plan used
        self.request_unit = str(int(REQUESTS_PER_UNIT))  # the name of its cell, once written

    def define(self, key: tuple[str, str | None], sheet: str, row: int, value: Decimal) -> None:
        entry, region = key
        suffix = "_" + re.sub(r"\W", "_", region) if region else ""
        name = f"{self.ctx.names}price_{entry}{suffix}"
        self.ctx.book.define_name(name, "=" + cell_ref(sheet, row, VALUE_COL))
        self.cells[key] = (name, value)

    def alias(self, name: str, sheet: str, row: int, value: Decimal) -> None:
        """A contract name (docs/workbook.md) for the input cell on `row`."""
        defined = f"{self.ctx.names}{name}"
        self.ctx.book.define_name(defined, "=" + cell_ref(sheet, row, VALUE_COL))
        self.inputs[name] = defined
        self.values[name] = value

    def name(self, entry: str, region: str | None, expected: Decimal) -> str:
        """The name of the cell holding the price the plan used for `entry` in `region`."""
        found = self.cells.get((entry, region)) or self.cells.get((entry, None))
        if found is None or found[1] != expected:
            raise ValueError(f"workbook: no price cell for {entry} in {region} at {expected}")
        return found[0]


def input_name(*parts: str) -> str:
    """A defined name from parts such as ("usage", "db-instance", "monthly_start_events")."""
    return "_".join(re.sub(r"\W", "_", part) for part in parts)


# Data validation per kind of input: counts whole and non-negative, fractions 0-1.
VALIDATION = {
    "count": {"validate": "integer", "criteria": ">=", "value": 0},
    "fraction": {"validate": "decimal", "criteria": "between", "minimum": 0, "maximum": 1},
    "number": {"validate": "decimal", "criteria": ">=", "value": 0},
}
WHOLE_ENTRIES = {"free_tier_requests", "rotations_billed_max"}


def _validate(ctx: Context, sheet: str, row: int, kind: str) -> None:
    ctx.book.get_worksheet_by_name(sheet).data_validation(
        row, VALUE_COL, row, VALUE_COL, {**VALIDATION[kind], "error_title": "kmsplan input",
                                         "error_message": f"Must be a {kind} (not negative)."})


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


def usage_rows(plan: Plan) -> list[tuple[list, str | None, str | None]]:
    """Assumptions rows of the usage echo: (row, defined name or None, validation kind).
    Every type default and numeric parameter is a named input; labour hours one row per
    action. Per-resource overrides and measured key counts are shown, not named."""
    rows = []
    for scope, name, value, provenance in plan.usage_echo:
        kind = PARAMETERS.get(name) if scope == "parameter" else None
        if scope.startswith(DEFAULT_SCOPE):
            rtype = scope.removeprefix(DEFAULT_SCOPE)
            rows.append((["usage", name, scope, _usage_value(value), "", provenance],
                         input_name("usage", rtype, name), "count"))
        elif kind == "hours":
            # Echoed as "action=hours, ..." (or "none"): one row for every action, 0 where
            # nothing is set, so a reviewer can price any action's engineering time.
            given = dict(pair.split("=") for pair in value.split(", ")) if value != "none" \
                else {}
            for action in ACTIONS:
                rows.append((["labour", action, "hours per resource",
                              Decimal(given.get(action, "0")), "hours",
                              provenance if action in given else "not set: no labour line"],
                             input_name("labour_hours", action), "number"))
        elif kind in ("count", "days", "fraction", "money"):
            section = "rate" if name == LABOUR_RATE else "usage"
            unit = "USD per hour" if name == LABOUR_RATE else ""
            shown = {"money": "number", "days": "count"}.get(kind, kind)  # days: whole numbers
            rows.append(([section, name, scope, Decimal(value), unit, provenance], name, shown))
        else:
            rows.append((["usage", name, scope, _usage_value(value), "", provenance], None,
                          None))
    return rows


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
    rows = (len(plan.book.entries) + 1 + len(overrides) + len(usage_rows(plan)) + len(settings)
            + len(scan))
    return Table(ctx, "Assumptions", COLUMNS, rows)


def write_assumptions(table: Table, plan: Plan) -> Prices:
    ctx, book = table.ctx, plan.book
    settings, scan, overrides = _rows(plan)
    prices = Prices(ctx)
    price_style = ctx.styles.price

    def value_style(entry):
        return {VALUE_COL: price_style if entry.is_price else ctx.styles.input}

    def kind(entry) -> str:
        return "count" if entry.name in WHOLE_ENTRIES else "number"

    for entry in book.entries.values():
        sheet, row = table.add(_entry_row(entry, None), value_style(entry))
        prices.define((entry.name, None), sheet, row, entry.value)
        _validate(ctx, sheet, row, kind(entry))
        if not entry.is_price:  # free_tier_requests, rotations_billed_max, hours_per_month
            prices.alias(entry.name, sheet, row, entry.value)
    # The unit request prices are per: formulas divide by this cell, not by a literal.
    sheet, row = table.add(["unit", REQUEST_UNIT, "all regions", REQUESTS_PER_UNIT, "requests",
                            "KMS request prices are per this many requests (a definition of "
                            "AWS's price unit, not an assumption)", "", "", "", ""])
    prices.request_unit = f"{ctx.names}{REQUEST_UNIT}"
    ctx.book.define_name(prices.request_unit, "=" + cell_ref(sheet, row, VALUE_COL))
    for region, entry in overrides:
        sheet, row = table.add(_entry_row(entry, region), value_style(entry))
        prices.define((entry.name, region), sheet, row, entry.value)
        _validate(ctx, sheet, row, kind(entry))
    for values, name, check in usage_rows(plan):
        style = price_style if name == LABOUR_RATE else ctx.styles.input
        sheet, row = table.add(values + ["", "", "", ""], {VALUE_COL: style} if name else None)
        if name is None:
            continue
        prices.alias(name, sheet, row, Decimal(values[VALUE_COL]))
        _validate(ctx, sheet, row, check)
        if name == LABOUR_RATE:
            prices.define((LABOUR_RATE, None), sheet, row, values[VALUE_COL])
    for name, value in settings:
        table.add(["setting", name, "", value, "", "", "", "", "", ""])
    for name, value in scan:
        table.add(["scan", name, "", value, "", "", "", "", "", ""])
    table.finish()
    return prices
