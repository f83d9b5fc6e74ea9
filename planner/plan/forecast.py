"""Month by month for three years: keys step up at their 1st and 2nd rotations.

Months are whole: a rotation that falls inside a month is billed from that month on (AWS
prorates it hourly). Requests stay at their monthly level; one-time costs fall in month 1.
New keys are created in month 1 and rotate yearly from then when rotation is on.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal

from planner.plan.keys import DAYS_PER_YEAR, rotations_at
from planner.plan.model import ZERO, ForecastMonth, KeyPlan
from pricing import PriceBook, key_cost_lines, total

DAYS_PER_MONTH = Decimal(DAYS_PER_YEAR) / 12


def month_label(start: dt.datetime, offset: int) -> str:
    index = start.year * 12 + start.month - 1 + offset
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def _key_month_cost(book: PriceBook, counts: Counter) -> Decimal:
    """Cost of key-months grouped by (region, billed rotations, count)."""
    return sum((total(key_cost_lines(book, keys=n, rotations=r, region=region))
                for (region, r), n in counts.items()), ZERO)


def forecast(book: PriceBook, keys: list[KeyPlan], requests_now: Decimal,
             requests_after: Decimal, one_time: Decimal, start: dt.datetime,
             months: int) -> list[ForecastMonth]:
    rows = []
    for month in range(1, months + 1):
        elapsed = int(DAYS_PER_MONTH * month)
        counts_now: Counter = Counter()
        counts_after: Counter = Counter()
        for key in keys:
            if key.manager != "CUSTOMER":
                continue
            if key.status == "proposed":
                rotations = (month - 1) // 12 if key.rotation else 0
                counts_after[(key.region, rotations)] += 1
                continue
            age = None if key.age_days is None else key.age_days + elapsed
            rotations = max(rotations_at(age, key.rotation), key.rotations_now)
            if key.lines_now:
                counts_now[(key.region, rotations)] += 1
            if key.lines_after:
                counts_after[(key.region, rotations)] += 1
        rows.append(ForecastMonth(
            month=month, label=month_label(start, month),
            keys_now=_key_month_cost(book, counts_now), requests_now=requests_now,
            keys_after=_key_month_cost(book, counts_after), requests_after=requests_after,
            one_time=one_time if month == 1 else ZERO,
        ))
    return rows
