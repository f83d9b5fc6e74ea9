"""Table sheets: a header, rows, an Excel table, frozen header and widths; rows past a sheet's
limit continue on "<name> (2)", "<name> (3)", ... which say so in their first row."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell
from xlsxwriter.worksheet import Worksheet

from planner.report.safety import FORMULA_TRIGGERS, MAX_CELL_CHARS, cell_text

MAX_ROWS = 1_048_576  # rows in an Excel or LibreOffice sheet


FUNCTION = re.compile(r"\b([A-Z][A-Z0-9.]*)\(")
PLAIN_FUNCTIONS = frozenset({"SUM", "SUMIFS", "IF", "MIN", "ROUND"})


class _NoCells(dict):
    """A cell map that keeps nothing (see PlanSheet)."""

    def __setitem__(self, key, value) -> None:
        pass


class PlanSheet(Worksheet):
    """A worksheet that skips XlsxWriter's rewriting of newer Excel functions (about 100
    regular expressions per formula) for formulas that use only SUM, SUMIFS, IF, MIN and
    ROUND: a third of the write time of a large plan. It also keeps no per-cell map of its
    table's range (XlsxWriter's check that tables do not overlap: an entry per cell, gigabytes
    for a million rows); a plan sheet holds at most one table."""

    def __init__(self):
        super().__init__()
        self.table_cells = _NoCells()

    def _prepare_formula(self, formula, expand_future_functions=False):
        if set(FUNCTION.findall(formula)) <= PLAIN_FUNCTIONS:
            # As XlsxWriter does: no array braces, no leading "=".
            return formula.removeprefix("{").removeprefix("=").removesuffix("}")
        return super()._prepare_formula(formula, expand_future_functions)


@dataclass(frozen=True, slots=True)
class Formula:
    """A formula and the value the plan computed for it (stored as the cached result).
    `{r}` in the text stands for the row the formula is written on (1-based)."""

    text: str
    value: Decimal | float | int


@dataclass(frozen=True, slots=True)
class Column:
    header: str
    width: float
    style: str = "text"


@dataclass
class Context:
    """What the sheets of one plan share: the workbook, styles, row limit and name prefixes."""

    book: object
    styles: object
    max_rows: int = MAX_ROWS
    prefix: str = ""  # sheet name prefix ("" for a single plan's workbook)
    names: str = ""  # defined-name prefix

    def sheet_name(self, base: str) -> str:
        return f"{self.prefix}{base}"

    def add_sheet(self, base: str):
        return self.book.add_worksheet(self.sheet_name(base), worksheet_class=PlanSheet)


def quoted(sheet: str) -> str:
    return "'" + sheet.replace("'", "''") + "'"


def cell_ref(sheet: str, row: int, col: int) -> str:
    """An absolute reference to a cell on `sheet` (0-based row and column)."""
    return f"{quoted(sheet)}!{xl_rowcol_to_cell(row, col, True, True)}"


def sum_of(ranges: list[str]) -> str:
    return f"SUM({','.join(ranges)})" if ranges else "0"


def sum_cells(cells: list[tuple[str, int]], col: int) -> str:
    """SUM over cells of column `col` (given as (sheet, row)), one range per sheet: a run of
    consecutive rows may cross onto a continuation sheet."""
    by_sheet: dict[str, list[int]] = {}
    for sheet, row in cells:
        by_sheet.setdefault(sheet, []).append(row)
    letter = xl_col_to_name(col)
    return sum_of([f"{quoted(sheet)}!${letter}${min(rows) + 1}:${letter}${max(rows) + 1}"
                   for sheet, rows in by_sheet.items()])


def number(value) -> float | int:
    return float(value) if isinstance(value, Decimal) else value


def write_value(sheet, row: int, col: int, value, style, styles) -> None:
    if isinstance(value, Formula):
        sheet.write_formula(row, col, value.text.replace("{r}", str(row + 1)), style,
                            number(value.value))
    elif isinstance(value, str):
        value = cell_text(value)
        if value.startswith(FORMULA_TRIGGERS):
            sheet.write_string(row, col, value, styles.guarded)
        else:
            sheet.write_string(row, col, value, style)
    elif isinstance(value, bool):
        sheet.write_string(row, col, "yes" if value else "no", style)
    elif value is None:
        sheet.write_blank(row, col, None, style)
    else:
        sheet.write_number(row, col, number(value), style)


class Table:
    """One logical table written over as many sheets as its rows need."""

    def __init__(self, ctx: Context, base: str, columns: list[Column], rows: int):
        if ctx.max_rows < 3:
            raise ValueError("a sheet needs room for a note, a header and a row")
        self.ctx, self.base, self.columns = ctx, base, unique_headers(columns)
        self.styles = [getattr(ctx.styles, c.style) for c in columns]
        first = ctx.max_rows - 1
        rest = ctx.max_rows - 2
        parts = 1 if rows <= first else 2 + (rows - first - 1) // rest
        self.parts = []  # [sheet name, worksheet, header row, rows written]
        for index in range(parts):
            name = ctx.sheet_name(self.base if index == 0 else f"{self.base} ({index + 1})")
            sheet = ctx.book.add_worksheet(name, worksheet_class=PlanSheet)
            self.parts.append([name, sheet, 0 if index == 0 else 1, 0])
        self.capacity = [first] + [rest] * (parts - 1)
        self.part = 0
        self.rows = rows

    @property
    def sheet_names(self) -> list[str]:
        return [part[0] for part in self.parts]

    def add(self, values: list, styles: dict | None = None) -> tuple[str, int]:
        """Write one row (`styles`: column -> style for this row only); return its sheet name
        and 0-based row."""
        if self.parts[self.part][3] >= self.capacity[self.part]:
            self.part += 1
        part = self.parts[self.part]
        name, sheet, header, written = part
        row = header + 1 + written
        part[3] += 1
        # XlsxWriter's undecorated writers: the public ones re-check their arguments on every
        # cell, a tenth of the time of a large workbook. Same cells, same result.
        put_string, put_number = sheet._write_string, sheet._write_number
        guarded, excel_row = self.ctx.styles.guarded, str(row + 1)
        row_styles = self.styles
        if styles:
            row_styles = [styles.get(col, style) for col, style in enumerate(row_styles)]
        for col, value in enumerate(values):
            style = row_styles[col]
            kind = type(value)
            if kind is str:
                if value:  # an empty text cell is left out
                    if len(value) > MAX_CELL_CHARS or not value.isascii():
                        value = cell_text(value)
                    put_string(row, col, value,
                               guarded if value.startswith(FORMULA_TRIGGERS) else style)
            elif kind is Formula:
                sheet._write_formula(row, col, value.text.replace("{r}", excel_row), style,
                                     number(value.value))
            elif kind is bool:
                put_string(row, col, "yes" if value else "no", style)
            elif value is not None:
                put_number(row, col, float(value) if kind is Decimal else value, style)
        return name, row

    def ranges(self, col: int) -> list[str]:
        """Absolute references to column `col`'s data, one per sheet that has rows."""
        letter = xl_col_to_name(col)
        return [f"{quoted(name)}!${letter}${header + 2}:${letter}${header + 1 + written}"
                for name, _, header, written in self.parts if written]

    def position(self, index: int) -> tuple[str, int]:
        """The sheet and 0-based row that data row `index` (0-based) is or will be written on,
        so that other tables can refer to a row before it is written."""
        for (name, _, header, _), capacity in zip(self.parts, self.capacity, strict=True):
            if index < capacity:
                return name, header + 1 + index
            index -= capacity
        raise IndexError("row beyond the table")

    def planned_ranges(self, col: int) -> list[str]:
        """`ranges(col)` as it will be once all the table's rows are written."""
        letter, left, ranges = xl_col_to_name(col), self.rows, []
        for (name, _, header, _), capacity in zip(self.parts, self.capacity, strict=True):
            count = min(left, capacity)
            if count:
                first, last = header + 2, header + 1 + count
                ranges.append(f"{quoted(name)}!${letter}${first}:${letter}${last}")
            left -= count
        return ranges

    def finish(self) -> None:
        styles = self.ctx.styles
        for index, (name, sheet, header, written) in enumerate(self.parts):
            if index:
                sheet.write_string(0, 0, f"Continued from sheet {self.parts[index - 1][0]!r}: "
                                   "a sheet holds at most "
                                   f"{self.ctx.max_rows:,} rows.", styles.warning)
            if index + 1 < len(self.parts):
                sheet.write_comment(header, 0, f"Continues on sheet {self.parts[index + 1][0]!r}.")
            for col, column in enumerate(self.columns):
                sheet.set_column(col, col, column.width)
            if styles.styled and written:
                sheet.add_table(header, 0, header + written, len(self.columns) - 1, {
                    "name": table_name(self.ctx.names, name),
                    "style": "Table Style Light 9",
                    "columns": [{"header": c.header, "header_format": styles.header}
                                for c in self.columns],
                })
            else:
                for col, column in enumerate(self.columns):
                    sheet.write_string(header, col, column.header, styles.header)
                sheet.autofilter(header, 0, header + written, len(self.columns) - 1)
            sheet.freeze_panes(header + 1, 0)


def unique_headers(columns: list[Column]) -> list[Column]:
    """Excel tables need non-empty headers, unique regardless of case, on one line (tag keys
    such as "Env" and "env" become columns)."""
    seen: set[str] = set()
    result = []
    for column in columns:
        header = " ".join(column.header.split()) or "column"
        base, n = header, 1
        while header.casefold() in seen:
            n += 1
            header = f"{base} ({n})"
        seen.add(header.casefold())
        result.append(Column(header, column.width, column.style))
    return result


def table_name(prefix: str, sheet: str) -> str:
    return "T_" + re.sub(r"\W", "_", f"{prefix}{sheet}")
