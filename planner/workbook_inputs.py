"""`--inputs WORKBOOK`: the input cells of a workbook kmsplan wrote (and someone edited), read
back by defined name with openpyxl and laid over the usage and the price book.

Only values that differ from the ones the plan would use anyway are applied (with the
workbook as their provenance), so an unedited workbook re-plans to the same figures. Each value
is checked like the usage file or price book would check it; a bad one is one line naming the
sheet, the cell and the name. Names are those of docs/workbook.md; other names (the Summary's,
a what-if workbook's prefixed ones) are left alone.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import replace
from decimal import Decimal, InvalidOperation
from pathlib import Path

from planner.errors import InputError
from planner.plan.actions import ACTIONS
from planner.usage import PARAMETERS, TYPE_FIELDS, Usage, with_overrides
from pricing import PriceBook

WHOLE = {"free_tier_requests", "rotations_billed_max"}  # counted, so whole numbers


def _name(*parts: str) -> str:
    return "_".join(re.sub(r"\W", "_", part) for part in parts)


USAGE_DEFAULTS = {_name("usage", rtype, field): (rtype, field)
                  for rtype, fields in TYPE_FIELDS.items() for field in fields}
LABOUR_HOURS = {_name("labour_hours", action): action for action in ACTIONS}
# Days are whole numbers like counts (the usage file bounds them more tightly).
NUMERIC_PARAMETERS = {name: "count" if kind == "days" else kind
                      for name, kind in PARAMETERS.items()
                      if kind in ("count", "days", "fraction", "money")}


class _Cell:
    """One named input cell: where it is, for error messages, and its value checked."""

    def __init__(self, path: Path, name: str, sheet: str, ref: str, value: object):
        self.where = f"{path}: sheet {sheet!r}, cell {ref.replace('$', '')} ({name})"
        self.value = value

    def number(self, kind: str = "number") -> Decimal:
        value = self.value
        if value is None:
            raise InputError(f"{self.where}: is empty (or a formula with no saved value): "
                             "give a number")
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            raise InputError(f"{self.where}: must be a number, got {value!r}")
        try:
            # repr: the shortest text of the float the cell holds (0.03, not 0.0299999...)
            number = Decimal(repr(value) if isinstance(value, float) else str(value).strip())
        except InvalidOperation:
            raise InputError(f"{self.where}: {value!r} is not a number") from None
        if not number.is_finite() or number < 0:
            raise InputError(f"{self.where}: must be a non-negative number, got {value!r}")
        if kind == "count" and number != number.to_integral_value():
            raise InputError(f"{self.where}: must be a whole number, got {value!r}")
        if kind == "fraction" and number > 1:
            raise InputError(f"{self.where}: must be between 0 and 1, got {value!r}")
        if kind == "positive" and number == 0:
            raise InputError(f"{self.where}: must be more than 0")
        return number


def read_input_cells(path: str | Path) -> dict[str, _Cell]:
    """Defined name -> its cell, for every single-cell name of the workbook at `path`."""
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    path = Path(path)
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (OSError, InvalidFileException, zipfile.BadZipFile, KeyError) as exc:
        reason = getattr(exc, "strerror", None) or "not a workbook kmsplan wrote (.xlsx)"
        raise InputError(f"{path}: cannot read the inputs workbook: {reason}") from None
    try:
        cells = {}
        for name, defined in book.defined_names.items():
            destinations = list(defined.destinations)
            if len(destinations) != 1 or ":" in destinations[0][1]:
                continue
            sheet, ref = destinations[0]
            if sheet not in book.sheetnames:
                continue
            cells[name] = _Cell(path, name, sheet, ref, book[sheet][ref.replace("$", "")].value)
        return cells
    finally:
        book.close()


def _price_key(name: str, book: PriceBook) -> tuple[str, str | None] | None:
    """(entry, region or None) of a `price_<entry>[_<region>]` or allowance name."""
    if name in WHOLE or name == "hours_per_month":
        return name, None
    if not name.startswith("price_"):
        return None
    entry = name.removeprefix("price_")
    if entry in book.entries:
        return entry, None
    for region in book.regions:
        suffix = "_" + _name(region)
        if entry.endswith(suffix) and entry.removesuffix(suffix) in book.entries:
            return entry.removesuffix(suffix), region
    return None


def _prices(cells: dict[str, _Cell], book: PriceBook, label: str) -> PriceBook:
    entries, overrides = dict(book.entries), {r: dict(e) for r, e in book.region_overrides.items()}
    regional = []
    for name, cell in cells.items():
        key = _price_key(name, book)
        if key is None:
            continue
        entry, region = key
        kind = ("count" if entry in WHOLE else "positive" if entry == "hours_per_month"
                else "number")
        value = cell.number(kind)
        if region is not None:
            regional.append((entry, region, value))
        elif value != book.value(entry):
            entries[entry] = replace(book.entries[entry], value=value, source=label,
                                     unconfirmed=True)
    for entry, region, value in regional:
        # A region's cell (its own price, or a price ASSUMED from another region's reading)
        # is what that region's formulas use: it holds there even when the base cell changed.
        if value != book.value(entry, region) or entries[entry] is not book.entries[entry]:
            overrides[region][entry] = replace(book.entry(entry, region), value=value,
                                               source=label, unconfirmed=True, region=region,
                                               read_in=None)
    return replace(book, entries=entries, region_overrides=overrides)


def _usage(cells: dict[str, _Cell], usage: Usage, label: str) -> Usage:
    defaults: dict[str, dict[str, int]] = {}
    parameters: dict[str, object] = {}
    hours = dict(usage.parameter("labour_hours"))
    for name, cell in cells.items():
        if name in USAGE_DEFAULTS:
            rtype, field = USAGE_DEFAULTS[name]
            value = int(cell.number("count"))
            current = usage.type_defaults.get(rtype, {}).get(field)
            if current is None or current[0] != value:
                defaults.setdefault(rtype, {})[field] = value
        elif name in NUMERIC_PARAMETERS:
            kind = NUMERIC_PARAMETERS[name]
            value = cell.number(kind)
            if value != usage.parameter(name):
                parameters[name] = int(value) if kind == "count" else str(value)
        elif name in LABOUR_HOURS:
            action, value = LABOUR_HOURS[name], cell.number()
            if value != hours.get(action, 0):  # the workbook shows 0 where nothing is set
                hours[action] = value
    if hours != usage.parameter("labour_hours"):
        parameters["labour_hours"] = {action: str(h) for action, h in hours.items()}
    if not defaults and not parameters:
        return usage
    return with_overrides(usage, {"defaults": defaults, "parameters": parameters}, label, label)


def apply_workbook_inputs(path: str | Path, usage: Usage, book: PriceBook
                          ) -> tuple[Usage, PriceBook]:
    """`usage` and `book` with the workbook's edited input cells laid over them."""
    cells = read_input_cells(path)
    if not any(name in cells for name in ("free_tier_requests", "hours_per_month")):
        raise InputError(f"{path}: no kmsplan input cells (free_tier_requests, price_..., "
                         "usage_...): give a workbook written by kmsplan plan")
    label = f"workbook {Path(path).name}"
    return _usage(cells, usage, label), _prices(cells, book, label)
