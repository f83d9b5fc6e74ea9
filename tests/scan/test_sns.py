"""SNS: a topic without SSE, one on the AWS managed key, one on a customer key; AccessDenied."""

from __future__ import annotations

from tests.scan.conftest import assert_listing_refused, by_id, refuse


def _seed(aws_client):
    key = aws_client("kms").create_key()["KeyMetadata"]
    topics = aws_client("sns")
    topics.create_topic(Name="plain")
    topics.create_topic(Name="managed", Attributes={"KmsMasterKeyId": "alias/aws/sns"})
    topics.create_topic(Name="customer", Attributes={"KmsMasterKeyId": key["Arn"]})
    return key


def test_each_encryption_state(aws_client, scan_estate):
    key = _seed(aws_client)
    found = by_id(scan_estate(services=["sns"]).inventory)
    assert (found["plain"].encryption, found["plain"].kms_key_arn) == ("none", None)
    assert found["managed"].encryption == "aws-managed"
    assert (found["customer"].encryption, found["customer"].kms_key_arn) == (
        "customer-managed", key["Arn"])
    assert found["customer"].arn == "arn:aws:sns:us-east-1:123456789012:customer"


def test_access_denied_leaves_each_topic_unknown(aws_client, scan_estate):
    _seed(aws_client)
    outcome = scan_estate(services=["sns"], client_hook=refuse("GetTopicAttributes"))
    found = by_id(outcome.inventory)
    assert {t.encryption for t in found.values()} == {"unknown"}
    assert found["plain"].error == "AccessDenied: refused by the test"


def test_a_refused_listing_is_an_error_not_an_empty_service(aws_client, scan_estate):
    _seed(aws_client)
    assert_listing_refused(scan_estate, "sns", "ListTopics")
