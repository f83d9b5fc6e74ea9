"""One measurement run: CloudTrail (files or Athena), optionally CloudWatch, into a usage file."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from planner.errors import InputError
from planner.inventory import load_inventory
from planner.measure.athena import DEFAULT_TIMEOUT as ATHENA_TIMEOUT
from planner.measure.athena import measure_athena
from planner.measure.cloudtrail import FileProgress, local_files, measure_files, s3_files
from planner.measure.cloudwatch import BucketNotMeasured, BucketRequests, bucket_request_metrics
from planner.measure.counts import Measurement
from planner.measure.keyspecs import KeyDirectory
from planner.measure.prefetch import prefetched
from planner.measure.usage_file import usage_document, write_usage

# CloudWatch without a CloudTrail window: the last 30 whole days before today (UTC).
DEFAULT_METRIC_DAYS = 30

ClientFactory = Callable[..., object]  # (service_name, region_name=None) -> boto3 client


@dataclass
class MeasureRequest:
    out: Path
    cloudtrail: str | None = None
    athena_table: str | None = None
    workgroup: str | None = None
    since: str | None = None
    until: str | None = None
    cloudwatch: bool = False
    inventory: Path | None = None
    workers: int = 1  # processes counting a local folder
    timeout: float = ATHENA_TIMEOUT  # seconds an Athena query may take before it is cancelled


@dataclass
class MeasureResult:
    measurement: Measurement
    buckets: list[BucketRequests] = field(default_factory=list)
    buckets_not_measured: list[BucketNotMeasured] = field(default_factory=list)


def check_request(request: MeasureRequest) -> None:
    if bool(request.cloudtrail) == bool(request.athena_table):
        raise InputError("usage measure: give one of --cloudtrail PATH or --athena DATABASE.TABLE")
    if request.athena_table and not request.workgroup:
        raise InputError("usage measure: --athena needs --workgroup WORKGROUP")
    if request.workgroup and not request.athena_table:
        raise InputError("usage measure: --workgroup applies to --athena only")
    if (request.since or request.until) and not request.athena_table:
        raise InputError("usage measure: --since/--until apply to --athena only")


def run_measure(request: MeasureRequest, client: ClientFactory,
                progress: FileProgress | None = None) -> MeasureResult:
    """Measure, write the usage file atomically, and return what was counted. `progress`:
    called with (files, bytes) as CloudTrail log files are read (not for Athena)."""
    check_request(request)
    inventory = load_inventory(request.inventory) if request.inventory else None
    keys = KeyDirectory(inventory)
    if request.athena_table:
        measurement = measure_athena(client("athena"), request.athena_table, request.workgroup,
                                     keys, request.since, request.until,
                                     timeout_seconds=request.timeout)
    else:
        path = request.cloudtrail
        if path.startswith("s3://"):
            s3 = client("s3")
            # As many GetObjects in flight as the client pools connections (botocore's default
            # 10): more threads would open connections that the pool then discards.
            files = prefetched(s3_files(s3, path), s3.meta.config.max_pool_connections)
            workers = 1
        else:
            files, workers = local_files(Path(path)), request.workers
        with closing(files):  # stops the prefetching threads if counting stops early
            measurement = measure_files(files, f"CloudTrail {path}", keys, workers,
                                        progress=progress)
        if measurement.files == 0:
            raise InputError(f"{path}: no CloudTrail log files (*.json.gz) found")
    result = MeasureResult(measurement)
    if request.cloudwatch:
        first, last = measurement.window_dates() or _recent_days()
        result.buckets, result.buckets_not_measured = bucket_request_metrics(
            client("s3"), lambda region: client("cloudwatch", region_name=region), first, last,
            _partition(inventory),
        )
    write_usage(usage_document(measurement, result.buckets), request.out)
    return result


def _partition(inventory) -> str | None:
    """The partition (aws, aws-cn, aws-us-gov) of the scanned ARNs, when an inventory is given."""
    for item in (*inventory.resources, *inventory.keys) if inventory else ():
        parts = item.arn.split(":", 2)
        if len(parts) == 3 and parts[0] == "arn" and parts[1]:
            return parts[1]
    return None


def _recent_days() -> tuple[date, date]:
    last = datetime.now(UTC).date() - timedelta(days=1)
    return last - timedelta(days=DEFAULT_METRIC_DAYS - 1), last
