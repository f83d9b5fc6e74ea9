"""Scenarios: one row per plan, its headline figures as formulas over that plan's Summary;
below, each scenario's difference against the base (formulas over the rows above) and a
chart of the 3-year figures. Fits one printed page."""

from __future__ import annotations

from dataclasses import dataclass

from xlsxwriter.utility import xl_col_to_name

from planner.report.workbook.tables import number, print_setup, wrapped_height, write_value
from pricing.present import round_cents

TEXT_COLUMNS = [("scenario", 22), ("what changed", 30), ("sheets", 11), ("target", 16),
                ("key strategy", 14)]
FIGURES = [  # header, headline name, style, width, in the differences block
    ("monthly now", "monthly_now", "currency", 12, True),
    ("monthly after", "monthly_after", "currency", 12, True),
    ("one-time", "total_one_time", "currency", 13, True),
    ("new keys", "new_keys", "integer", 8, True),
    ("year 1: the plan", "year_1", "currency", 13, True),
    ("3 years: the plan", "year_3", "currency", 13, True),
    ("steady after (month 36)", "monthly_after_steady", "currency", 12, True),
    ("year 1 doing nothing", "baseline_1y", "currency", 13, False),
    ("year 1 difference", "delta_1y", "currency", 13, False),
    ("3 years doing nothing", "baseline_3y", "currency", 13, False),
    ("3 years difference", "delta_3y", "currency", 13, False),
]
FIRST = len(TEXT_COLUMNS)  # the first figure's column


@dataclass(frozen=True)
class ScenarioRow:
    name: str
    changes: str
    prefix: str
    target: str
    key_strategy: str
    names: dict  # headline -> defined name
    values: dict  # headline -> the value its Summary cell caches


def _value(plan, name: str):
    """The value the Summary cell `name` caches (monthly totals and differences in cents)."""
    return {"monthly_now": round_cents(plan.monthly_now),
            "monthly_after": round_cents(plan.monthly_after),
            "total_one_time": plan.one_time, "new_keys": plan.new_keys,
            "year_1": plan.year_total(1), "year_3": plan.year_total(3),
            "monthly_after_steady": plan.monthly_after_steady,
            "baseline_1y": plan.baseline_total(1), "baseline_3y": plan.baseline_total(3),
            "delta_1y": round_cents(plan.year_total(1)) - round_cents(plan.baseline_total(1)),
            "delta_3y": round_cents(plan.year_total(3)) - round_cents(plan.baseline_total(3)),
            }[name]


def scenario_row(name: str, changes: str, prefix: str, plan, names: dict) -> ScenarioRow:
    """What the Scenarios sheet needs of a plan, so the plan itself can be let go."""
    return ScenarioRow(name, changes, prefix.strip(), plan.settings.target,
                       plan.settings.key_strategy, names,
                       {headline: _value(plan, headline) for _, headline, *_ in FIGURES})


def write_scenarios(book, styles, sheet, rows: list[ScenarioRow], footer: str = "") -> None:
    headers = [h for h, _ in TEXT_COLUMNS] + [f[0] for f in FIGURES]
    widths = [w for _, w in TEXT_COLUMNS] + [f[3] for f in FIGURES]
    for col, (header, width) in enumerate(zip(headers, widths, strict=True)):
        sheet.write_string(0, col, header, styles.header)
        sheet.set_column(col, col, width)
    for row, r in enumerate(rows, start=1):
        texts = [r.name, r.changes, r.prefix, r.target, r.key_strategy]
        for col, text in enumerate(texts):
            write_value(sheet, row, col, text, styles.wrap if col == 1 else styles.text, styles)
        height = wrapped_height(r.changes, TEXT_COLUMNS[1][1])
        if height:
            sheet.set_row(row, height)
        for i, (_, headline, style, _, _) in enumerate(FIGURES):
            sheet.write_formula(row, FIRST + i, f"={r.names[headline]}",
                                getattr(styles, style), number(r.values[headline]))
    last = max(len(rows), 1)
    sheet.autofilter(0, 0, last, len(headers) - 1)
    sheet.freeze_panes(1, 1)
    bottom = _differences(sheet, styles, rows, last + 2)
    bottom = _chart(book, sheet, rows, bottom + 1)
    # The name, the changes and the figures on one printed page.
    sheet.set_row(0, 30)
    print_setup(sheet, footer)
    sheet.fit_to_pages(1, 1)
    sheet.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.5)
    sheet.print_area(0, 0, bottom, len(headers) - 1)


def _differences(sheet, styles, rows: list[ScenarioRow], top: int) -> int:
    """Each scenario less the base (the first row), per figure; returns the last row used."""
    sheet.write_string(top, 0, "Difference against the base (the first row)", styles.label)
    sheet.write_string(top + 1, 0, "scenario", styles.header)
    for i, figure in enumerate(FIGURES):
        if figure[4]:
            sheet.write_string(top + 1, FIRST + i, figure[0], styles.header)
    row = top + 1
    for index, r in enumerate(rows[1:], start=2):
        row += 1
        sheet.write_string(row, 0, r.name, styles.text)
        for i, (_, headline, style, _, shown) in enumerate(FIGURES):
            if shown:
                letter = xl_col_to_name(FIRST + i)
                sheet.write_formula(row, FIRST + i, f"={letter}{index + 1}-{letter}2",
                                    getattr(styles, style),
                                    number(r.values[headline] - rows[0].values[headline]))
    return row


def _chart(book, sheet, rows: list[ScenarioRow], top: int) -> int:
    """Bars of the 3 years, doing nothing and the plan, per scenario; returns the row below."""
    if not rows:
        return top
    name = sheet.get_name()
    chart = book.add_chart({"type": "bar"})
    count = len(rows)
    for headline, label, colour in (("baseline_3y", "3 years doing nothing", "#A5A5A5"),
                                    ("year_3", "3 years: the plan (with one-time)", "#2E75B6")):
        col = FIRST + [f[1] for f in FIGURES].index(headline)
        chart.add_series({"name": label, "categories": [name, 1, 0, count, 0],
                          "values": [name, 1, col, count, col],
                          "fill": {"color": colour}})
    chart.set_title({"name": "3 years per scenario: doing nothing and the plan"})
    chart.set_legend({"position": "bottom"})
    chart.set_x_axis({"num_format": "$#,##0"})
    height = 120 + 40 * count
    chart.set_size({"width": 900, "height": height})
    sheet.insert_chart(top, 0, chart)
    return top + height // 20 + 1
