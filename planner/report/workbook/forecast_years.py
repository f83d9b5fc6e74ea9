"""Beside the Forecast table: each year and the 3 years per cost column, with a rounding row
so that the months as shown (in cents) add up to the year as shown, and the years to the 3
years; the break-even month; a chart of the cumulative cost, doing nothing vs the plan.

Every figure is a formula over the Forecast's months, with the plan's value cached: a year
is its exact months rounded once to cents, as the CLI and the JSON summary give it."""

from __future__ import annotations

from xlsxwriter.utility import xl_rowcol_to_cell

from planner.plan.model import ZERO, Plan
from planner.report.workbook.tables import Table, number, print_beside, sum_cells
from pricing.present import round_cents

# (column header on Forecast, ForecastMonth attribute) of the cost columns the block adds up.
COST_COLUMNS = (("keys now", "keys_now"), ("requests now", "requests_now"),
                ("total now", "now"), ("keys after", "keys_after"),
                ("requests after", "requests_after"), ("storage after", "storage_after"),
                ("one-time", "one_time"), ("total after", "after"))
YEARS = 3
NO_MONTH = 99  # MIN(IF(...)) of no month: a month the forecast does not have
NONE_TEXT = "none in 36 months"
LABEL_WIDTH = 34
CHART_ROWS = 17  # rows of 20 pixels under the 300-pixel chart, with its top margin


def break_even_month(plan: Plan) -> int | None:
    """The first month whose cumulative cost with the plan is at or below doing nothing's
    (in cents), or None."""
    now = after = ZERO
    for m in plan.forecast:
        now, after = now + m.now, after + m.after
        if round_cents(now - after) >= 0:
            return m.month
    return None


def write_forecast_years(table: Table, plan: Plan, months: list) -> None:
    """Write the block right of the Forecast table, on its first sheet."""
    if not months:
        return
    sheet, s = table.parts[0][1], table.ctx.styles
    col_of = {c.header: i for i, c in enumerate(table.columns)}
    left = len(table.columns) + 1  # one empty column between the table and the block
    sheet.set_column(left, left, LABEL_WIDTH)
    sheet.set_column(left + 1, left + len(COST_COLUMNS), 12)
    sheet.write_row(0, left, ["By year (months as shown + rounding = year)",
                              *(h for h, _ in COST_COLUMNS)], s.header)
    sheet.set_row(0, 30)
    year_rows = []
    for y in range(YEARS):
        span = months[12 * y: 12 * (y + 1)]
        rounding_row, total_row = 1 + 2 * y, 2 + 2 * y
        first, last = 12 * y + 1, 12 * y + len(span)
        sheet.write_string(rounding_row, left, f"Year {y + 1}: rounding to cents", s.note)
        sheet.write_string(total_row, left, f"Year {y + 1} (months {first}-{last})", s.label)
        for i, (header, attr) in enumerate(COST_COLUMNS, start=1):
            values = [getattr(m, attr) for m in plan.forecast[12 * y: 12 * (y + 1)]]
            exact = sum(values, ZERO)
            shown = sum((round_cents(v) for v in values), ZERO)
            ranges = _ranges(span, col_of[header])
            as_shown = "+".join(f"SUMPRODUCT(ROUND({r},2))" for r in ranges) or "0"
            sheet.write_formula(rounding_row, left + i, f"=ROUND({sum_cells(span, col_of[header])}"
                                f",2)-({as_shown})", s.currency,
                                number(round_cents(exact) - shown))
            sheet.write_formula(total_row, left + i, f"=ROUND({sum_cells(span, col_of[header])},2)",
                                s.total, number(round_cents(exact)))
        year_rows.append(total_row)
    rounding_row, total_row = 1 + 2 * YEARS, 2 + 2 * YEARS
    sheet.write_string(rounding_row, left, "3 years: rounding to cents", s.note)
    sheet.write_string(total_row, left, f"3 years (months 1-{len(months)})", s.label)
    for i, (header, attr) in enumerate(COST_COLUMNS, start=1):
        years = [sum((getattr(m, attr) for m in plan.forecast[12 * y: 12 * (y + 1)]), ZERO)
                 for y in range(YEARS)]
        whole = sum((getattr(m, attr) for m in plan.forecast), ZERO)
        cells = "+".join(xl_rowcol_to_cell(row, left + i) for row in year_rows)
        sheet.write_formula(rounding_row, left + i, f"=ROUND({sum_cells(months, col_of[header])}"
                            f",2)-({cells})", s.currency,
                            number(round_cents(whole) - sum(map(round_cents, years), ZERO)))
        rounding = xl_rowcol_to_cell(rounding_row, left + i)
        sheet.write_formula(total_row, left + i, f"={cells}+{rounding}", s.total,
                            number(round_cents(whole)))
    _break_even(table, plan, months, sheet, total_row + 2, left)
    # Landscape: the months on the first page, the block and its chart on the next.
    print_beside(sheet, [c.width for c in table.columns], len(table.columns))
    sheet.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.5)
    sheet.print_area(0, 0, max(table.parts[0][3], total_row + 5 + CHART_ROWS),
                     left + len(COST_COLUMNS))


