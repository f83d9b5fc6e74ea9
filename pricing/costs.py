"""Pure cost functions: (quantities, price book) -> cost lines. Decimal throughout, no rounding.

Naming follows Infracost: a stable plural name with the variable part in brackets.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from pricing.book import PriceBook

# Request classes, in the order reports list them, with the price book entry and line name.
REQUEST_CLASSES: dict[str, tuple[str, str]] = {
    "symmetric": ("requests_symmetric", "Requests (symmetric)"),
    "asymmetric_rsa2048": ("requests_asymmetric_rsa2048", "Requests (asymmetric RSA 2048)"),
    "asymmetric": ("requests_asymmetric", "Requests (asymmetric)"),
    "gdkp_ecc": ("requests_gdkp_ecc", "Requests (GenerateDataKeyPair ECC)"),
    "gdkp_rsa": ("requests_gdkp_rsa", "Requests (GenerateDataKeyPair RSA)"),
    "hmac": ("requests_hmac", "Requests (HMAC)"),
}
REQUESTS_PER_UNIT = Decimal(10_000)  # request prices are per 10,000
# Keys in these states are not billed (KMS bills pending deletion as if never scheduled only
# when the deletion is cancelled).
UNBILLED_KEY_STATES = frozenset({"PendingDeletion", "PendingReplicaDeletion"})
ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class CostLine:
    """One priced quantity. `cost` is exact; round only when presenting."""

    name: str
    unit: str
    quantity: Decimal
    unit_price: Decimal
    price_entry: str  # the price book entry the unit price came from
    source: str
    free_quantity: Decimal = ZERO  # free-tier units already taken off `quantity`

    @property
    def cost(self) -> Decimal:
        return self.quantity * self.unit_price


def total(lines: Iterable[CostLine]) -> Decimal:
    return sum((line.cost for line in lines), ZERO)


def _line(book: PriceBook, entry: str, name: str, quantity: Decimal, region: str | None,
          free_quantity: Decimal = ZERO) -> CostLine:
    price = book.entry(entry, region)
    return CostLine(name, price.unit, quantity, price.value, entry, price.source, free_quantity)


def ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th, ... 11th, 12th, 13th, 21st (a user's book may bill many rotations)."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def rotations_billed(book: PriceBook, rotations: int) -> int:
    """How many of a key's rotations carry a monthly surcharge."""
    return min(max(rotations, 0), int(book.value("rotations_billed_max")))


def key_cost_lines(
    book: PriceBook,
    *,
    keys: int | Decimal = 1,
    rotations: int = 0,
    hours: Decimal | int | None = None,
    state: str = "Enabled",
    manager: str = "CUSTOMER",
    region: str | None = None,
) -> list[CostLine]:
    """Monthly cost of `keys` customer managed keys that each existed `hours` this month.

    AWS managed and AWS owned keys cost nothing; a key pending deletion costs nothing; a
    disabled key costs as much as an enabled one. Each multi-Region replica is a key of its own.
    """
    if manager != "CUSTOMER" or state in UNBILLED_KEY_STATES or not keys:
        return []
    month = book.value("hours_per_month")
    fraction = Decimal(1) if hours is None else min(Decimal(hours), month) / month
    key_months = Decimal(keys) * fraction
    if key_months <= 0:
        return []
    lines = [_line(book, "key_month", "Customer managed keys", key_months, region)]
    for index in range(rotations_billed(book, rotations)):
        name = f"Key rotations ({ordinal(index + 1)})"
        lines.append(_line(book, "rotation_month", name, key_months, region))
    return lines


def free_tier_classes(book: PriceBook) -> tuple[str, ...]:
    return book.entry("free_tier_requests").applies_to


def request_cost_lines(
    book: PriceBook,
    counts: Mapping[str, int],
    free: Mapping[str, int] | None = None,
    region: str | None = None,
) -> list[CostLine]:
    """Monthly request cost lines for `counts` (class -> requests), less `free` requests."""
    free = free or {}
    lines = []
    for request_class, (entry, name) in REQUEST_CLASSES.items():
        count = counts.get(request_class, 0)
        if count < 0:
            raise ValueError(f"request count for {request_class} is negative: {count}")
        if not count:
            continue
        waived = free.get(request_class, 0)
        if waived > count:
            raise ValueError(f"free requests for {request_class} exceed the requests made")
        lines.append(_line(book, entry, name, Decimal(count - waived) / REQUESTS_PER_UNIT,
                           region, Decimal(waived) / REQUESTS_PER_UNIT))
    return lines


@dataclass(frozen=True)
class FreeTierShare:
    """The free tier of one billing scope, shared out over its parts (keys, accounts, ...)."""

    allowance: int
    applied: int  # never more than the allowance, nor more than the eligible requests
    per_part: list[dict[str, int]]  # part index -> class -> free requests


def share_free_tier(book: PriceBook, parts: Sequence[Mapping[str, int]]) -> FreeTierShare:
    """Apply one free-tier allowance to all `parts` of a billing scope.

    The rule: the allowance covers eligible requests up to its size, and each (part, class)
    gets a share in proportion to its eligible requests, in whole requests by largest
    remainder (ties to the earlier part), so the shares add up to exactly what was applied.
    """
    allowance = int(book.value("free_tier_requests"))
    eligible = free_tier_classes(book)
    cells = [(i, c, parts[i].get(c, 0)) for i in range(len(parts)) for c in eligible]
    cells = [cell for cell in cells if cell[2] > 0]
    eligible_total = sum(count for _, _, count in cells)
    applied = min(allowance, eligible_total)
    per_part: list[dict[str, int]] = [{} for _ in parts]
    if applied == 0:
        return FreeTierShare(allowance, 0, per_part)
    shares = largest_remainder(applied, [count for _, _, count in cells])
    for (i, c, _), share in zip(cells, shares, strict=True):
        if share:
            per_part[i][c] = share
    return FreeTierShare(allowance, applied, per_part)


def largest_remainder(total: int, weights: Sequence[int]) -> list[int]:
    """`total` in whole parts proportional to `weights`, adding up exactly: each part gets
    its floor, and the units left go to the largest remainders (ties to the earlier part).
    All-zero weights share equally."""
    if not weights:
        return []
    weight_sum = sum(weights)
    if weight_sum == 0:
        weights, weight_sum = [1] * len(weights), len(weights)
    parts = [divmod(total * w, weight_sum) for w in weights]
    shares = [whole for whole, _ in parts]
    left = total - sum(shares)
    for i in sorted(range(len(parts)), key=lambda i: (-parts[i][1], i))[:left]:
        shares[i] += 1
    return shares


def monthly_cost_lines(
    book: PriceBook,
    *,
    keys: int = 0,
    rotations: int = 0,
    requests: Mapping[str, int] | None = None,
    region: str | None = None,
) -> tuple[list[CostLine], FreeTierShare]:
    """The calculator: keys and requests of one billing scope for one month."""
    requests = requests or {}
    share = share_free_tier(book, [requests])
    lines = key_cost_lines(book, keys=keys, rotations=rotations, region=region)
    lines += request_cost_lines(book, requests, share.per_part[0], region)
    return lines, share
