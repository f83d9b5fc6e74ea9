"""S3 request metrics from CloudWatch: seeded with PutMetricData in the emulator.

The emulator does not implement ListBucketMetricsConfigurations, so the S3 side is a botocore
Stubber with response shapes from the S3 API reference.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import boto3
from botocore.stub import Stubber

from planner.measure.cloudwatch import SOURCE, bucket_request_metrics


def seed(cloudwatch, bucket, metric, filter_id, values, first):
    for offset, value in enumerate(values):
        cloudwatch.put_metric_data(Namespace="AWS/S3", MetricData=[{
            "MetricName": metric, "Value": value, "Unit": "Count",
            "Timestamp": datetime.combine(first + timedelta(days=offset), time(12), tzinfo=UTC),
            "Dimensions": [{"Name": "BucketName", "Value": bucket},
                           {"Name": "FilterId", "Value": filter_id}],
        }])


def stubbed_s3():
    s3 = boto3.client("s3", region_name="us-east-1", aws_access_key_id="x",
                      aws_secret_access_key="x")
    stub = Stubber(s3)
    stub.add_response("list_buckets", {"Buckets": [
        {"Name": "app-logs"}, {"Name": "filtered", "BucketRegion": "us-east-1"},
        {"Name": "locked", "BucketRegion": "us-east-1"},
        {"Name": "plain", "BucketRegion": "us-east-1"},
    ]})
    # app-logs: a filtered configuration on page 1, the whole-bucket one on page 2.
    stub.add_response("list_bucket_metrics_configurations", {
        "IsTruncated": True, "NextContinuationToken": "page2",
        "MetricsConfigurationList": [{"Id": "docs", "Filter": {"Prefix": "docs/"}}],
    }, {"Bucket": "app-logs"})
    stub.add_response("list_bucket_metrics_configurations", {
        "IsTruncated": False, "MetricsConfigurationList": [{"Id": "EntireBucket"}],
    }, {"Bucket": "app-logs", "ContinuationToken": "page2"})
    stub.add_response("get_bucket_location", {}, {"Bucket": "app-logs"})  # us-east-1
    stub.add_response("list_bucket_metrics_configurations", {
        "IsTruncated": False,
        "MetricsConfigurationList": [{"Id": "images", "Filter": {"Prefix": "img/"}}],
    }, {"Bucket": "filtered"})
    stub.add_client_error("list_bucket_metrics_configurations", "AccessDenied",
                          "Access Denied", 403, expected_params={"Bucket": "locked"})
    stub.add_response("list_bucket_metrics_configurations", {"IsTruncated": False},
                      {"Bucket": "plain"})
    return s3, stub


def test_get_and_put_requests_per_bucket_scaled_to_a_month(aws_client):
    cloudwatch = aws_client("cloudwatch")
    first = datetime.now(UTC).date() - timedelta(days=4)
    last = first + timedelta(days=2)  # three days: first, first + 1, first + 2
    seed(cloudwatch, "app-logs", "GetRequests", "EntireBucket", [1000, 2000, 3000], first)
    seed(cloudwatch, "app-logs", "PutRequests", "EntireBucket", [100, 200], first)
    seed(cloudwatch, "app-logs", "GetRequests", "docs", [999999], first)  # another filter
    seed(cloudwatch, "app-logs", "GetRequests", "EntireBucket", [5000], last + timedelta(1))
    asked = []

    def cloudwatch_for(region):
        asked.append(region)
        return cloudwatch

    s3, stub = stubbed_s3()
    with stub:
        measured, not_measured = bucket_request_metrics(s3, cloudwatch_for, first, last)
        stub.assert_no_pending_responses()
    assert asked == ["us-east-1"]
    assert len(measured) == 1
    bucket = measured[0]
    assert bucket.arn == "arn:aws:s3:::app-logs"
    # 6,000 GETs and 300 PUTs in 3 days: x 30.4 / 3 = 60,800 and 3,040 a month.
    assert bucket.monthly_get_requests == 60_800
    assert bucket.monthly_put_requests == 3_040
    assert bucket.source == SOURCE
    assert bucket.window == f"{first.isoformat()}/{last.isoformat()}"
    reasons = {b.bucket: b.reason for b in not_measured}
    assert reasons["locked"] == "AccessDenied"
    assert reasons["filtered"].startswith("only filtered metrics configurations")
    assert "plain" not in reasons  # no metrics configuration: left to the defaults


def _one_bucket_s3(region):
    s3 = boto3.client("s3", region_name=region, aws_access_key_id="x", aws_secret_access_key="x")
    stub = Stubber(s3)
    stub.add_response("list_buckets", {"Buckets": [{"Name": "ledger", "BucketRegion": region}]})
    stub.add_response("list_bucket_metrics_configurations", {
        "IsTruncated": False, "MetricsConfigurationList": [{"Id": "EntireBucket"}],
    }, {"Bucket": "ledger"})
    return s3, stub


def test_bucket_arns_are_in_the_scanned_partition(aws_client):
    cloudwatch = aws_client("cloudwatch")
    day = datetime.now(UTC).date() - timedelta(days=1)
    for region, partition, arn in (
        ("cn-north-1", None, "arn:aws-cn:s3:::ledger"),  # the S3 client's partition
        ("us-gov-west-1", "aws-us-gov", "arn:aws-us-gov:s3:::ledger"),  # the inventory's
    ):
        s3, stub = _one_bucket_s3(region)
        with stub:
            [bucket], _ = bucket_request_metrics(s3, lambda r: cloudwatch, day, day, partition)
        assert bucket.arn == arn


def test_the_partition_comes_from_the_inventorys_arns():
    from planner.inventory import Inventory, Key
    from planner.measure.run import _partition

    gov = Key(account="111122223333", region="us-gov-west-1", key_id="k", manager="CUSTOMER",
              arn="arn:aws-us-gov:kms:us-gov-west-1:111122223333:key/k", state="Enabled",
              spec="SYMMETRIC_DEFAULT", usage="ENCRYPT_DECRYPT", origin="AWS_KMS")
    inventory = Inventory(scanned_at="", tool_version="t", accounts=[], regions=[], keys=[gov])
    assert _partition(inventory) == "aws-us-gov"
    assert _partition(None) is None
