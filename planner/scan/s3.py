"""S3: every bucket once (ListBuckets is global), its region, default encryption and size.

Default encryption: real AWS has answered AES256 for a bucket without an explicit rule since
January 2023, so "none" cannot occur there. The local emulator still raises
ServerSideEncryptionConfigurationNotFoundError; that exact code, and only it, means "no rule"
(state "none"). Any other error leaves the bucket "unknown" with its code.

Size and object count come from CloudWatch's daily storage metrics, read per region in
batches (ListMetrics, then GetMetricData with up to 500 queries a call), not per bucket.
Versioning (GetBucketVersioning) is kept in details: the plan prices the noncurrent versions
a re-encrypting copy leaves behind.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from planner import bounds
from planner.inventory import Resource
from planner.scan.common import (
    CALL_ERRORS,
    KMS_PENDING,
    MalformedResponse,
    Scope,
    Step,
    Task,
    error_code,
    figure,
    mark_unknown,
    need,
    pages,
    scan_error,
)

SERVICE = "s3"
OPERATIONS = {
    "s3": ("ListBuckets", "GetBucketLocation", "GetBucketEncryption", "GetBucketVersioning"),
    "cloudwatch": ("ListMetrics", "GetMetricData"),
}
NO_RULE = "ServerSideEncryptionConfigurationNotFoundError"
DEFAULT_KEY = "alias/aws/s3"
METRICS = ("BucketSizeBytes", "NumberOfObjects")
QUERIES_PER_CALL = 500  # GetMetricData's limit
# Storage types (CloudWatch's StorageType) whose objects must be restored before a copy.
ARCHIVE_STORAGE = frozenset({"GlacierStorage", "DeepArchiveStorage",
                             "IntelligentTieringAAStorage", "IntelligentTieringDAAStorage"})


@dataclass(frozen=True)
class BucketMetrics:
    """The latest daily storage figures for one bucket (summed over storage classes)."""

    account: str
    region: str
    bucket: str
    size_bytes: float | None
    objects: float | None
    archive_bytes: float = 0.0  # of size_bytes, in classes that need a restore to be read


def tasks(scope: Scope) -> list[Task]:
    """Per region: the storage metrics. ListBuckets is global: account_tasks, once an account."""
    return [Task(scope, SERVICE, "ListMetrics", read_metrics)]


def account_tasks(scope: Scope) -> list[Task]:
    return [Task(scope, SERVICE, "ListBuckets", list_buckets)]


def bucket_region(location: str | None) -> str:
    """GetBucketLocation's answer as a region: none is us-east-1, "EU" eu-west-1's old name."""
    if not location:
        return "us-east-1"
    return "eu-west-1" if location == "EU" else location


def list_buckets(scope: Scope) -> Step:
    step = Step()
    for bucket in pages(scope.client("s3"), "list_buckets", "Buckets"):
        # The newer API gives the region; a bucket without a name makes the listing malformed.
        name, region = need(bucket, "Name"), bucket.get("BucketRegion")
        step.more.append(Task(scope, SERVICE, "GetBucketEncryption",
                              lambda s, n=name, r=region: read_bucket(s, n, r)))
    return step


def read_bucket(scope: Scope, name: str, region: str | None) -> Step:
    resource = Resource(account=scope.account, region=region or "unknown", service=SERVICE,
                        resource_type="bucket", resource_id=name,
                        arn=f"arn:{scope.partition}:s3:::{name}", name=name)
    step = Step()
    if region is None:
        try:
            location = scope.client("s3").get_bucket_location(Bucket=name)
            region = bucket_region(location.get("LocationConstraint"))
        except CALL_ERRORS as exc:  # where it lives is unknown, so is how it is encrypted
            mark_unknown(resource, step, scope, "GetBucketLocation", exc)
            resource.details = {"bucket_region": None}
            step.found.append(resource)
            return step
    if region not in scope.regions:
        return step  # outside this scan's regions
    resource.region = region
    resource.details = {"bucket_region": region}
    step.found.append(resource)
    s3 = scope.client("s3", region)
    _encryption(s3, resource, step, scope.at(region))
    _versioning(s3, resource, step, scope.at(region))
    return step


def _versioning(s3, resource: Resource, step: Step, scope: Scope) -> None:
    """details.versioning: "Enabled", "Suspended" or "Disabled" (never enabled: AWS then
    answers with no Status), null when it could not be read. A re-encrypting copy leaves a
    noncurrent version of each object behind on a bucket that keeps versions."""
    try:
        status = s3.get_bucket_versioning(Bucket=resource.name).get("Status")
    except CALL_ERRORS as exc:  # the encryption stands; only the versioning is not known
        step.errors.append(scan_error(scope, SERVICE, "GetBucketVersioning", exc))
        resource.details["versioning"] = None
        return
    resource.details["versioning"] = status or "Disabled"


def _encryption(s3, resource: Resource, step: Step, scope: Scope) -> None:
    try:
        rules = need(s3.get_bucket_encryption(Bucket=resource.name),
                     "ServerSideEncryptionConfiguration", "Rules")
        if not isinstance(rules, list) or not rules or not isinstance(rules[0], dict):
            raise MalformedResponse("GetBucketEncryption answered without a rule")
    except CALL_ERRORS as exc:
        if error_code(exc)[0] == NO_RULE:
            resource.encryption = "none"
            return
        mark_unknown(resource, step, scope, "GetBucketEncryption", exc)
        return
    rule = rules[0]
    default = rule.get("ApplyServerSideEncryptionByDefault") or {}
    algorithm = default.get("SSEAlgorithm")
    if algorithm == "AES256":
        resource.encryption = "sse-s3"
    elif algorithm in ("aws:kms", "aws:kms:dsse"):
        resource.encryption = KMS_PENDING
        resource.kms_key_arn = default.get("KMSMasterKeyID") or DEFAULT_KEY
    else:  # a rule this scanner does not know: say so rather than guess
        resource.encryption = "unknown"
        resource.error = f"UnrecognisedEncryptionRule: SSEAlgorithm {algorithm!r}"
        return
    resource.algorithm = algorithm
    resource.bucket_key_enabled = bool(rule.get("BucketKeyEnabled", False))


def _dims(metric: dict) -> list[tuple[str, str]]:
    return [(need(d, "Name"), need(d, "Value")) for d in metric.get("Dimensions") or []]


def read_metrics(scope: Scope) -> Step:
    """Storage metrics of every bucket in this region that has them."""
    cloudwatch = scope.client("cloudwatch")
    series = {}
    for name in METRICS:
        for metric in pages(cloudwatch, "list_metrics", "Metrics",
                            Namespace="AWS/S3", MetricName=name):
            dims = tuple(sorted(_dims(metric)))
            series[name, dims] = metric
    queries, owner = [], {}
    for i, metric in enumerate(series.values()):
        dims = dict(_dims(metric))
        if "BucketName" not in dims:
            continue
        query_id = f"m{i}"
        archived = dims.get("StorageType") in ARCHIVE_STORAGE
        owner[query_id] = (dims["BucketName"], need(metric, "MetricName"), archived)
        queries.append({"Id": query_id, "MetricStat": {
            "Metric": metric, "Period": 86400, "Stat": "Average"}})
    totals: dict[str, dict[str, float]] = {}
    seen: set[str] = set()
    end = datetime.now(UTC)
    for start in range(0, len(queries), QUERIES_PER_CALL):
        batch = queries[start:start + QUERIES_PER_CALL]
        for result in pages(cloudwatch, "get_metric_data", "MetricDataResults",
                            MetricDataQueries=batch, StartTime=end - timedelta(days=3),
                            EndTime=end, ScanBy="TimestampDescending"):
            # Later pages carry older values of the same query: keep the newest only.
            values, query_id = result.get("Values"), result.get("Id")
            if values and query_id in owner and query_id not in seen:
                seen.add(query_id)
                bucket, metric, archived = owner[query_id]
                limit = bounds.BYTES if metric == "BucketSizeBytes" else bounds.COUNT
                value = figure(values[0], limit)
                if value is None:
                    continue  # not a figure AWS could send: the size stays unread
                sums = totals.setdefault(bucket, {})
                sums[metric] = sums.get(metric, 0.0) + value
                if archived and metric == "BucketSizeBytes":
                    sums["archive"] = sums.get("archive", 0.0) + value
    return Step(found=[
        BucketMetrics(scope.account, scope.region, bucket, sums.get("BucketSizeBytes"),
                      sums.get("NumberOfObjects"), sums.get("archive", 0.0))
        for bucket, sums in totals.items()
    ])
