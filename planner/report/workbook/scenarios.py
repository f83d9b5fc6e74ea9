"""Scenarios: one row per plan, its headline figures as formulas over that plan's Summary."""

from __future__ import annotations

from planner.report.workbook.tables import number, write_value
from pricing.present import round_cents

COLUMNS = [  # header, headline name (None: not a formula), style, width
    ("scenario", None, "text", 24), ("target", None, "text", 18),
    ("key strategy", None, "text", 16), ("monthly now", "monthly_now", "currency", 14),
    ("monthly after", "monthly_after", "currency", 14),
    ("one-time", "total_one_time", "currency", 14), ("new keys", "new_keys", "integer", 10),
    ("year 1: the plan", "year_1", "currency", 14),
    ("3 years: the plan", "year_3", "currency", 14),
    ("steady after (month 36)", "monthly_after_steady", "currency", 14),
    ("year 1 doing nothing", "baseline_1y", "currency", 14),
    ("year 1 difference", "delta_1y", "currency", 14),
    ("3 years doing nothing", "baseline_3y", "currency", 14),
    ("3 years difference", "delta_3y", "currency", 14),
]


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


def write_scenarios(book, styles, sheet, headlines: list) -> None:
    """`headlines`: (scenario name, plan, headline -> defined name) per scenario."""
    for col, (header, _, _, width) in enumerate(COLUMNS):
        sheet.write_string(0, col, header, styles.header)
        sheet.set_column(col, col, width)
    for row, (name, plan, names) in enumerate(headlines, start=1):
        texts = [name, plan.settings.target, plan.settings.key_strategy]
        for col, (_, headline, style, _) in enumerate(COLUMNS):
            fmt = getattr(styles, style)
            if headline is None:
                write_value(sheet, row, col, texts[col], fmt, styles)
            else:
                sheet.write_formula(row, col, f"={names[headline]}", fmt,
                                    number(_value(plan, headline)))
    sheet.autofilter(0, 0, max(len(headlines), 1), len(COLUMNS) - 1)
    sheet.freeze_panes(1, 0)
    # A scenario's name and its figures on one printed page: landscape, one page wide, the
    # headers wrapped on two lines rather than each column printed on a page of its own.
    sheet.set_row(0, 30)
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)
    sheet.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.5)
    sheet.print_area(0, 0, max(len(headlines), 1), len(COLUMNS) - 1)