def _ranges(cells: list, col: int) -> list[str]:
    """The ranges of sum_cells(cells, col), one per sheet, for functions other than SUM."""
    text = sum_cells(cells, col)
    return text[len("SUM("):-1].split(",") if text.startswith("SUM(") else []


def _break_even(table: Table, plan: Plan, months: list, sheet, row: int, left: int) -> None:
    s = table.ctx.styles
    col_of = {c.header: i for i, c in enumerate(table.columns)}
    month_r = _ranges(months, col_of["month"])
    now_r = _ranges(months, col_of["cumulative now"])
    after_r = _ranges(months, col_of["cumulative after"])
    tests = ",".join(f"IF(ROUND({n}-{a},2)>=0,{m},{NO_MONTH})"
                     for m, n, a in zip(month_r, now_r, after_r, strict=True))
    found = break_even_month(plan)
    sheet.write_string(row, left, "Break-even month", s.label)
    # Unwrapped, over the empty cells to its right: a taller row would open a gap in the
    # month table beside it.
    sheet.write_string(row + 1, left, "the first month the plan's cumulative cost is at or "
                       "below doing nothing's", s.subtitle)
    sheet.write_array_formula(row, left + 1, row, left + 1,
                              f"{{=IF(MIN({tests})={NO_MONTH},\"{NONE_TEXT}\",MIN({tests}))}}",
                              s.integer, found if found is not None else NONE_TEXT)
    if len(table.parts) == 1:  # a chart's series lie on one sheet
        _chart(table, months, sheet, row + 3, left)


def _chart(table: Table, months: list, sheet, row: int, left: int) -> None:
    name = table.parts[0][0]
    col_of = {c.header: i for i, c in enumerate(table.columns)}
    first, last = months[0][1], months[-1][1]
    chart = table.ctx.book.add_chart({"type": "line"})
    for header, label, colour in (("cumulative now", "doing nothing", "#A5A5A5"),
                                  ("cumulative after", "the plan (with one-time)", "#2E75B6")):
        chart.add_series({"name": label, "categories": [name, first, 0, last, 0],
                          "values": [name, first, col_of[header], last, col_of[header]],
                          "line": {"color": colour, "width": 2.25}})
    chart.set_title({"name": "Cumulative cost over 36 months", "name_font": {"size": 11}})
    chart.set_x_axis({"name": "month", "interval_unit": 3})
    chart.set_y_axis({"num_format": "$#,##0", "major_gridlines": {
        "visible": True, "line": {"color": "#D9D9D9"}}})
    chart.set_legend({"position": "bottom"})
    chart.set_size({"width": 620, "height": 300})
    sheet.insert_chart(row, left, chart)

