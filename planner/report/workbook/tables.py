"""Table sheets: a header, rows, an Excel table, frozen header and widths; rows past a sheet's
limit continue on "<name> (2)", "<name> (3)", ... which say so in their first row."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell, xl_rowcol_to_cell_fast
from xlsxwriter.worksheet import CellFormulaTuple, CellNumberTuple, CellStringTuple, Worksheet

from planner.report.safety import FORMULA_TRIGGERS, MAX_CELL_CHARS, cell_text

MAX_ROWS = 1_048_576  # rows in an Excel or LibreOffice sheet
# A table longer than this is streamed to disk row by row (StreamedSheet): XlsxWriter keeps
# every cell of an ordinary sheet in memory until the file is closed.
STREAM_ROWS = 50_000
# A row of wrapped text: neither XlsxWriter nor LibreOffice sizes a row to its text, and the
# next row would print over it. A column's width counts about as many characters.
LINE_HEIGHT = 15  # points, a line of the default font
MAX_LINES = 8


def wrapped_height(text: str, width: float) -> int | None:
    """The height, in points, of a row whose `width`-wide cell wraps `text`; None for one
    line (the default height)."""
    lines = min(MAX_LINES, 1 + (len(text) - 1) // max(1, int(width))) if text else 1
    return LINE_HEIGHT * lines if lines > 1 else None


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

    def _write_cell(self, row: int, col: int, cell) -> None:
        """XlsxWriter's innermost loop, for the three kinds of cell a plan sheet is made of
        (a formatted number, shared string or formula with a numeric result): the same XML,
        without escaping attributes that never need it. A test compares the files byte for
        byte with XlsxWriter's own; anything else goes to XlsxWriter."""
        kind, style = type(cell), cell.format
        if style is None or (kind is CellStringTuple and self.constant_memory):
            super()._write_cell(row, col, cell)
        elif kind is CellNumberTuple:
            self.fh.write(f'<c r="{xl_rowcol_to_cell_fast(row, col)}" '
                          f's="{style._get_xf_index()}"><v>{cell.number:.16G}</v></c>')
        elif kind is CellStringTuple:
            self.fh.write(f'<c r="{xl_rowcol_to_cell_fast(row, col)}" '
                          f's="{style._get_xf_index()}" t="s"><v>{cell.string}</v></c>')
        elif kind is CellFormulaTuple and type(cell.value) in (int, float):
            formula = cell.formula
            if "&" in formula or "<" in formula or ">" in formula:
                formula = formula.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            self.fh.write(f'<c r="{xl_rowcol_to_cell_fast(row, col)}" '
                          f's="{style._get_xf_index()}"><f>{formula}</f><v>{cell.value}</v></c>')
        else:
            super()._write_cell(row, col, cell)

    def _prepare_formula(self, formula, expand_future_functions=False):
        if set(FUNCTION.findall(formula)) <= PLAIN_FUNCTIONS:
            # As XlsxWriter does: no array braces, no leading "=".
            return formula.removeprefix("{").removeprefix("=").removesuffix("}")
        return super()._prepare_formula(formula, expand_future_functions)


