"""CloudWatch Logs: a group on the service's own key, one on a customer key; AccessDenied."""

from __future__ import annotations

from botocore.stub import Stubber

from planner.inventory import Resource
from planner.scan import logs
from planner.scan.assemble import assemble
from planner.scan.tags import Tags
from tests.scan.conftest import StubClients, assert_listing_refused, by_id, raw_client, stub_scope


def test_each_encryption_state(aws_client, scan_estate):
    key = aws_client("kms").create_key()["KeyMetadata"]
    groups = aws_client("logs")
    groups.create_log_group(logGroupName="/app/plain")
    groups.create_log_group(logGroupName="/app/customer", kmsKeyId=key["Arn"])
    found = by_id(scan_estate(services=["logs"]).inventory)
    assert (found["/app/plain"].encryption, found["/app/plain"].kms_key_arn) == (
        "aws-owned", None)
    assert (found["/app/customer"].encryption, found["/app/customer"].kms_key_arn) == (
        "customer-managed", key["Arn"])
    # The bare ARN (the emulator, like AWS's older `arn` field, ends it with ":*").
    assert found["/app/plain"].arn == "arn:aws:logs:us-east-1:123456789012:log-group:/app/plain"


def test_a_refused_listing_is_recorded(aws_client, scan_estate):
    aws_client("logs").create_log_group(logGroupName="hidden")
    assert_listing_refused(scan_estate, "logs", "DescribeLogGroups")


def test_stored_bytes_and_log_group_arn_from_aws_shape():
    """CloudWatch Logs API reference: logGroupArn has no ":*"; storedBytes is in bytes."""
    client = raw_client("logs")
    arn = "arn:aws:logs:us-east-1:111122223333:log-group:big"
    with Stubber(client) as stub:
        stub.add_response("describe_log_groups", {"logGroups": [{
            "logGroupName": "big", "arn": arn + ":*", "logGroupArn": arn,
            "storedBytes": 2_500_000_000, "retentionInDays": 30,
            "logGroupClass": "STANDARD"}]})
        [group] = logs.list_log_groups(stub_scope(StubClients(logs=client))).found
    # 2,500,000,000 bytes / 10^9 = 2.5 GB.
    assert (group.arn, group.size_gb, group.details["retention_days"]) == (arn, 2.5, 30)


def test_tags_from_the_tagging_api_join_the_bare_log_group_arn():
    """The Tagging API names log groups by the ARN without ":*" (the emulator does not tag
    log groups, so the join is shown on what the tasks found)."""
    arn = "arn:aws:logs:us-east-1:111122223333:log-group:/app"
    group = Resource(account="111122223333", region="us-east-1", service="logs",
                     resource_type="log-group", resource_id="/app", arn=arn, name="/app",
                     encryption="aws-owned")
    inventory = assemble([group, Tags("111122223333", arn, {"team": "web"})], [], "aws", set())
    assert inventory.resources[0].tags == {"team": "web"}
