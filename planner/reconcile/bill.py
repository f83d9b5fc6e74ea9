"""What the bill says about KMS for a month: quantities and costs per account, region, charge
and key, with the lines left out (credits, refunds, taxes, Savings Plans) counted apart.

Charges are told from the usage type by its suffix after the full region code
(`eu-west-1-KMS-Requests-Asymmetric`): the request suffixes come from the price book's
`usage_type_suffix`, the longest that fits wins ("-KMS-Requests" is inside every other).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from planner.reconcile.formats import DISCOUNT_TYPES, USAGE_TYPES
from pricing import PriceBook

KEY_CHARGE = "key_month"
KEY_USAGE_SUFFIX = "-KMS-Keys"  # key-months (and rotation surcharges: one usage type)
FREE_TIER = "free_tier"
OTHER = "other"  # a KMS usage type no price book entry names (CloudHSM key store, ...)
DISCOUNT = "discount"
GLOBAL = "global"  # the free tier is one allowance per account across regions
FREE_TIER_SIGN = "free tier"  # in the line description, any case
REGION_CODE = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d+$")
ZERO = Decimal(0)


@dataclass
class Amount:
    quantity: Decimal = ZERO
    cost: Decimal = ZERO
    lines: int = 0

    def add(self, quantity: Decimal, cost: Decimal, lines: int) -> None:
        self.quantity += quantity
        self.cost += cost
        self.lines += lines


@dataclass
class Bill:
    """KMS charges of one source, per month. Keys: (month, account, region, charge, key)."""

    source: str  # "legacy CUR s3://...", "Cost Explorer", ...
    format: str
    usage: dict[tuple, Amount] = field(default_factory=lambda: defaultdict(Amount))
    # (month, line type) -> lines and cost left out of the comparison
    excluded: dict[tuple, Amount] = field(default_factory=lambda: defaultdict(Amount))
    lines_read: int = 0  # every line of the export, KMS or not
    resource_ids: bool = True  # False: the export carries no key ARNs (Cost Explorer)
    warnings: list[str] = field(default_factory=list)

    def months(self) -> list[str]:
        return sorted({key[0] for key in self.usage})


def charge_of(usage_type: str, suffixes: dict[str, str]) -> tuple[str | None, str]:
    """(region or None, charge) of a KMS usage type; `suffixes` maps suffix -> entry name."""
    for suffix, entry in suffixes.items():  # longest first
        if usage_type.endswith(suffix):
            prefix = usage_type[: -len(suffix)]
            return (prefix if REGION_CODE.match(prefix) else None), entry
    return None, OTHER


def request_suffixes(book: PriceBook) -> dict[str, str]:
    """Usage-type suffix -> charge, longest first, from the price book's request entries."""
    found = {entry.usage_type_suffix: name for name, entry in book.entries.items()
             if entry.usage_type_suffix}
    found[KEY_USAGE_SUFFIX] = KEY_CHARGE
    return dict(sorted(found.items(), key=lambda item: -len(item[0])))


def key_arn_of(resource: str | None) -> str | None:
    """The key ARN a line's resource id names, or None (free tier lines, exports without ids)."""
    if resource and resource.startswith("arn:") and ":key/" in resource:
        return resource
    return None


class BillBuilder:
    """Adds grouped export rows to a Bill: one call per distinct group, not per line."""

    def __init__(self, bill: Bill, book: PriceBook):
        self.bill = bill
        self.suffixes = request_suffixes(book)

    def add(self, *, month: str, line_type: str, account: str, usage_type: str,
            resource: str | None, region: str | None, free: bool, quantity: Decimal,
            cost: Decimal, lines: int, discount: Decimal = ZERO) -> None:
        if line_type in DISCOUNT_TYPES:
            found_region, _ = charge_of(usage_type or "", self.suffixes)
            where = (month, account, found_region or region or GLOBAL, DISCOUNT, None)
            self.bill.usage[where].add(ZERO, cost, lines)
            return
        if line_type not in USAGE_TYPES:
            self.bill.excluded[(month, line_type or "(none)")].add(quantity, cost, lines)
            return
        found_region, charge = charge_of(usage_type or "", self.suffixes)
        region = found_region or region or GLOBAL
        key = key_arn_of(resource)
        if free and cost == 0 and charge != KEY_CHARGE:
            where = (month, account, GLOBAL, FREE_TIER, None)
        else:
            where = (month, account, region, charge, key)
        self.bill.usage[where].add(quantity, cost, lines)
        if discount:
            self.bill.usage[(month, account, region, DISCOUNT, None)].add(ZERO, discount, 0)
