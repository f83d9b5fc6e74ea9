"""SQS: none, SSE-SQS, the AWS managed key and a customer key; the reuse period; AccessDenied."""

from __future__ import annotations

from botocore.stub import Stubber

from planner.scan import sqs
from tests.scan.conftest import HOME, StubClients, by_id, raw_client, refuse, stub_scope


def _seed(aws_client):
    key = aws_client("kms").create_key()["KeyMetadata"]
    queues = aws_client("sqs")
    queues.create_queue(QueueName="owned", Attributes={"SqsManagedSseEnabled": "true"},
                        tags={"team": "orders"})
    queues.create_queue(QueueName="managed", Attributes={"KmsMasterKeyId": "alias/aws/sqs"})
    queues.create_queue(QueueName="customer", Attributes={
        "KmsMasterKeyId": key["KeyId"], "KmsDataKeyReusePeriodSeconds": "600"})
    return key


def test_each_encryption_state(aws_client, scan_estate):
    key = _seed(aws_client)
    found = by_id(scan_estate(services=["sqs"]).inventory)
    assert (found["owned"].encryption, found["owned"].kms_key_arn) == ("aws-owned", None)
    assert found["managed"].encryption == "aws-managed"
    # A bare key id resolves to the key's ARN through the key catalogue.
    assert (found["customer"].encryption, found["customer"].kms_key_arn) == (
        "customer-managed", key["Arn"])
    assert found["customer"].details["data_key_reuse_seconds"] == 600
    assert found["managed"].details["data_key_reuse_seconds"] == 300
    assert found["customer"].arn == f"arn:aws:sqs:{HOME}:123456789012:customer"
    # Tags come from the Tagging API's pages, not a ListQueueTags call per queue.
    assert (found["owned"].tags, found["managed"].tags) == ({"team": "orders"}, {})


def test_access_denied_leaves_each_queue_unknown(aws_client, scan_estate):
    _seed(aws_client)
    outcome = scan_estate(services=["sqs"], client_hook=refuse("GetQueueAttributes"))
    found = by_id(outcome.inventory)
    assert {q.encryption for q in found.values()} == {"unknown"}
    assert found["owned"].error == "AccessDenied: refused by the test"
    assert {(e.service, e.operation, e.code) for e in outcome.inventory.errors
            if e.service != "kms"} == {
        ("sqs", "GetQueueAttributes", "AccessDenied")}


def test_a_queue_without_sse_is_none_and_listing_pages_with_max_results():
    """AWS shapes (SQS API reference): a queue created with SqsManagedSseEnabled false and no
    key; ListQueues pages only when MaxResults is sent (the emulator pages regardless)."""
    client = raw_client("sqs")
    url = f"https://sqs.{HOME}.amazonaws.com/111122223333/plain"
    with Stubber(client) as stub:
        stub.add_response("list_queues", {"QueueUrls": [url], "NextToken": "t"},
                          {"MaxResults": 1000})
        stub.add_response("list_queues", {"QueueUrls": [url + "2"]},
                          {"MaxResults": 1000, "NextToken": "t"})
        stub.add_response("get_queue_attributes", {"Attributes": {
            "QueueArn": f"arn:aws:sqs:{HOME}:111122223333:plain",
            "SqsManagedSseEnabled": "false"}},
            {"QueueUrl": url, "AttributeNames": sqs.ATTRIBUTES})
        scope = stub_scope(StubClients(sqs=client))
        listed = sqs.list_queues(scope)
        [queue] = listed.more[0].run(scope).found
        stub.assert_no_pending_responses()
    assert len(listed.more) == 2
    assert (queue.resource_id, queue.encryption, queue.kms_key_arn) == ("plain", "none", None)
