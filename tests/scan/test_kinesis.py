"""Kinesis Data Streams: unencrypted, AWS managed key, customer key; AccessDenied."""

from __future__ import annotations

from botocore.stub import Stubber

from planner.scan import kinesis
from tests.scan.conftest import StubClients, by_id, raw_client, refuse, stub_scope


def _seed(aws_client):
    key = aws_client("kms").create_key()["KeyMetadata"]
    streams = aws_client("kinesis")
    for name in ("plain", "managed", "customer"):
        streams.create_stream(StreamName=name, ShardCount=1)
    streams.start_stream_encryption(StreamName="managed", EncryptionType="KMS",
                                    KeyId="alias/aws/kinesis")
    streams.start_stream_encryption(StreamName="customer", EncryptionType="KMS",
                                    KeyId=key["KeyId"])
    return key


def test_each_encryption_state(aws_client, scan_estate):
    key = _seed(aws_client)
    found = by_id(scan_estate(services=["kinesis"]).inventory)
    assert (found["plain"].encryption, found["plain"].kms_key_arn) == ("none", None)
    assert found["managed"].encryption == "aws-managed"
    assert (found["customer"].encryption, found["customer"].kms_key_arn) == (
        "customer-managed", key["Arn"])
    assert found["plain"].details["open_shards"] == 1


def test_access_denied_leaves_each_stream_unknown(aws_client, scan_estate):
    _seed(aws_client)
    outcome = scan_estate(services=["kinesis"], client_hook=refuse("DescribeStreamSummary"))
    found = by_id(outcome.inventory)
    assert {s.encryption for s in found.values()} == {"unknown"}
    assert found["customer"].error == "AccessDenied: refused by the test"


def test_kms_without_a_key_id_is_not_taken_for_a_key():
    """A reply saying KMS but naming no key (not an AWS shape, but possible from a proxy):
    the key cannot be named, so the stream is not priced as if on any key."""
    client = raw_client("kinesis")
    with Stubber(client) as stub:
        stub.add_response("describe_stream_summary", {"StreamDescriptionSummary": {
            "StreamName": "odd", "StreamARN": "arn:aws:kinesis:us-east-1:111122223333:stream/odd",
            "StreamStatus": "ACTIVE", "RetentionPeriodHours": 24,
            "StreamCreationTimestamp": "2026-01-01T00:00:00Z", "EnhancedMonitoring": [],
            "OpenShardCount": 2, "EncryptionType": "KMS"}})
        [stream] = kinesis.read_stream(stub_scope(StubClients(kinesis=client)), "odd").found
    assert stream.kms_key_arn is None
    assert stream.encryption not in ("none", "aws-managed", "customer-managed")


def test_listing_follows_next_token_and_the_older_has_more_form():
    """ListStreams (Kinesis API reference): NextToken with HasMoreStreams; the emulator and the
    API's older form say HasMoreStreams with no token, so the next page starts after the last
    name. Three pages, every name once."""
    client = raw_client("kinesis")
    with Stubber(client) as stub:
        stub.add_response("list_streams", {"StreamNames": ["a", "b"], "HasMoreStreams": True,
                                           "NextToken": "t1"}, {"Limit": 100})
        stub.add_response("list_streams", {"StreamNames": ["c"], "HasMoreStreams": True},
                          {"Limit": 100, "NextToken": "t1"})
        stub.add_response("list_streams", {"StreamNames": ["d"], "HasMoreStreams": False},
                          {"Limit": 100, "ExclusiveStartStreamName": "c"})
        names = list(kinesis.stream_names(client))
        stub.assert_no_pending_responses()
    assert names == ["a", "b", "c", "d"]


def test_more_than_a_page_of_streams_in_the_emulator(aws_client, scan_estate):
    streams = aws_client("kinesis")
    for i in range(12):  # the emulator pages by 10 when no Limit is sent
        streams.create_stream(StreamName=f"s{i:02d}", ShardCount=1)
    found = by_id(scan_estate(services=["kinesis"]).inventory)
    assert sorted(found) == [f"s{i:02d}" for i in range(12)]
