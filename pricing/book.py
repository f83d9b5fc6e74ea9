"""Load and validate a price book: every price and allowance, with where it came from.

A price book is a YAML file (schema kmsplan.pricebook/1). Entries hold either a `price` (USD,
a decimal string) or a `quantity` (an allowance such as the free tier), plus provenance.
Regions may override an entry's price. Nothing here fetches anything.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from importlib import resources
from pathlib import Path

from planner import bounds
from planner.errors import InputError
from planner.yamlfile import parse_yaml, read_text

SCHEMA = "kmsplan.pricebook/1"
BUNDLED = "aws-kms-us.yaml"

# Every entry the cost model needs; a book missing one cannot price.
REQUIRED_ENTRIES = (
    "key_month",
    "rotation_month",
    "rotations_billed_max",
    "hours_per_month",
    "requests_symmetric",
    "requests_asymmetric_rsa2048",
    "requests_asymmetric",
    "requests_gdkp_ecc",
    "requests_gdkp_rsa",
    "requests_hmac",
    "free_tier_requests",
    "ebs_snapshot_gb_month",
    "rds_backup_gb_month",
    "ebs_volume_gb_month",
    "rds_storage_gb_month",
    "aurora_storage_gb_month",
    "s3_batch_job",
    "s3_batch_million_objects",
    "s3_put_1k",
    "s3_standard_gb_month",
    "s3_dsse_gb",
    # one-time copies of the storage services (planner/plan/stores.py, remediation.py)
    "efs_standard_gb_month",
    "datasync_gb",
    "fsx_backup_gb_month",
)
# Entries older books carry that no figure uses any more: read and left out, so that every
# price the Assumptions sheet shows feeds a figure.
RETIRED_ENTRIES = frozenset({"s3_get_1k"})
_TOP_FIELDS = {"schema", "name", "currency", "read_on", "entries", "regions"}
_ENTRY_FIELDS = {
    "price", "quantity", "unit", "description", "source", "read_on", "effective_from",
    "unconfirmed", "usage_type_suffix", "applies_to", "read_in",
}
_OVERRIDE_FIELDS = {"price", "source", "read_on"}
# Allowances and parameters (`quantity`); every other entry is a `price`. The cost model counts
# rotations and free requests in whole numbers and divides by the hours in a month.
_QUANTITY_ENTRIES = {"rotations_billed_max", "hours_per_month", "free_tier_requests"}
_WHOLE_QUANTITIES = {"rotations_billed_max", "free_tier_requests"}


class PriceBookError(ValueError):
    """A price book that cannot be used; the message names the file and the field."""


@dataclass(frozen=True, slots=True)
class PriceEntry:
    name: str
    value: Decimal  # a price in USD per unit, or an allowance for quantity entries
    unit: str
    description: str
    source: str
    read_on: str
    effective_from: str
    unconfirmed: bool = False
    is_price: bool = True
    usage_type_suffix: str | None = None
    applies_to: tuple[str, ...] = ()
    region: str | None = None  # set when a region override supplied the value
    read_in: str | None = None  # the one region the price was read for; None: all regions

    def assumed_in(self, region: str | None) -> bool:
        """Whether this price is used in `region` though it was read for another region."""
        return (self.read_in is not None and self.region is None and region is not None
                and region != self.read_in)


@dataclass(frozen=True)
class PriceBook:
    path: str
    name: str
    currency: str
    read_on: str
    entries: dict[str, PriceEntry]
    region_overrides: dict[str, dict[str, PriceEntry]]

    def entry(self, name: str, region: str | None = None) -> PriceEntry:
        """The entry for `name`, with the region's override when it has one."""
        if region is not None:
            if region not in self.region_overrides:
                raise PriceBookError(f"{self.path}: the price book has no region {region!r}")
            override = self.region_overrides[region].get(name)
            if override is not None:
                return override
        try:
            return self.entries[name]
        except KeyError:
            raise PriceBookError(f"{self.path}: no entry {name!r}") from None

    def value(self, name: str, region: str | None = None) -> Decimal:
        return self.entry(name, region).value

    @property
    def regions(self) -> list[str]:
        return list(self.region_overrides)

    def with_prices(self, changes: dict[str, str | Decimal], label: str) -> PriceBook:
        """A copy with some entries' values replaced in every region (what-if price
        overrides): a region's own override of a changed entry gives way to the change."""
        entries = dict(self.entries)
        for name, raw in changes.items():
            if name not in entries:
                raise PriceBookError(f"{label}: unknown price book entry {name!r}")
            value = _checked(name, _decimal(raw, f"{label}: {name}"), f"{label}: {name}")
            # The scenario's price holds for every region: no longer one region's reading.
            entries[name] = replace(entries[name], value=value, source=label, unconfirmed=True,
                                    read_in=None)
        overrides = {region: {n: e for n, e in over.items() if n not in changes}
                     for region, over in self.region_overrides.items()}
        return replace(self, entries=entries, region_overrides=overrides)


