"""S3 request metrics (GetRequests, PutRequests) per bucket, from CloudWatch.

S3 publishes request metrics only for buckets with a metrics configuration; the figures are
used only from a configuration without a filter, which counts the whole bucket.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from botocore.exceptions import ClientError

from planner.measure.counts import monthly
from planner.scan.common import error_code

SOURCE = "CloudWatch S3 request metrics (GetRequests, PutRequests)"
METRICS = {"get": "GetRequests", "put": "PutRequests"}
DAY_SECONDS = 86400


@dataclass
class BucketRequests:
    bucket: str
    arn: str
    monthly_get_requests: int
    monthly_put_requests: int
    source: str
    window: str


@dataclass
class BucketNotMeasured:
    bucket: str
    reason: str


def bucket_request_metrics(
    s3, cloudwatch_for: Callable[[str], object], first: date, last: date,
    partition: str | None = None,
) -> tuple[list[BucketRequests], list[BucketNotMeasured]]:
    """Monthly GET and PUT counts of each bucket with whole-bucket request metrics.

    `first` and `last` are the days (UTC, both included) summed; `cloudwatch_for(region)`
    gives a CloudWatch client in the bucket's region, where S3 publishes its metrics.
    Buckets without a metrics configuration are left out; those that could not be read
    are listed as not measured, with the AWS error code. Bucket ARNs are in `partition`
    (from the inventory), else in the S3 client's partition (aws-cn, aws-us-gov, ...).
    """
    partition = partition or getattr(s3.meta, "partition", None) or "aws"
    days = (last - first).days + 1
    window = f"{first.isoformat()}/{last.isoformat()}"
    measured, not_measured = [], []
    for bucket in _buckets(s3):
        name = bucket["Name"]
        try:
            filter_id, why_not = _whole_bucket_filter(s3, name)
            if filter_id is None:
                if why_not:
                    not_measured.append(BucketNotMeasured(name, why_not))
                continue
            region = bucket.get("BucketRegion") or _region(s3, name)
            sums = _sums(cloudwatch_for(region), name, filter_id, first, last)
        except ClientError as exc:
            not_measured.append(BucketNotMeasured(name, error_code(exc)[0]))
            continue
        measured.append(BucketRequests(
            bucket=name, arn=f"arn:{partition}:s3:::{name}",
            monthly_get_requests=monthly(sums["get"], days),
            monthly_put_requests=monthly(sums["put"], days),
            source=SOURCE, window=window,
        ))
    return measured, not_measured


def _buckets(s3):
    for page in s3.get_paginator("list_buckets").paginate():
        yield from page.get("Buckets", [])


def _whole_bucket_filter(s3, bucket: str) -> tuple[str | None, str | None]:
    """The Id of a metrics configuration without a filter, or (None, why there is none)."""
    filtered = False
    token = None
    while True:  # ListBucketMetricsConfigurations has no paginator in botocore
        extra = {"ContinuationToken": token} if token else {}
        page = s3.list_bucket_metrics_configurations(Bucket=bucket, **extra)
        for config in page.get("MetricsConfigurationList", []):
            if not config.get("Filter"):
                return config["Id"], None
            filtered = True
        token = page.get("NextContinuationToken")
        if not page.get("IsTruncated") or not token:
            break
    if filtered:
        return None, "only filtered metrics configurations (they count part of the bucket)"
    return None, None


def _region(s3, bucket: str) -> str:
    # LocationConstraint is empty for us-east-1 (and "EU" for old eu-west-1 buckets).
    location = s3.get_bucket_location(Bucket=bucket).get("LocationConstraint")
    return {None: "us-east-1", "": "us-east-1", "EU": "eu-west-1"}.get(location, location)


def _sums(cloudwatch, bucket: str, filter_id: str, first: date, last: date) -> dict[str, int]:
    dimensions = [{"Name": "BucketName", "Value": bucket}, {"Name": "FilterId", "Value": filter_id}]
    queries = [
        {
            "Id": query_id,
            "MetricStat": {
                "Metric": {"Namespace": "AWS/S3", "MetricName": metric, "Dimensions": dimensions},
                "Period": DAY_SECONDS,
                "Stat": "Sum",
            },
            "ReturnData": True,
        }
        for query_id, metric in METRICS.items()
    ]
    start = datetime.combine(first, time(), tzinfo=UTC)
    end = datetime.combine(last + timedelta(days=1), time(), tzinfo=UTC)
    totals = dict.fromkeys(METRICS, Decimal(0))
    pages = cloudwatch.get_paginator("get_metric_data").paginate(
        MetricDataQueries=queries, StartTime=start, EndTime=end
    )
    for page in pages:
        for result in page.get("MetricDataResults", []):
            totals[result["Id"]] += sum((Decimal(str(v)) for v in result.get("Values", [])),
                                        Decimal(0))
    return {name: int(total.to_integral_value()) for name, total in totals.items()}
