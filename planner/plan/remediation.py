"""One-time costs of each remediation action, as cost lines from the price book.

Snapshot copies are priced for the days they are kept (`snapshot_copy_retention_days`);
re-keying makes a full, non-incremental copy. S3 Batch Operations re-encryption is priced per
job, per object, per COPY request and for the KMS requests the copies cause. One-time KMS
requests get no free tier (the monthly requests are assumed to use it up). Labour is hours
from the usage file times its rate.
"""

from __future__ import annotations

from decimal import Decimal

from planner.usage import Usage
from pricing import CostLine, PriceBook

MILLION = Decimal(1_000_000)
THOUSAND = Decimal(1_000)
TEN_THOUSAND = Decimal(10_000)

# action -> (price entry, copies of the resource's size kept, line name)
SNAPSHOT_STORAGE = {
    "ebs-copy-and-swap": ("ebs_snapshot_gb_month", 1, "Snapshot storage (temporary snapshot)"),
    "ebs-snapshot-copy": ("ebs_snapshot_gb_month", 1, "Snapshot storage (full encrypted copy)"),
    "rds-snapshot-copy-restore": (
        "rds_backup_gb_month", 2, "DB snapshot storage (snapshot and encrypted copy)"),
    "aurora-restore-encrypted": (
        "rds_backup_gb_month", 1, "DB snapshot storage (cluster snapshot)"),
    "rds-snapshot-copy": ("rds_backup_gb_month", 1, "DB snapshot storage (encrypted copy)"),
    "efs-copy-to-new-file-system": (
        "efs_standard_gb_month", 1, "EFS storage (old and new file systems side by side)"),
    "fsx-restore-to-new-file-system": ("fsx_backup_gb_month", 1, "FSx backup storage (backup)"),
}


def _priced(book: PriceBook, entry: str, name: str, quantity: Decimal, region: str) -> CostLine:
    price = book.entry(entry, region)
    return CostLine(name, price.unit, quantity, price.value, entry, price.source)


def retention_months(book: PriceBook, usage: Usage) -> Decimal:
    days = Decimal(usage.parameter("snapshot_copy_retention_days"))
    return days * 24 / book.value("hours_per_month")


def snapshot_lines(book, usage, action: str, resource) -> list[CostLine]:
    entry, copies, name = SNAPSHOT_STORAGE[action]
    size = Decimal(str(resource.size_gb or 0))
    quantity = size * copies * retention_months(book, usage)
    return [_priced(book, entry, name, quantity, resource.region)] if quantity else []


def batch_lines(book, objects: int, decrypts_per_object: int, generate_per_object: Decimal,
                region: str) -> list[CostLine]:
    """S3 Batch Operations copy-in-place of `objects` objects."""
    if not objects:
        return []
    count = Decimal(objects)
    kms_requests = count * decrypts_per_object + count * generate_per_object
    lines = [
        _priced(book, "s3_batch_job", "S3 Batch Operations (jobs)", Decimal(1), region),
        _priced(book, "s3_batch_million_objects", "S3 Batch Operations (objects)",
                count / MILLION, region),
        _priced(book, "s3_put_1k", "S3 requests (COPY)", count / THOUSAND, region),
    ]
    if kms_requests:
        lines.append(_priced(book, "requests_symmetric", "Requests (symmetric, re-encryption)",
                             kms_requests / TEN_THOUSAND, region))
    return lines


def labour_lines(usage: Usage, action: str) -> list[CostLine]:
    hours = usage.parameter("labour_hours").get(action)
    rate = usage.parameter("labour_rate_usd_per_hour")
    if not hours:
        return []
    source = usage.parameters["labour_rate_usd_per_hour"][1]
    return [CostLine(f"Labour ({action})", "hours", hours, rate, "labour_rate_usd_per_hour",
                     source)]
