"""AWS answers are input: a 200 answer without a field, a listing without its list, an HTML
error page or a silent region never crash the scan, and never read as "nothing there".

The answers come from a fault-injecting proxy in front of the local emulator, through the
same boto3 code path as real AWS (tests/hardening/faultproxy.py).
"""

from __future__ import annotations

import boto3
import pytest

from planner.scan import run_scan
from planner.scan.runner import GIVEN_UP
from tests.hardening.faultproxy import Answer, fault_proxy, without
from tests.scan.conftest import HOME, by_id

OTHER = "eu-west-1"


@pytest.fixture
def proxied(fresh_aws):
    """(proxy, scan(**options)): scans go through the proxy; seeding goes straight to the
    emulator."""
    with fault_proxy(fresh_aws) as (proxy, endpoint):

        def scan(**options):
            options.setdefault("regions", [HOME])
            options.setdefault("workers", 4)
            options.setdefault("max_attempts", 2)
            return run_scan(boto3.Session(region_name=HOME), endpoint_url=endpoint, **options)

        yield proxy, scan


def _table(aws_client, name: str, region: str = HOME) -> None:
    aws_client("dynamodb", region).create_table(
        TableName=name, BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}])


def _customer_volume(aws_client, region: str = HOME) -> str:
    key = aws_client("kms", region).create_key()["KeyMetadata"]
    return aws_client("ec2", region).create_volume(
        AvailabilityZone=f"{region}a", Size=1, Encrypted=True, KmsKeyId=key["Arn"])["VolumeId"]


def test_an_empty_describe_table_answer_leaves_that_table_unknown(aws_client, proxied):
    proxy, scan = proxied
    _table(aws_client, "orders")
    aws_client("s3").create_bucket(Bucket="still-read")
    proxy.answer("DescribeTable", Answer(200, b"{}", "application/x-amz-json-1.0"))
    inventory = scan().inventory
    found = by_id(inventory)
    assert found["orders"].encryption == "unknown"
    assert found["orders"].error.startswith("MalformedResponse: the answer has no Table")
    assert found["still-read"].error is None  # read as usual ("none" in the emulator)
    assert ("dynamodb", "DescribeTable", "MalformedResponse") in {
        (e.service, e.operation, e.code) for e in inventory.errors}


def test_null_key_metadata_leaves_the_key_unread_and_its_resources_unknown(aws_client, proxied):
    proxy, scan = proxied
    volume = _customer_volume(aws_client)
    proxy.rewrite("DescribeKey", without("KeyMetadata=null"))
    inventory = scan().inventory
    assert inventory.keys == []
    assert by_id(inventory)[volume].encryption == "unknown"
    assert by_id(inventory)[volume].error.startswith("MalformedResponse: ")


def test_listkeys_without_keys_is_malformed_and_flags_no_key_deleted(aws_client, proxied):
    proxy, scan = proxied
    volume = _customer_volume(aws_client)
    proxy.rewrite("ListKeys", without("Keys"))
    inventory = scan().inventory
    [error] = [e for e in inventory.errors if e.operation == "ListKeys"]
    assert (error.region, error.code) == (HOME, "MalformedResponse")
    assert "without its Keys list" in error.message
    resource = by_id(inventory)[volume]
    # The catalogue was not read, so a key missing from it is not a deleted key.
    assert resource.encryption == "unknown"
    assert "key_in_catalogue" not in resource.details


def test_listbuckets_without_buckets_is_an_error_not_an_empty_account(aws_client, proxied):
    proxy, scan = proxied
    aws_client("s3").create_bucket(Bucket="would-vanish")
    body = (b'<?xml version="1.0" encoding="UTF-8"?><ListAllMyBucketsResult '
            b'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Owner><ID>x</ID></Owner>'
            b'</ListAllMyBucketsResult>')
    proxy.answer("ListBuckets", Answer(200, body, "application/xml"))
    outcome = scan()
    assert ("s3", "ListBuckets", "MalformedResponse") in {
        (e.service, e.operation, e.code) for e in outcome.inventory.errors}
    assert outcome.tasks_failed >= 1


def test_an_encryption_answer_with_no_rule_leaves_the_bucket_unknown(aws_client, proxied):
    proxy, scan = proxied
    aws_client("s3").create_bucket(Bucket="no-rules")
    body = (b'<?xml version="1.0" encoding="UTF-8"?><ServerSideEncryptionConfiguration '
            b'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"></ServerSideEncryptionConfiguration>')
    proxy.answer("GetBucketEncryption", Answer(200, body, "application/xml"))
    bucket = by_id(scan().inventory)["no-rules"]
    assert bucket.encryption == "unknown"
    assert bucket.error.startswith("MalformedResponse: ")