def _decimal(raw: object, where: str) -> Decimal:
    if isinstance(raw, bool) or not isinstance(raw, (str, int, Decimal)):
        raise PriceBookError(f"{where}: must be a decimal string such as \"0.03\", got {raw!r}")
    try:
        value = Decimal(str(raw))
    except InvalidOperation:
        raise PriceBookError(f"{where}: {raw!r} is not a number") from None
    if not value.is_finite():
        raise PriceBookError(f"{where}: {raw!r} is not a finite number")
    if value < 0:
        raise PriceBookError(f"{where}: {raw!r} is negative")
    return value


def _checked(name: str, value: Decimal, where: str) -> Decimal:
    """Values the cost model would divide by or count with must make sense."""
    if name in _WHOLE_QUANTITIES and value != value.to_integral_value():
        raise PriceBookError(f"{where}: {value} is not a whole number")
    if name == "hours_per_month" and value == 0:
        raise PriceBookError(f"{where}: must be more than 0")
    limit = bounds.QUANTITY if name in _QUANTITY_ENTRIES else bounds.PRICE
    return bounds.number(value, limit, where, PriceBookError)


def _date(raw: object, where: str) -> str:
    text = raw.isoformat() if isinstance(raw, dt.date) else raw
    if not isinstance(text, str):
        raise PriceBookError(f"{where}: must be a date YYYY-MM-DD, got {raw!r}")
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        raise PriceBookError(f"{where}: {text!r} is not a date YYYY-MM-DD") from None
    bounds.moment(text, where, PriceBookError)
    return text


def _text(raw: object, where: str) -> str:
    if not isinstance(raw, str) or not raw.strip():
        raise PriceBookError(f"{where}: must be non-empty text")
    return raw


def _parse_entry(name: str, raw: object, where: str) -> PriceEntry:
    if not isinstance(raw, dict):
        raise PriceBookError(f"{where}: must be a mapping")
    unknown = set(raw) - _ENTRY_FIELDS
    if unknown:
        raise PriceBookError(f"{where}: unknown field {sorted(unknown)[0]!r}")
    has_price, has_quantity = "price" in raw, "quantity" in raw
    if has_price == has_quantity:
        raise PriceBookError(f"{where}: needs exactly one of 'price' or 'quantity'")
    field = "price" if has_price else "quantity"
    expected = "quantity" if name in _QUANTITY_ENTRIES else "price"
    if field != expected:
        raise PriceBookError(f"{where}: needs {expected!r}, not {field!r}")
    for required in ("unit", "source", "read_on", "effective_from"):
        if required not in raw:
            raise PriceBookError(f"{where}: missing field {required!r}")
    applies_to = raw.get("applies_to", [])
    if not isinstance(applies_to, list) or not all(isinstance(a, str) for a in applies_to):
        raise PriceBookError(f"{where}.applies_to: must be a list of request classes")
    for request_class in applies_to:
        if f"requests_{request_class}" not in REQUIRED_ENTRIES:
            raise PriceBookError(f"{where}.applies_to: unknown request class {request_class!r}")
    suffix = raw.get("usage_type_suffix")
    if suffix is not None:
        _text(suffix, f"{where}.usage_type_suffix")
    unconfirmed = raw.get("unconfirmed", False)
    if not isinstance(unconfirmed, bool):
        raise PriceBookError(f"{where}.unconfirmed: must be true or false")
    return PriceEntry(
        name=name,
        value=_checked(name, _decimal(raw[field], f"{where}.{field}"), f"{where}.{field}"),
        unit=_text(raw["unit"], f"{where}.unit"),
        description=str(raw.get("description", "")),
        source=_text(raw["source"], f"{where}.source"),
        read_on=_date(raw["read_on"], f"{where}.read_on"),
        effective_from=_date(raw["effective_from"], f"{where}.effective_from"),
        unconfirmed=unconfirmed,
        is_price=has_price,
        usage_type_suffix=suffix,
        applies_to=tuple(applies_to),
        read_in=_text(raw["read_in"], f"{where}.read_in") if "read_in" in raw else None,
    )


