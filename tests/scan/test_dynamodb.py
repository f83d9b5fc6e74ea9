"""DynamoDB: a table with each of the three key types, size and item count."""

from __future__ import annotations

from botocore.stub import Stubber

from planner.scan import dynamodb
from tests.scan.conftest import StubClients, by_id, raw_client, stub_scope


def _table(ddb, name, **options):
    ddb.create_table(TableName=name, KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                     AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                     BillingMode="PAY_PER_REQUEST", **options)


def test_each_key_type(aws_client, scan_estate):
    key = aws_client("kms").create_key()["KeyMetadata"]
    ddb = aws_client("dynamodb")
    _table(ddb, "owned")
    _table(ddb, "managed", SSESpecification={"Enabled": True})
    _table(ddb, "customer", SSESpecification={"Enabled": True, "SSEType": "KMS",
                                              "KMSMasterKeyId": key["KeyId"]},
           Tags=[{"Key": "app", "Value": "orders"}])
    found = by_id(scan_estate().inventory)
    assert (found["owned"].encryption, found["owned"].kms_key_arn) == ("aws-owned", None)
    assert found["managed"].encryption == "aws-managed"
    # The emulator answers the bare key id where AWS gives the ARN: both resolve to the ARN.
    assert (found["customer"].encryption, found["customer"].kms_key_arn) == (
        "customer-managed", key["Arn"])
    assert found["customer"].tags == {"app": "orders"}
    assert found["owned"].details == {"item_count": 0, "billing_mode": "PAY_PER_REQUEST"}


def test_size_in_gb_and_items_from_describe_table():
    """Shapes from the DynamoDB API reference (a provisioned table omits BillingModeSummary)."""
    client = raw_client("dynamodb")
    arn = "arn:aws:dynamodb:us-east-1:111122223333:table/big"
    with Stubber(client) as stub:
        stub.add_response("describe_table", {"Table": {
            "TableName": "big", "TableArn": arn, "TableSizeBytes": 3_500_000_000,
            "ItemCount": 42, "SSEDescription": {"Status": "ENABLED", "SSEType": "KMS",
                                                "KMSMasterKeyArn": "arn:aws:kms:us-east-1:"
                                                "111122223333:key/x"}}})
        step = dynamodb.read_table(stub_scope(StubClients(dynamodb=client)), "big")
        stub.assert_no_pending_responses()
    [table] = step.found
    # 3,500,000,000 bytes / 10^9 = 3.5 GB.
    assert (table.size_gb, table.details) == (3.5, {"item_count": 42,
                                                    "billing_mode": "PROVISIONED"})
