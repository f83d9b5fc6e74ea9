"""Rounding for presentation: once, at the end, and the rounded parts still add up."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def round_cents(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def allocate_cents(amounts: Sequence[Decimal]) -> list[Decimal]:
    """Round each amount to cents so that the results add up to the rounded total.

    Largest remainder: floor every amount, then give the missing cents to the amounts that
    lost the most (ties to the earlier one).
    """
    target = round_cents(sum(amounts, Decimal(0)))
    floors = [a.quantize(CENT, rounding=ROUND_FLOOR) for a in amounts]
    missing = int((target - sum(floors, Decimal(0))) / CENT)
    order = sorted(range(len(amounts)), key=lambda i: (-(amounts[i] - floors[i]), i))
    for i in order[:missing]:
        floors[i] += CENT
    return floors


def present_lines(lines: Sequence) -> tuple[list[Decimal], Decimal]:
    """Each line's cost in cents and the total, adding up exactly."""
    cents = allocate_cents([line.cost for line in lines])
    return cents, sum(cents, Decimal(0))