def _parse_override(base: PriceEntry, region: str, raw: object, where: str) -> PriceEntry:
    if not isinstance(raw, dict):
        raw = {"price": raw}
    unknown = set(raw) - _OVERRIDE_FIELDS
    if unknown:
        raise PriceBookError(f"{where}: unknown field {sorted(unknown)[0]!r}")
    if "price" not in raw:
        raise PriceBookError(f"{where}: missing field 'price'")
    return replace(
        base,
        value=_checked(base.name, _decimal(raw["price"], f"{where}.price"), f"{where}.price"),
        source=_text(raw.get("source", base.source), f"{where}.source"),
        read_on=_date(raw.get("read_on", base.read_on), f"{where}.read_on"),
        region=region,
    )


def parse_price_book(data: object, path: str) -> PriceBook:
    if not isinstance(data, dict):
        raise PriceBookError(f"{path}: a price book is a mapping with 'schema' and 'entries'")
    unknown = set(data) - _TOP_FIELDS
    if unknown:
        raise PriceBookError(f"{path}: unknown field {sorted(unknown)[0]!r}")
    if data.get("schema") != SCHEMA:
        raise PriceBookError(f"{path}: schema must be {SCHEMA!r}, got {data.get('schema')!r}")
    currency = data.get("currency", "USD")
    if currency != "USD":
        raise PriceBookError(f"{path}: currency: only USD is supported, got {currency!r}")
    raw_entries = data.get("entries")
    if not isinstance(raw_entries, dict):
        raise PriceBookError(f"{path}: entries: must be a mapping of entry name to entry")
    entries = {}
    for name, raw in raw_entries.items():
        if name in RETIRED_ENTRIES:
            continue
        if name not in REQUIRED_ENTRIES:
            raise PriceBookError(f"{path}: entries.{name}: unknown entry")
        entries[name] = _parse_entry(name, raw, f"{path}: entries.{name}")
    missing = [name for name in REQUIRED_ENTRIES if name not in entries]
    if missing:
        raise PriceBookError(f"{path}: entries: missing entry {missing[0]!r}")
    raw_regions = data.get("regions")
    if not isinstance(raw_regions, dict) or not raw_regions:
        raise PriceBookError(f"{path}: regions: must map each priced region to its overrides")
    overrides: dict[str, dict[str, PriceEntry]] = {}
    for region, raw_over in raw_regions.items():
        raw_over = raw_over or {}
        if not isinstance(raw_over, dict):
            raise PriceBookError(f"{path}: regions.{region}: must be a mapping")
        overrides[region] = {}
        for name, raw in raw_over.items():
            where = f"{path}: regions.{region}.{name}"
            if name in RETIRED_ENTRIES:
                continue
            if name not in entries:
                raise PriceBookError(f"{where}: unknown entry")
            overrides[region][name] = _parse_override(entries[name], region, raw, where)
    return PriceBook(
        path=path,
        name=str(data.get("name", Path(path).name)),
        currency=currency,
        read_on=_date(data.get("read_on", ""), f"{path}: read_on"),
        entries=entries,
        region_overrides=overrides,
    )


def load_price_book(path: str | Path | None = None) -> PriceBook:
    """The bundled price book, or a user's own at `path`."""
    data, label = read_price_book_data(path)
    return parse_price_book(data, label)


def read_price_book_data(path: str | Path | None = None) -> tuple[object, str]:
    """The raw YAML data of a price book (not yet validated) and the label errors name it by."""
    if path is None:
        ref = resources.files("pricing") / "data" / BUNDLED
        text, label = ref.read_text(encoding="utf-8"), f"bundled price book {BUNDLED}"
    else:
        label = str(path)
    try:
        if path is not None:
            text = read_text(path, "price book")
        return parse_yaml(text, label), label
    except InputError as exc:  # the one-line reason, as the price book's own error
        raise PriceBookError(str(exc)) from None
