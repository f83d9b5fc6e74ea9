"""The error path: refused, throttled, disabled-region and unreachable calls become "unknown"
with the AWS code, go to the errors list, and never stop the rest of the scan."""

from __future__ import annotations

import boto3
from botocore.exceptions import ClientError

from planner.scan import run_scan
from planner.scan.registry import SERVICES
from tests.scan.conftest import HOME, by_id, refuse


def _customer_volume(aws_client):
    key = aws_client("kms").create_key()["KeyMetadata"]
    return aws_client("ec2").create_volume(AvailabilityZone=f"{HOME}a", Size=1, Encrypted=True,
                                           KmsKeyId=key["Arn"])["VolumeId"]


def test_a_refused_listing_is_recorded_and_the_rest_is_read(aws_client, scan_estate):
    aws_client("ec2").create_volume(AvailabilityZone=f"{HOME}a", Size=1)
    aws_client("s3").create_bucket(Bucket="still-read")
    outcome = scan_estate(client_hook=refuse("DescribeVolumes", "UnauthorizedOperation"))
    inventory = outcome.inventory
    assert [r.resource_id for r in inventory.resources] == ["still-read"]
    [error] = inventory.errors
    assert (error.account, error.region, error.service, error.operation, error.code) == (
        "123456789012", HOME, "ebs", "DescribeVolumes", "UnauthorizedOperation")
    assert error.message == "refused by the test"


def test_without_the_key_catalogue_the_key_manager_is_unknown(aws_client, scan_estate):
    volume = _customer_volume(aws_client)
    s3 = aws_client("s3")
    s3.create_bucket(Bucket="default-key")
    s3.put_bucket_encryption(Bucket="default-key", ServerSideEncryptionConfiguration={"Rules": [
        {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}}]})
    found = by_id(scan_estate(client_hook=refuse("ListKeys")).inventory)
    assert found[volume].encryption == "unknown"
    assert found[volume].error.startswith("AccessDenied: refused by the test")
    # A rule naming no key means alias/aws/s3: AWS managed whatever KMS would have said.
    assert found["default-key"].encryption == "aws-managed"


def test_a_key_describekey_refuses_leaves_its_resources_unknown(aws_client, scan_estate):
    volume = _customer_volume(aws_client)
    outcome = scan_estate(client_hook=refuse("DescribeKey"))
    found = by_id(outcome.inventory)[volume]
    assert found.encryption == "unknown" and found.error.startswith("AccessDenied: ")
    assert ("kms", "DescribeKey", "AccessDenied") in {
        (e.service, e.operation, e.code) for e in outcome.inventory.errors}


def test_throttled_past_retries_is_unknown_with_the_code(aws_client, scan_estate):
    aws_client("dynamodb").create_table(
        TableName="busy", BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}])
    outcome = scan_estate(client_hook=refuse("DescribeTable", "ThrottlingException"))
    table = by_id(outcome.inventory)["busy"]
    assert table.encryption == "unknown"
    assert table.error == "ThrottlingException: refused by the test"


def test_a_disabled_opt_in_region_is_recorded_per_service(aws_client, scan_estate):
    aws_client("ec2").create_volume(AvailabilityZone=f"{HOME}a", Size=1)

    def opt_in_required(client):
        def handler(model, **_):
            if client.meta.region_name == "ap-east-1":
                raise ClientError({"Error": {"Code": "OptInRequired", "Message": "not opted in"}},
                                  model.name)

        client.meta.events.register("before-call", handler)

    outcome = scan_estate(regions=[HOME, "ap-east-1"], client_hook=opt_in_required)
    inventory = outcome.inventory
    assert [r.resource_type for r in inventory.resources] == ["volume"]
    failed = {(e.region, e.service, e.code) for e in inventory.errors}
    assert failed == {("ap-east-1", service.name, "OptInRequired") for service in SERVICES}
    assert {"kms", "s3", "ebs", "rds", "dynamodb", "tags"} <= {s.name for s in SERVICES}
    assert not outcome.nothing_read


def test_an_unreachable_endpoint_reads_nothing(aws_endpoint):
    outcome = run_scan(boto3.Session(region_name=HOME), endpoint_url="http://127.0.0.1:9",
                       max_attempts=1)
    assert outcome.nothing_read
    [error] = outcome.inventory.errors
    assert (error.operation, error.code) == ("GetCallerIdentity", "EndpointConnectionError")


def _bucket_by_alias(aws_client, bucket: str, alias: str) -> None:
    s3 = aws_client("s3")
    s3.create_bucket(Bucket=bucket)
    s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={"Rules": [
        {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms",
                                                "KMSMasterKeyID": alias}}]})


def test_unreadable_aliases_leave_an_alias_reference_unknown(aws_client, scan_estate):
    kms = aws_client("kms")
    key = kms.create_key()["KeyMetadata"]
    kms.create_alias(AliasName="alias/billing", TargetKeyId=key["KeyId"])
    _bucket_by_alias(aws_client, "by-alias", "alias/billing")
    _bucket_by_alias(aws_client, "by-aws-alias", "alias/aws/s3")
    s3 = aws_client("s3")
    s3.create_bucket(Bucket="by-arn")
    s3.put_bucket_encryption(Bucket="by-arn", ServerSideEncryptionConfiguration={"Rules": [
        {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms",
                                                "KMSMasterKeyID": key["Arn"]}}]})
    found = by_id(scan_estate(client_hook=refuse("ListAliases")).inventory)
    assert found["by-alias"].encryption == "unknown"
    assert found["by-alias"].error.startswith("AccessDenied: refused by the test")
    assert "alias/billing" in found["by-alias"].error
    # Unaffected: a key ARN needs no alias, and alias/aws/ names are AWS managed keys.
    assert found["by-arn"].encryption == "customer-managed"
    assert found["by-aws-alias"].encryption == "aws-managed"


def test_an_alias_that_names_no_key_is_unknown_not_a_customer_key(aws_client, scan_estate):
    kms = aws_client("kms")
    key = kms.create_key()["KeyMetadata"]
    kms.create_alias(AliasName="alias/gone", TargetKeyId=key["KeyId"])
    _bucket_by_alias(aws_client, "deleted-alias", "alias/gone")
    kms.delete_alias(AliasName="alias/gone")
    bucket = by_id(scan_estate().inventory)["deleted-alias"]
    assert bucket.encryption == "unknown"
    assert bucket.error == "AliasNotFound: alias/gone does not exist"