def test_an_html_error_page_is_reduced_to_a_code(aws_client, proxied):
    proxy, scan = proxied
    aws_client("ec2").create_volume(AvailabilityZone=f"{HOME}a", Size=1)
    page = b"<html><body><h1>502 Bad Gateway</h1>" + b"<p>upstream</p>" * 200 + b"</body></html>"
    proxy.answer("DescribeVolumes", Answer(502, page, "text/html"))
    inventory = scan().inventory
    [error] = [e for e in inventory.errors if e.operation == "DescribeVolumes"]
    # botocore keeps only the HTTP reason of a 5xx page; the code says it was no AWS error.
    assert (error.code, error.message) == ("HTTP502", "Bad Gateway")


def test_an_html_page_with_a_client_error_status_is_reduced_to_a_code(aws_client, proxied):
    proxy, scan = proxied
    _table(aws_client, "t")
    proxy.answer("ListTables", Answer(403, b"<html><body>Forbidden</body></html>", "text/html"))
    [error] = [e for e in scan().inventory.errors if e.operation == "ListTables"]
    assert (error.code, error.message) == ("HTTP403", "an HTML or XML error page")


def test_a_silent_region_is_given_up_and_the_other_region_is_read(aws_client, proxied):
    proxy, scan = proxied
    _table(aws_client, "here")
    _table(aws_client, "there", OTHER)
    # Every DynamoDB call hangs; the read timeout and two attempts bound each call.
    proxy.hang("ListTables", 3)
    proxy.hang("DescribeVolumes", 3)
    outcome = scan(regions=[HOME, OTHER], read_timeout=0.5, workers=1)
    inventory = outcome.inventory
    timed_out = [e for e in inventory.errors if e.code == "ReadTimeoutError"]
    assert {e.region for e in timed_out} == {HOME, OTHER}
    # After the first silent call of a region, its tasks still queued are not attempted.
    given_up = [e for e in inventory.errors if e.message == GIVEN_UP]
    assert given_up and all(e.code == "ReadTimeoutError" for e in given_up)
    # What was read before the region fell silent stays: no half-scan is lost.
    assert outcome.tasks_ok >= 2


def test_a_creation_date_in_year_9999_is_left_unread(aws_client, proxied):
    proxy, scan = proxied
    aws_client("kms").create_key()

    def far_future(status, headers, body):
        import json

        data = json.loads(body)
        data["KeyMetadata"]["CreationDate"] = 253402300799  # 9999-12-31T23:59:59Z, epoch s
        return Answer(status, json.dumps(data).encode(), headers.get("Content-Type", ""))

    proxy.rewrite("DescribeKey", far_future)
    [key] = scan().inventory.keys
    assert key.created is None  # the inventory stays loadable: its dates stay in range


def test_an_s3_log_object_cut_short_is_a_bad_file_and_the_run_goes_on(aws_client, proxied,
                                                                      tmp_path):
    from planner.measure.run import MeasureRequest, run_measure
    from tests.measure.trail import kms_event, log_file, log_name

    proxy, _ = proxied
    s3 = aws_client("s3")
    s3.create_bucket(Bucket="trail")
    body = log_file([kms_event("Decrypt", "2026-10-01T08:00:00Z")])
    for i in range(3):
        s3.put_object(Bucket="trail", Key=f"AWSLogs/{log_name('2026-10-01', i)}", Body=body)
    cut_name = log_name("2026-10-01", 1)
    proxy.cut.add(f"GET /trail/AWSLogs/{cut_name}")
    endpoint = proxy.endpoint

    def client(service, region_name=None):
        from botocore.config import Config

        return boto3.client(service, region_name="us-east-1", endpoint_url=endpoint,
                            config=Config(retries={"max_attempts": 1}))

    request = MeasureRequest(out=tmp_path / "usage.yaml", cloudtrail="s3://trail/AWSLogs/")
    measurement = run_measure(request, client).measurement
    assert measurement.files == 3 and measurement.events == 2
    [bad] = measurement.bad_files
    assert bad.name == f"s3://trail/AWSLogs/{cut_name}"
    assert bad.reason.startswith("cannot read: ")
