"""One set of bounds for every number and date read from a file or an AWS answer.

A number outside what AWS can produce (a 1e30-request month, an 8-exabyte volume, a price of
1e308 dollars) is a typing slip or a hostile file, and left alone it overflows Decimal contexts,
spreadsheet cells or date arithmetic far from where it was read. Each reader checks its figures
here, and the message names the field. docs/limits.md lists these bounds for users.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from planner.errors import InputError


@dataclass(frozen=True)
class Bound:
    """An inclusive range for one kind of figure."""

    what: str
    low: Decimal
    high: Decimal
    whole: bool = False


def _bound(what: str, low: str, high: str, whole: bool = False) -> Bound:
    return Bound(what, Decimal(low), Decimal(high), whole)


# Sizes: S3 buckets have no hard limit; an exabyte (1e9 GB) is beyond any real estate.
SIZE_GB = _bound("a size in GB", "0", "1e9")
BYTES = _bound("a size in bytes", "0", "1e18")
# Objects in a bucket, requests in a month, events, connections: well past any account.
COUNT = _bound("a count", "0", "1e15", whole=True)
# One unit price or allowance in the price book (USD per unit, or a quantity).
PRICE = _bound("a price in USD", "0", "1e6")
QUANTITY = _bound("a quantity", "0", "1e15")
MONEY_RATE = _bound("an amount in USD", "0", "1e6")  # labour per hour
HOURS = _bound("a number of hours", "0", "1e6")
DAYS = _bound("a number of days", "0", "36500", whole=True)
FRACTION = _bound("a fraction", "0", "1")
MULTIPLIER = _bound("a multiplier", "0", "1e6")
# KMS allows 90 to 2560 days between automatic rotations; rotations so far are far fewer.
ROTATIONS = _bound("a number of rotations", "0", "100000", whole=True)

# Dates: nothing in AWS predates 2006 (S3's launch); a date after 2100 is a slip.
EARLIEST = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
LATEST = dt.datetime(2100, 12, 31, 23, 59, 59, tzinfo=dt.UTC)
DATE_RANGE = f"{EARLIEST.date()} to {LATEST.date()}"


def check(value: object, bound: Bound, where: str, error: type = InputError) -> None:
    """Raise as `number` does unless `value` is inside `bound`; a plain int or float inside
    it costs two comparisons (an inventory holds hundreds of thousands of figures)."""
    kind = type(value)
    if (kind is int or (kind is float and not bound.whole)) and \
            bound.low <= value <= bound.high:
        return
    number(value, bound, where, error)


def number(value: object, bound: Bound, where: str, error: type = InputError) -> Decimal:
    """`value` (an int, a decimal string, a Decimal or a float) as a Decimal inside `bound`."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
        raise error(f"{where}: must be {bound.what}, got {_shown(value)}")
    if isinstance(value, float) and not math.isfinite(value):
        raise error(f"{where}: must be a finite number, got {value!r}")
    if isinstance(value, int) and value.bit_length() > 64:
        raise error(f"{where}: must be {bound.what} from {_plain(bound.low)} to "
                    f"{_plain(bound.high)}, got {_shown(value)}")
    text = value.strip() if isinstance(value, str) else value
    if isinstance(text, str) and len(text) > 64:
        raise error(f"{where}: must be {bound.what}, got text of {len(text)} characters")
    try:
        figure = Decimal(str(text)) if not isinstance(text, Decimal) else text
    except InvalidOperation:
        raise error(f"{where}: {_shown(value)} is not a number") from None
    if not figure.is_finite():
        raise error(f"{where}: must be a finite number, got {_shown(value)}")
    if not bound.low <= figure <= bound.high:
        raise error(f"{where}: must be {bound.what} from {_plain(bound.low)} to "
                    f"{_plain(bound.high)}, got {_shown(value)}")
    if bound.whole and figure != figure.to_integral_value():
        raise error(f"{where}: must be a whole number, got {_shown(value)}")
    return figure


def whole(value: object, bound: Bound, where: str, error: type = InputError) -> int:
    """A whole number inside `bound`; only ints are accepted (not 2.0, not "2")."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise error(f"{where}: must be a whole number, got {_shown(value)}")
    return int(number(value, bound, where, error))


def moment(value: object, where: str, error: type = InputError) -> dt.datetime:
    """An ISO 8601 date or time (text, or a parsed date) inside the date range, as UTC."""
    if isinstance(value, dt.datetime):
        parsed = value
    elif isinstance(value, dt.date):
        parsed = dt.datetime(value.year, value.month, value.day)
    elif isinstance(value, str) and len(value) <= 40:
        try:
            parsed = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            raise error(f"{where}: {_shown(value)} is not an ISO 8601 date or time") from None
    else:
        raise error(f"{where}: must be an ISO 8601 date or time, got {_shown(value)}")
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    try:
        parsed = parsed.astimezone(dt.UTC)
    except OverflowError:
        raise error(f"{where}: must be a date from {DATE_RANGE}, got {_shown(value)}") from None
    if not EARLIEST <= parsed <= LATEST:
        raise error(f"{where}: must be a date from {DATE_RANGE}, got {_shown(value)}")
    return parsed


def _plain(value: Decimal) -> str:
    return f"{value:,f}" if value < 10**7 else f"{value:.0e}".replace("+", "")


def _shown(value: object) -> str:
    """The value in a message, cut short (a 5,000-digit number is not repeated back)."""
    if isinstance(value, int) and value.bit_length() >= 200:
        return "a huge integer"
    text = str(value) if isinstance(value, Decimal) else repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