class StreamedSheet(PlanSheet):
    """A plan sheet in XlsxWriter's constant_memory mode: each row goes to a temporary file
    once the next one starts, so memory does not grow with the rows. Rows must be written in
    order (the note and the header first), and XlsxWriter cannot add an Excel table: the
    sheet gets a filter on its header instead."""

    def _initialize(self, init_data) -> None:
        super()._initialize({**init_data, "constant_memory": True})

    # Text goes to the shared string table as on an ordinary sheet: XlsxWriter's inline
    # strings escape every cell's text again (accounts, regions and actions repeat on every
    # row), which made a streamed sheet slower to write than a kept one.
    def _write_string(self, row, col, string, cell_format=None):
        if row > self.previous_row:
            self._write_single_row(row)
        self.constant_memory = False
        try:
            return super()._write_string(row, col, string, cell_format)
        finally:
            self.constant_memory = True

    def _write_single_row(self, current_row_num=0) -> None:
        written = self.previous_row
        self.constant_memory = False  # write string cells as shared strings
        try:
            super()._write_single_row(current_row_num)
        finally:
            self.constant_memory = True
        # XlsxWriter keeps a row's set_row() height after writing the row: let it go too.
        self.row_info.pop(written, None)


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
    stream_rows: int = STREAM_ROWS
    prefix: str = ""  # sheet name prefix ("" for a single plan's workbook)
    names: str = ""  # defined-name prefix
    footer: str = ""  # right of every printed page's footer: the scan's date

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

    def __init__(self, ctx: Context, base: str, columns: list[Column], rows: int,
                 streamable: bool = True, totals: bool = False):
        """`streamable`: False for a sheet that gets cells beside its rows after them;
        `totals`: the table ends with a Total row (finish), for which a sheet keeps room."""
        if ctx.max_rows < 3:
            raise ValueError("a sheet needs room for a note, a header and a row")
        self.ctx, self.base, self.columns = ctx, base, unique_headers(columns)
        self.styles = [getattr(ctx.styles, c.style) for c in columns]
        self.wrapped = [(i, c.width) for i, c in enumerate(columns) if c.style == "wrap"]
        first = ctx.max_rows - 1
        rest = ctx.max_rows - 2
        lines = rows + totals  # the Total row may need a continuation sheet of its own
        parts = 1 if lines <= first else 2 + (lines - first - 1) // rest
        self.streamed = streamable and rows > ctx.stream_rows
        self.parts = []  # [sheet name, worksheet, header row, rows written]
        for index in range(parts):
            name = ctx.sheet_name(self.base if index == 0 else f"{self.base} ({index + 1})")
            sheet = ctx.book.add_worksheet(
                name, worksheet_class=StreamedSheet if self.streamed else PlanSheet)
            self.parts.append([name, sheet, 0 if index == 0 else 1, 0])
        if self.streamed:  # a streamed sheet's rows go in order: note and header first
            for index, (_name, sheet, header, _) in enumerate(self.parts):
                if index:
                    sheet.write_string(0, 0, self._continued_note(index), ctx.styles.warning)
                self._write_header(sheet, header)
                self._continues_note(index)
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
        heights = [wrapped_height(values[col], width) for col, width in self.wrapped
                   if type(values[col]) is str]
        if any(heights):
            sheet.set_row(row, max(h for h in heights if h))
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

    def _continued_note(self, index: int) -> str:
        return (f"Continued from sheet {self.parts[index - 1][0]!r}: a sheet holds at most "
                f"{self.ctx.max_rows:,} rows.")

    def _continues_note(self, index: int) -> None:
        if index + 1 < len(self.parts):
            _name, sheet, header, _ = self.parts[index]
            sheet.write_comment(header, 0, f"Continues on sheet {self.parts[index + 1][0]!r}.")

    def _write_header(self, sheet, header: int) -> None:
        for col, column in enumerate(self.columns):
            sheet.write_string(header, col, column.header, self.ctx.styles.header)

    def finish(self, totals: dict[int, object] | None = None,
               freeze_cols: int = 0) -> None:
        """Filters, widths, frozen panes, print setup; `totals`: column -> the value its SUM
        gives, for a "Total" row below the last row; `freeze_cols`: columns kept in view."""
        styles = self.ctx.styles
        last = max((i for i, part in enumerate(self.parts) if part[3]), default=None)
        if totals and last is not None:
            if self.parts[last][3] >= self.capacity[last]:  # full: the room kept after it
                last += 1
            _name, sheet, header, written = self.parts[last]
            row = header + 1 + written
            sheet.write_string(row, 0, "Total", styles.label)
            for col, value in totals.items():
                money = self.columns[col].style in ("currency", "link")
                sheet.write_formula(row, col, "=" + sum_of(self.ranges(col)),
                                    styles.total if money else styles.total_count, number(value))
        for index, (name, sheet, header, written) in enumerate(self.parts):
            if not self.streamed:  # a streamed sheet has them from the start
                if index:
                    sheet.write_string(0, 0, self._continued_note(index), styles.warning)
                self._continues_note(index)
            for col, column in enumerate(self.columns):
                sheet.set_column(col, col, column.width)
            if self.streamed:
                sheet.autofilter(header, 0, header + written, len(self.columns) - 1)
            elif styles.styled and written:
                sheet.add_table(header, 0, header + written, len(self.columns) - 1, {
                    "name": table_name(self.ctx.names, name),
                    "style": "Table Style Light 9",
                    "columns": [{"header": c.header, "header_format": styles.header}
                                for c in self.columns],
                })
            else:
                self._write_header(sheet, header)
                sheet.autofilter(header, 0, header + written, len(self.columns) - 1)
            sheet.freeze_panes(header + 1, freeze_cols)
            width = sum(column.width for column in self.columns)
            print_setup(sheet, self.ctx.footer, header, width, freeze_cols)


# Column width units that still print legibly across one landscape A4 page (in Excel about 150
# fit at 100%, so this is a scale of about 65%; fewer in LibreOffice, see PAGE_PIXELS). A wider
# table fits to as many pages across as it needs.
PAGE_WIDTH = 230
# Pixels (by Excel's rule for column widths) across a landscape A4 page with 0.4 inch margins
# at 100%: 1,045 in Excel; LibreOffice's substitute font (DejaVu Sans for Calibri) draws
# columns wider, and it fits 800 to 850 (measured on the Forecast: at 58%, 15 columns of 1,380
# pixels fit and 16 of 1,476 did not).
PAGE_PIXELS = 780


def print_setup(sheet, footer: str, header: int | None = None, width: float = 0,
                keep_cols: int = 0) -> None:
    """Landscape A4, fit to the width (one page, or as many pages across as keep the text
    legible, each repeating the first `keep_cols` columns), the header row on every page,
    and a footer with the sheet's name, the page and the scan's date."""
    sheet.set_landscape()
    sheet.set_paper(9)  # A4; Letter users' printers scale it
    across = max(1, -(-int(width) // PAGE_WIDTH))
    sheet.fit_to_pages(across, 0)
    if across > 1 and keep_cols:
        sheet.repeat_columns(0, keep_cols - 1)
    if header is not None:
        sheet.repeat_rows(header)
    sheet.set_footer(f"&L&A&CPage &P of &N&R{footer.replace('&', '&&')}")


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


def print_beside(sheet, widths: list[float], beside_col: int) -> None:
    """A table with a block beside it (the Forecast's years and chart): the table on its own
    page across, at the scale that fits its columns (`widths`), the block from the next page
    on. Fit to width would shrink both onto one page, too small to read."""
    pixels = sum(width * 7 + 5 for width in widths)  # a column `width` wide, as Excel draws it
    sheet.set_print_scale(max(10, min(100, int(PAGE_PIXELS * 100 / max(pixels, 1)))))
    sheet.set_v_pagebreaks([beside_col])
