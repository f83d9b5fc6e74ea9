"""Read KMS list prices from the AWS Price List API (GetProducts, service code awskms).

The caller passes in a boto3 `pricing` client; nothing here creates one. Products are fetched
per region (filtered on the regionCode attribute, because usage types carry either a `USE1-` or
a `us-east-1-` prefix) and matched to price book entries:
- key_month: product family "Encryption Key", unit "Keys" (a price per key-month);
- request classes: the usage type ends with EXACTLY the entry's `usage_type_suffix` (the
  longest that fits), unit "Requests" (a price per request, scaled to the book's 10k unit).
A substring match would not do: "-KMS-Requests" is inside the $12 RSA GenerateDataKeyPair SKU.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from planner import bounds
from planner.errors import InputError
from pricing.book import PriceBookError
from pricing.costs import REQUESTS_PER_UNIT

SERVICE_CODE = "awskms"
KEY_ENTRY, KEY_FAMILY, KEY_UNIT = "key_month", "Encryption Key", "Keys"
REQUEST_UNIT = "Requests"


class PriceListError(RuntimeError):
    """The Price List answered in a shape or with values this reader cannot trust."""


class UnlistedRegionError(PriceBookError):
    """A region the Price List has no KMS prices for (most likely a mistyped name)."""


@dataclass(frozen=True, slots=True)
class ListedPrice:
    entry: str
    region: str
    value: Decimal  # in the price book's unit: per key-month, or per 10,000 requests
    usage_type: str
    effective_from: str  # the OnDemand term's effective date, YYYY-MM-DD
    service_code: str = SERVICE_CODE

    @property
    def source(self) -> str:
        return (f"AWS Price List API (GetProducts, ServiceCode {self.service_code}, "
                f"regionCode {self.region}, usagetype {self.usage_type})")


def fetch_products(client, region: str, service_code: str = SERVICE_CODE,
                   filters: tuple[dict, ...] = ()) -> Iterator[dict]:
    """Every product of a service in one region (and `filters`), parsed, across all pages."""
    paginator = client.get_paginator("get_products")
    pages = paginator.paginate(
        ServiceCode=service_code,
        FormatVersion="aws_v1",
        Filters=[{"Type": "TERM_MATCH", "Field": "regionCode", "Value": region}, *filters],
    )
    for page in pages:
        items = page.get("PriceList")
        if not isinstance(items, list):
            raise PriceListError(f"Price List: {region}: a GetProducts page without its "
                                 "PriceList")
        for item in items:
            try:
                product = json.loads(item) if isinstance(item, str) else item
            except (ValueError, RecursionError):  # not JSON; or an integer past int's limit
                raise PriceListError(f"Price List: {region}: a product that is not JSON: "
                                     f"{str(item)[:60]!r}") from None
            if not isinstance(product, dict):
                raise PriceListError(f"Price List: {region}: a product that is not an object")
            yield product


def _entry_for(family: str, usage_type: str, unit: str, suffixes: Mapping[str, str]) -> str | None:
    if family == KEY_FAMILY and unit == KEY_UNIT:
        return KEY_ENTRY
    matches = [(len(suffix), entry) for entry, suffix in suffixes.items()
               if usage_type.endswith(suffix) and len(usage_type) > len(suffix)]
    return max(matches)[1] if matches else None


def dimensions(product: dict) -> Iterator[tuple[dict, str]]:
    """(price dimension, effective date) of every OnDemand term of a product."""
    for term in product.get("terms", {}).get("OnDemand", {}).values():
        effective = str(term.get("effectiveDate", ""))[:10]
        for dimension in term.get("priceDimensions", {}).values():
            yield dimension, effective


def usd_price(dimension: dict, usage_type: str) -> Decimal:
    raw = dimension.get("pricePerUnit", {}).get("USD")
    try:
        value = Decimal(str(raw))
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite() or value < 0:
        raise PriceListError(f"Price List: {usage_type}: unusable USD price {raw!r}")
    try:
        return bounds.number(value, bounds.PRICE, f"Price List: {usage_type}: USD price")
    except InputError as exc:
        raise PriceListError(str(exc)) from None


def check_date(effective: str, usage_type: str) -> None:
    try:
        dt.date.fromisoformat(effective)
    except ValueError:
        raise PriceListError(f"Price List: {usage_type}: effectiveDate {effective!r} is not "
                             "a date") from None


def region_prices(client, region: str, suffixes: Mapping[str, str]) -> dict[str, ListedPrice]:
    """The listed price of each entry found for `region` (entries not listed are left out).

    `suffixes` maps request entries to their usage-type suffix (from the base price book).
    """
    found: dict[str, set[ListedPrice]] = {}
    products = 0
    for product in fetch_products(client, region):
        attributes = product.get("product", {}).get("attributes", {})
        if attributes.get("regionCode") != region:
            continue  # "Global-KMS-Requests" (the free tier, location Any) has no regionCode
        products += 1
        family = product.get("product", {}).get("productFamily", "")
        usage_type = attributes.get("usagetype", "")
        for dimension, effective in dimensions(product):
            entry = _entry_for(family, usage_type, dimension.get("unit", ""), suffixes)
            if entry is None:
                continue
            if entry != KEY_ENTRY and dimension.get("unit") != REQUEST_UNIT:
                raise PriceListError(f"Price List: {usage_type}: unit {dimension.get('unit')!r}"
                                     f", expected {REQUEST_UNIT!r}")
            scale = 1 if entry == KEY_ENTRY else REQUESTS_PER_UNIT
            value = (usd_price(dimension, usage_type) * scale).normalize()
            check_date(effective, usage_type)
            found.setdefault(entry, set()).add(
                ListedPrice(entry, region, value, usage_type, effective))
    if not products:
        raise UnlistedRegionError(f"--regions: the Price List has no KMS prices for {region!r}")
    return {entry: one_price(entry, region, listed) for entry, listed in found.items()}


def one_price(entry: str, region: str, listed: set[ListedPrice]) -> ListedPrice:
    """Usage types that differ only by prefix (USE1-, us-east-1-) must agree on the price."""
    values = {price.value for price in listed}
    if len(values) > 1:
        usage_types = ", ".join(sorted({price.usage_type for price in listed}))
        prices = ", ".join(str(value) for value in sorted(values))
        raise PriceListError(f"Price List: {region}: {entry}: different prices {prices} "
                             f"from usage types {usage_types}")
    # Prefer the earliest-sorting usage type and date so the output does not flip between runs.
    return min(listed, key=lambda price: (price.usage_type, price.effective_from))
