"""Calibration: the bill's per-key request counts as measured usage (`usage measure --cur`).

Each key's billed requests of a month, by class, go into a usage file with source "cur", so
`kmsplan plan --usage` prices the real volume (the plan spreads a key's measured total over
its resources by their estimates). Free-tier requests are billed on lines of their own
without a key; they are given back to the account's keys in proportion to their symmetric
requests (whole requests, largest remainder), so a key's count is all it received.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from planner.reconcile.bill import FREE_TIER, Bill
from planner.reconcile.compare import pick_month
from pricing.costs import REQUEST_CLASSES, largest_remainder

SOURCE = "cur"
CLASS_OF = {entry: request_class for request_class, (entry, _) in REQUEST_CLASSES.items()}


@dataclass
class Calibration:
    month: str
    keys: dict[str, dict[str, int]]  # key ARN -> request class -> billed requests
    free_unassigned: int  # free-tier requests of accounts with no keyed symmetric line
    requests_without_key: int  # billed request lines that name no key (no resource ids)

    @property
    def window(self) -> str:
        year, month = int(self.month[:4]), int(self.month[5:])
        last = calendar.monthrange(year, month)[1]
        return f"{self.month}-01/{self.month}-{last:02d}"


def _count(quantity: Decimal) -> int:
    return int(quantity.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def calibrate(bill: Bill, month: str | None = None) -> Calibration:
    month = pick_month(bill, month)
    keys: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(REQUEST_CLASSES, 0))
    free: dict[str, int] = defaultdict(int)
    by_account: dict[str, list[str]] = defaultdict(list)
    without_key = 0
    for (line_month, account, _, charge, key), amount in sorted(
            bill.usage.items(), key=lambda item: tuple(str(part) for part in item[0])):
        if line_month != month:
            continue
        if charge == FREE_TIER:
            free[account] += _count(amount.quantity)
        elif charge in CLASS_OF and key is None:
            without_key += _count(amount.quantity)
        elif charge in CLASS_OF:
            keys[key][CLASS_OF[charge]] += _count(amount.quantity)
            if charge == REQUEST_CLASSES["symmetric"][0] and key not in by_account[account]:
                by_account[account].append(key)
    unassigned = 0
    for account, count in sorted(free.items()):
        members = by_account.get(account, [])
        if not members:
            unassigned += count
            continue
        shares = largest_remainder(count, [keys[k]["symmetric"] for k in members])
        for key, share in zip(members, shares, strict=True):
            keys[key]["symmetric"] += share
    return Calibration(month, dict(keys), unassigned, without_key)


def calibration_document(calibration: Calibration, bill: Bill) -> dict:
    """A kmsplan.usage/1 document of the billed counts (read by `plan --usage`)."""
    return {
        "schema": "kmsplan.usage/1",
        "keys": {arn: {"requests": counts, "source": SOURCE, "window": calibration.window}
                 for arn, counts in sorted(calibration.keys.items())},
        "measured": {"source": SOURCE, "export": bill.source, "month": calibration.month,
                     "window": calibration.window,
                     "free_tier_unassigned": calibration.free_unassigned,
                     "requests_without_key": calibration.requests_without_key},
    }
