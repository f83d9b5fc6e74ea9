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
# action -> (price entry, line name): the new copy runs beside the old during the cut-over.
CUTOVER_STORAGE = {
    "ebs-copy-and-swap": ("ebs_volume_gb_month", "Volume storage (new volume during cut-over)"),
    "rds-snapshot-copy-restore": (
        "rds_storage_gb_month", "DB storage (restored instance during cut-over)"),
    "aurora-restore-encrypted": (
        "aurora_storage_gb_month", "Cluster storage (restored cluster during cut-over)"),
}
SIZED_ACTIONS = frozenset(SNAPSHOT_STORAGE) | frozenset(CUTOVER_STORAGE)


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


def full_copy_lines(book, usage, resource) -> list[CostLine]:
    """Monthly: an EBS snapshot re-encrypted to a new key is a full copy, while the original
    was incremental (it stored only the blocks no earlier snapshot held). What the copy adds
    each month is its size less the original's own share (`ebs_snapshot_original_share`;
    default 0, an upper bound). The size is the source volume's, another upper bound."""
    if not resource.size_gb:
        return []
    share = usage.parameter("ebs_snapshot_original_share")
    quantity = Decimal(str(resource.size_gb)) * (1 - share)
    if not quantity:
        return []
    return [_priced(book, "ebs_snapshot_gb_month",
                    "Snapshot storage (full copy replacing an incremental one, monthly)",
                    quantity, resource.region)]


def cutover_lines(book, usage, action: str, resource) -> list[CostLine]:
    """Duplicate storage: the encrypted copy and the original both exist until the old one is
    deleted, `cutover_window_days` after the copy is made."""
    if action not in CUTOVER_STORAGE or not resource.size_gb:
        return []
    entry, name = CUTOVER_STORAGE[action]
    days = Decimal(usage.parameter("cutover_window_days"))
    quantity = Decimal(str(resource.size_gb)) * days * 24 / book.value("hours_per_month")
    return [_priced(book, entry, name, quantity, resource.region)] if quantity else []


VERSIONED = frozenset({"Enabled", "Suspended"})
NONCURRENT_LINE = "S3 storage (noncurrent versions kept)"


def noncurrent_lines(book, usage, resource) -> list[CostLine]:
    """On a versioned bucket, the copy makes each object's old version noncurrent: the old
    data stays (at S3 Standard, assumed) for `noncurrent_version_retention_days`."""
    if (resource.details or {}).get("versioning") not in VERSIONED or not resource.size_gb:
        return []
    days = Decimal(usage.parameter("noncurrent_version_retention_days"))
    quantity = Decimal(str(resource.size_gb)) * days * 24 / book.value("hours_per_month")
    return [_priced(book, "s3_standard_gb_month", NONCURRENT_LINE,
                    quantity, resource.region)] if quantity else []


def dsse_lines(book, resource) -> list[CostLine]:
    """A DSSE-KMS bucket's copy encrypts every GB again under dual-layer encryption."""
    if resource.algorithm != "aws:kms:dsse" or not resource.size_gb:
        return []
    return [_priced(book, "s3_dsse_gb", "S3 DSSE-KMS encryption (copied GB)",
                    Decimal(str(resource.size_gb)), resource.region)]


REENCRYPTION_LINE = "Requests (symmetric, re-encryption)"


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
        lines.append(_priced(book, "requests_symmetric", REENCRYPTION_LINE,
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


def labour_priced(usage: Usage) -> bool:
    """Whether engineering time is in the one-time cost: a rate and some hours are set."""
    hours = usage.parameter("labour_hours")
    return bool(usage.parameter("labour_rate_usd_per_hour")) and any(hours.values())


def without_size(plans) -> list:
    """Remediated resources whose one-time cost depends on a size or object count the
    inventory does not have: their one-time cost is a lower bound."""
    return [p for p in plans
            if (p.action in SIZED_ACTIONS and p.resource.size_gb is None)
            or p.sources.get("object_count", "").startswith("unknown")]


def one_time_warnings(plans, usage: Usage) -> list[str]:
    warnings = []
    if not labour_priced(usage):
        warnings.append("one-time excludes engineering labour: set labour_rate_usd_per_hour "
                        "and labour_hours under parameters in a usage file")
    copied = [p for p in plans if any(line.price_entry == "s3_batch_job" for line in p.one_time)]
    if copied:
        unread = sum(1 for p in copied if (p.resource.details or {}).get("versioning") is None)
        versioning = (f" The versioning of {unread} of them was not read: their noncurrent "
                      "versions are not priced." if unread else "")
        warnings.append(
            f"S3: {len(copied)} bucket(s) get a Batch Operations copy of their current "
            "objects. Noncurrent versions are not rewritten and keep their old encryption until "
            "they expire; on a versioned bucket each copied object leaves its old version "
            "behind as noncurrent, priced for noncurrent_version_retention_days (a lifecycle "
            f"rule must expire them, or they are kept for good).{versioning} Objects over 5 GB "
            "cannot be copied by Batch Operations Copy (not priced: copy them with multipart "
            "UploadPartCopy), and objects in S3 Glacier Flexible Retrieval or Deep Archive "
            "need a restore first (not priced). The scan does not read object sizes: check "
            "them.")
        archived = [p for p in copied if (p.resource.details or {}).get("archive_gb")]
        if archived:
            gb = sum(Decimal(str(p.resource.details["archive_gb"])) for p in archived)
            names, more = _first_five(archived)
            warnings.append(
                f"S3: {len(archived)} bucket(s) to copy hold {gb.quantize(Decimal('0.1'))} GB "
                "in archive classes (Glacier Flexible Retrieval, Deep Archive, Intelligent-"
                "Tiering archive tiers; CloudWatch storage metrics): a copy cannot read them "
                f"until they are restored, and the restore is not priced ({names}{more})")
    unsized = without_size(plans)
    if unsized:
        listed, more = _first_five(unsized)
        warnings.append(f"one-time is a lower bound: {len(unsized)} resources without size "
                        f"or object count, priced as 0 ({listed}{more})")
    return warnings


def _first_five(plans: list) -> tuple[str, str]:
    """The first five resources by id, and "and N more". An id that more than one account or
    region has (an Aurora cluster's, a bucket's name is not) says which."""
    ids = [p.resource.resource_id for p in plans]
    shown = [p.resource.resource_id if ids.count(p.resource.resource_id) == 1 else
             f"{p.resource.resource_id} ({p.resource.account} {p.resource.region})"
             for p in plans[:5]]
    return ", ".join(shown), f" and {len(plans) - 5} more" if len(plans) > 5 else ""
