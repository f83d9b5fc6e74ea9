"""`prices refresh`: a new price book whose list prices come from the AWS Price List API.

It starts from a base book (the bundled one, or the caller's) and changes only what the Price
List carries: key_month, the request entries that have a `usage_type_suffix`, and the storage
and S3 entries of pricing/storage_prices.py. The first region asked for sets each entry's
price; another region whose listed price differs gets a region override. Base regions that were
not refreshed keep the prices they had (pinned as an override when the entry's price moved),
except where that price was itself assumed (an entry `read_in` one region): those stay assumed,
now from the first region, which becomes the entry's `read_in`. Everything the API does not
carry (rotation surcharge and cap, free tier, hours a month, S3 Standard storage, DSSE) is the
base book's, unchanged. The result is checked like any price book before it is returned; the
caller writes it and a person reviews the diff.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import yaml

from pricing.book import PriceBook, PriceBookError, parse_price_book, read_price_book_data
from pricing.pricelist import KEY_ENTRY, SERVICE_CODE, ListedPrice, region_prices
from pricing.storage_prices import STORAGE_PRICES, storage_prices

CENT = Decimal("0.01")


@dataclass(frozen=True)
class RefreshedBook:
    data: dict
    text: str  # the YAML to write
    notes: list[str]  # what a reviewer should know, e.g. an entry a region does not list


def refresh_price_book(client, regions: Sequence[str], today: dt.date,
                       base: str | Path | None = None) -> RefreshedBook:
    """Read `regions` from the Price List through `client` and merge them into `base`."""
    if not regions:
        raise PriceBookError("--regions: name at least one region")
    raw, label = read_price_book_data(base)
    base_book = parse_price_book(raw, label)
    suffixes = {name: entry.usage_type_suffix for name, entry in base_book.entries.items()
                if entry.usage_type_suffix}
    listed = {region: region_prices(client, region, suffixes) for region in regions}
    left_out: dict[tuple[str, str], str] = {}  # (region, entry) -> why it was not read
    for region in regions:
        base_prices = {name: base_book.value(name, region) for name in STORAGE_PRICES}
        found, why = storage_prices(client, region, base_prices)
        listed[region].update(found)
        left_out |= {(region, name): note for name, note in why.items()}
    data, notes = merge(raw, base_book, listed, [KEY_ENTRY, *suffixes, *STORAGE_PRICES],
                        today.isoformat(), left_out)
    services = ", ".join([SERVICE_CODE,
                          *dict.fromkeys(spec.service for spec in STORAGE_PRICES.values())])
    header = (
        f"Written by `kmsplan prices refresh` on {today.isoformat()} from the AWS Price List API\n"
        f"(ServiceCodes {services}; regions {', '.join(regions)}), starting from {label}.\n"
        "KMS key and request prices, and EBS, RDS, Aurora, S3 COPY and S3 Batch Operations\n"
        "prices, come from the API where it lists them; every other entry is the base book's.\n"
        "Review the diff against the base book before you use it."
    )
    text = dump_price_book(data, header)
    parse_price_book(yaml.safe_load(text), "the refreshed price book")  # it must load back
    return RefreshedBook(data, text, notes)


def merge(raw: dict, base: PriceBook, listed: Mapping[str, Mapping[str, ListedPrice]],
          names: Sequence[str], today: str,
          left_out: Mapping[tuple[str, str], str] | None = None) -> tuple[dict, list[str]]:
    """The base book's data with the listed prices of `names` merged in, and review notes
    (`left_out`: (region, entry) -> why a listed price was not used, the note for that entry)."""
    data = copy.deepcopy(raw)
    data["read_on"] = today
    regions = {region: dict(over or {}) for region, over in data["regions"].items()}
    for region in listed:
        regions.setdefault(region, {})
    data["regions"] = regions
    home = next(iter(listed))
    notes = []
    for name in names:
        entry, home_price = data["entries"][name], listed[home].get(name)
        default = base.value(name)
        read_in = base.entry(name).read_in  # set: the base price holds for that region only
        if home_price is not None:
            default = home_price.value
            entry.update(price=price_text(default), source=home_price.source, read_on=today,
                         effective_from=home_price.effective_from)
            entry.pop("unconfirmed", None)
            if read_in is not None:
                entry["read_in"] = home
        for region, overrides in regions.items():
            price = listed.get(region, {}).get(name)
            if price is not None:
                value = price.value
                override = {"price": price_text(value), "source": price.source, "read_on": today}
            else:
                if region in listed:
                    notes.append((left_out or {}).get(
                        (region, name),
                        f"{region}: {name} is not in the Price List; kept the base price"))
                old = base.entry(name, region if region in base.region_overrides else None)
                if old.assumed_in(region):
                    # Not this region's own price: it stays assumed (from `read_in`, marked so).
                    overrides.pop(name, None)
                    continue
                if region not in listed and name in overrides and old.value != default:
                    continue  # an override the refresh did not touch stays as written
                value = old.value
                override = {"price": str(old.value), "source": old.source, "read_on": old.read_on}
            # A price read for one region only is recorded for every region that listed it,
            # equal or not: without its own override a region's price would be assumed.
            own = read_in is not None and region != home and (
                price is not None or region == read_in)
            if value == default and not own:
                overrides.pop(name, None)
            else:
                overrides[name] = override
    return data, notes


def price_text(value: Decimal) -> str:
    """A price as the book writes it: no exponent, at least cents ("0.03", "12.00", "0.0004")."""
    value = value.normalize()
    if value.as_tuple().exponent > -2:
        value = value.quantize(CENT)
    return f"{value:f}"


class _BookDumper(yaml.SafeDumper):
    """Quote strings that would otherwise read back as numbers or dates; short lists inline."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    plain = dumper.resolve(yaml.ScalarNode, value, (True, False)) == "tag:yaml.org,2002:str"
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=None if plain else '"')


def _represent_list(dumper: yaml.SafeDumper, value: list) -> yaml.SequenceNode:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=True)


_BookDumper.add_representer(str, _represent_str)
_BookDumper.add_representer(list, _represent_list)


def dump_price_book(data: dict, header: str) -> str:
    comment = "".join(f"# {line}\n" for line in header.splitlines())
    body = yaml.dump(data, Dumper=_BookDumper, sort_keys=False, allow_unicode=True,
                     default_flow_style=False, width=4096)
    return comment + body
