"""Read storage and S3 list prices from the AWS Price List API (AmazonEC2, AmazonRDS, AmazonS3).

The one-time costs use EBS snapshot and volume storage, RDS backup and storage, Aurora storage,
S3 COPY requests and S3 Batch Operations. Each is one usage type per region: without a prefix
in us-east-1 ("EBS:SnapshotUsage"), with the region's prefix elsewhere ("EUW1-EBS:SnapshotUsage").
GetProducts is asked per entry and region with the usage type as a CONTAINS filter (AmazonEC2
alone lists hundreds of thousands of products a region); the answer is then matched EXACTLY:
the usage type itself, or a prefix ending in "-" and then the usage type.

A confirmed entry must come in its unit: another unit stops the refresh, since a price per
GB-hour read as per GB-month would be off 730 times. The Batch Operations usage types are the
billing data's (the Cost and Usage Report's "BatchOperations-Jobs" and "-Objects"), but the unit
the Price List gives them was not seen in a live answer: those entries accept the units they
plausibly come in, and a price in another unit, or more than ten times off the base book's, is
left out with a note (the base price stays). The DSSE-KMS charge has no usage type we know of
and is not read.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from pricing.pricelist import (
    ListedPrice,
    PriceListError,
    check_date,
    dimensions,
    fetch_products,
    one_price,
    usd_price,
)


@dataclass(frozen=True)
class ListedEntry:
    service: str  # Price List service code
    usage_type: str  # without its region prefix
    units: tuple[str, ...]  # Price List units accepted; the first is the expected one
    scale: int  # Price List units per unit of the book: per request x 1,000 for 1k requests
    confirmed: bool = True  # False: the unit is a guess, so a mismatch is a note, not an error


STORAGE_PRICES: dict[str, ListedEntry] = {
    "ebs_snapshot_gb_month": ListedEntry("AmazonEC2", "EBS:SnapshotUsage", ("GB-Mo",), 1),
    "ebs_volume_gb_month": ListedEntry("AmazonEC2", "EBS:VolumeUsage.gp3", ("GB-Mo",), 1),
    "rds_backup_gb_month": ListedEntry("AmazonRDS", "RDS:ChargedBackupUsage", ("GB-Mo",), 1),
    "rds_storage_gb_month": ListedEntry("AmazonRDS", "RDS:GP2-Storage", ("GB-Mo",), 1),
    "aurora_storage_gb_month": ListedEntry("AmazonRDS", "Aurora:StorageUsage", ("GB-Mo",), 1),
    "s3_put_1k": ListedEntry("AmazonS3", "Requests-Tier1", ("Requests",), 1000),
    "s3_batch_job": ListedEntry("AmazonS3", "BatchOperations-Jobs", ("Jobs", "Count"), 1,
                                confirmed=False),
    "s3_batch_million_objects": ListedEntry("AmazonS3", "BatchOperations-Objects",
                                            ("Objects", "Count", "Requests"), 1_000_000,
                                            confirmed=False),
}
# An unconfirmed price further than this factor from the base book's is taken for another unit.
PLAUSIBLE_FACTOR = Decimal(10)


def _matches(listed: str, usage_type: str) -> bool:
    return listed == usage_type or listed.endswith("-" + usage_type)


def storage_prices(client, region: str, base: Mapping[str, Decimal],
                   entries: Sequence[str] = tuple(STORAGE_PRICES)
                   ) -> tuple[dict[str, ListedPrice], dict[str, str]]:
    """The listed price of each entry found for `region` (not listed: left out), and entry ->
    why for unconfirmed entries listed but left out. `base`: entry -> the base book's price."""
    found: dict[str, ListedPrice] = {}
    notes: dict[str, str] = {}
    for entry in entries:
        spec = STORAGE_PRICES[entry]
        contains = ({"Type": "CONTAINS", "Field": "usagetype", "Value": spec.usage_type},)
        listed: set[ListedPrice] = set()
        for product in fetch_products(client, region, spec.service, contains):
            attributes = product.get("product", {}).get("attributes", {})
            listed_type = attributes.get("usagetype", "")
            if attributes.get("regionCode") != region or not _matches(listed_type, spec.usage_type):
                continue
            for dimension, effective in dimensions(product):
                unit = dimension.get("unit")
                if unit not in spec.units:
                    message = f"{listed_type}: unit {unit!r}, expected {spec.units[0]!r}"
                    if spec.confirmed:
                        raise PriceListError(f"Price List: {message}")
                    notes[entry] = f"{region}: {entry}: {message}; kept the base price"
                    continue
                check_date(effective, listed_type)
                value = (usd_price(dimension, listed_type) * Decimal(spec.scale)).normalize()
                listed.add(ListedPrice(entry, region, value, listed_type, effective, spec.service))
        if listed:
            notes.pop(entry, None)  # another dimension was in an accepted unit
            price = one_price(entry, region, listed)
            if spec.confirmed or _plausible(price.value, base[entry]):
                found[entry] = price
            else:
                notes[entry] = (f"{region}: {entry}: listed {price.value:f}, not near the base "
                                f"price {base[entry]} (another unit?); kept the base price")
    return found, notes


def _plausible(value: Decimal, base: Decimal) -> bool:
    if base == 0:
        return value == 0
    return base / PLAUSIBLE_FACTOR <= value <= base * PLAUSIBLE_FACTOR
