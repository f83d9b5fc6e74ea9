"""Month by month for three years: keys step up at their 1st and 2nd rotations.

Month m is the m-th calendar month after the scan's. Months are whole: a rotation dated on
or before a month's last day is billed from that month on (AWS prorates it hourly). An
existing key with rotation on rotates at its next rotation date and then every rotation
period; a key with rotation off stays at the rotations it has, and so does a disabled or
pending-deletion key (KMS does not rotate it) unless the plan restores it, in the "after"
column only. Requests and the storage the plan adds stay at their monthly level; one-time
costs fall in month 1. New keys are created in month 1 and rotate yearly from then when
rotation is on.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal

from planner.plan.keys import DAYS_PER_YEAR
from planner.plan.model import ZERO, ForecastMonth, KeyPlan
from planner.plan.resources import AT_RISK_STATES
from pricing import PriceBook, key_cost_lines, total


def month_label(start: dt.datetime, offset: int) -> str:
    index = start.year * 12 + start.month - 1 + offset
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def month_after(start: dt.datetime, offset: int) -> dt.date:
    """The first day after month `offset`: the first day of the calendar month after it."""
    index = start.year * 12 + start.month + offset
    return dt.date(index // 12, index % 12 + 1, 1)


def rotations_by(key: KeyPlan, before: dt.date) -> int:
    """The key's rotations so far plus those scheduled on days before `before`: the next
    rotation date, then one every rotation period."""
    if not key.rotation or key.next_rotation is None or before <= key.next_rotation:
        return key.rotations_now
    period = key.rotation_period_days or DAYS_PER_YEAR
    return key.rotations_now + 1 + ((before - key.next_rotation).days - 1) // period


def _key_month_cost(book: PriceBook, counts: Counter) -> tuple[Decimal, dict]:
    """Cost of key-months grouped by (region, rotations) -> count, and the quantities behind
    it (region -> price book entry -> quantity) for reports that show the arithmetic."""
    cost, units = ZERO, {}
    for (region, r), n in counts.items():
        lines = key_cost_lines(book, keys=n, rotations=r, region=region)
        cost += total(lines)
        for line in lines:
            entries = units.setdefault(region, {})
            entries[line.price_entry] = entries.get(line.price_entry, ZERO) + line.quantity
    return cost, units


def forecast(book: PriceBook, keys: list[KeyPlan], requests_now: Decimal,
             requests_after: Decimal, one_time: Decimal, start: dt.datetime,
             months: int, storage_after: Decimal = ZERO) -> list[ForecastMonth]:
    rows = []
    for month in range(1, months + 1):
        end = month_after(start, month)
        counts_now: Counter = Counter()
        counts_after: Counter = Counter()
        for key in keys:
            if key.manager != "CUSTOMER":
                continue
            if key.status == "proposed":
                rotations = (month - 1) // 12 if key.rotation else 0
                counts_after[(key.region, rotations)] += 1
                continue
            # KMS does not rotate a disabled or pending-deletion key; one the plan restores
            # rotates again, after the plan only.
            rotations = rotations_by(key, end)
            paused = key.state in AT_RISK_STATES
            if key.lines_now:
                counts_now[(key.region, key.rotations_now if paused else rotations)] += 1
            if key.lines_after:
                resumed = not paused or key.restored
                counts_after[(key.region, rotations if resumed else key.rotations_now)] += 1
        keys_now, units_now = _key_month_cost(book, counts_now)
        keys_after, units_after = _key_month_cost(book, counts_after)
        rows.append(ForecastMonth(
            month=month, label=month_label(start, month),
            keys_now=keys_now, requests_now=requests_now,
            keys_after=keys_after, requests_after=requests_after,
            one_time=one_time if month == 1 else ZERO, storage_after=storage_after,
            key_units_now=units_now, key_units_after=units_after,
            key_counts_now=dict(counts_now), key_counts_after=dict(counts_after),
        ))
    return rows
