"""Read storage and S3 list prices from the AWS Price List API (AmazonEC2, AmazonRDS, AmazonS3).

The one-time costs use EBS snapshot and volume storage, RDS backup and storage, Aurora storage
and S3 COPY requests. Each is one usage type per region: without a prefix in us-east-1
("EBS:SnapshotUsage"), with the region's prefix elsewhere ("EUW1-EBS:SnapshotUsage"). GetProducts
is asked per entry and region with the usage type as a CONTAINS filter (AmazonEC2 alone lists
hundreds of thousands of products a region); the answer is then matched EXACTLY: the usage type
itself, or a prefix ending in "-" and then the usage type, in the expected unit.
S3 Batch Operations and the DSSE-KMS charge are not read: their usage types are not known
well enough to match exactly, so they stay the base book's.
"""

from __future__ import annotations

from collections.abc import Sequence
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

# entry -> (service code, usage type without its region prefix, Price List unit, units of the
# Price List per unit of the book: a price per request x 1,000 for the book's 1k requests)
STORAGE_PRICES: dict[str, tuple[str, str, str, int]] = {
    "ebs_snapshot_gb_month": ("AmazonEC2", "EBS:SnapshotUsage", "GB-Mo", 1),
    "ebs_volume_gb_month": ("AmazonEC2", "EBS:VolumeUsage.gp3", "GB-Mo", 1),
    "rds_backup_gb_month": ("AmazonRDS", "RDS:ChargedBackupUsage", "GB-Mo", 1),
    "rds_storage_gb_month": ("AmazonRDS", "RDS:GP2-Storage", "GB-Mo", 1),
    "aurora_storage_gb_month": ("AmazonRDS", "Aurora:StorageUsage", "GB-Mo", 1),
    "s3_put_1k": ("AmazonS3", "Requests-Tier1", "Requests", 1000),
}


def _matches(listed: str, usage_type: str) -> bool:
    return listed == usage_type or listed.endswith("-" + usage_type)


def storage_prices(client, region: str, entries: Sequence[str] = tuple(STORAGE_PRICES)
                   ) -> dict[str, ListedPrice]:
    """The listed price of each storage entry found for `region` (not listed: left out)."""
    found: dict[str, ListedPrice] = {}
    for entry in entries:
        service, usage_type, unit, scale = STORAGE_PRICES[entry]
        contains = ({"Type": "CONTAINS", "Field": "usagetype", "Value": usage_type},)
        listed: set[ListedPrice] = set()
        for product in fetch_products(client, region, service, contains):
            attributes = product.get("product", {}).get("attributes", {})
            listed_type = attributes.get("usagetype", "")
            if attributes.get("regionCode") != region or not _matches(listed_type, usage_type):
                continue
            for dimension, effective in dimensions(product):
                if dimension.get("unit") != unit:
                    raise PriceListError(f"Price List: {listed_type}: unit "
                                         f"{dimension.get('unit')!r}, expected {unit!r}")
                check_date(effective, listed_type)
                value = (usd_price(dimension, listed_type) * Decimal(scale)).normalize()
                listed.add(ListedPrice(entry, region, value, listed_type, effective, service))
        if listed:
            found[entry] = one_price(entry, region, listed)
    return found
