"""The Athena path: the query it sends and the parsing of its results, with botocore Stubber."""

from __future__ import annotations

import boto3
import pytest
from botocore.stub import ANY, Stubber

from planner.errors import InputError
from planner.measure.athena import COLUMNS, count_query, measure_athena
from tests.measure.trail import KEY_A, KEY_B

QUERY_ID = "a1b2c3d4-5678-90ab-cdef-EXAMPLE11111"


def row(*values):
    return {"Data": [{} if v is None else {"VarCharValue": v} for v in values]}


def results_page(rows, token=None):
    page = {
        "UpdateCount": 0,
        "ResultSet": {"Rows": rows, "ResultSetMetadata": {"ColumnInfo": [
            {"Name": c, "Type": "varchar"} for c in COLUMNS]}},
    }
    if token:
        page["NextToken"] = token
    return page


def status(state, reason=None):
    body = {"State": state}
    if reason:
        body["StateChangeReason"] = reason
    return {"QueryExecution": {"QueryExecutionId": QUERY_ID, "Status": body}}


@pytest.fixture
def athena():
    client = boto3.client("athena", region_name="us-east-1", aws_access_key_id="x",
                          aws_secret_access_key="x")
    with Stubber(client) as stub:
        yield client, stub
        stub.assert_no_pending_responses()


def test_query_is_sent_polled_and_every_page_read(athena):
    client, stub = athena
    stub.add_response("start_query_execution", {"QueryExecutionId": QUERY_ID}, {
        "QueryString": count_query("cloudtrail.logs", "2026-10-01", "2026-11-01"),
        "QueryExecutionContext": {"Database": "cloudtrail"}, "WorkGroup": "primary",
    })
    stub.add_response("get_query_execution", status("RUNNING"), {"QueryExecutionId": QUERY_ID})
    stub.add_response("get_query_execution", status("SUCCEEDED"), {"QueryExecutionId": QUERY_ID})
    acct, region = "111122223333", "us-east-1"
    stub.add_response("get_query_results", results_page([
        row(*COLUMNS),
        row(KEY_A, acct, region, "AwsApiCall", "Decrypt", None, "SYMMETRIC_DEFAULT", "s3",
            "600", "2026-10-01T00:00:05Z", "2026-10-20T11:00:00Z"),
        row(KEY_A, acct, region, "AwsApiCall", "GenerateDataKey", None, None, "ebs",
            "200", "2026-10-02T00:00:00Z", "2026-10-30T23:59:59Z"),
    ], token="page2"), {"QueryExecutionId": QUERY_ID})
    stub.add_response("get_query_results", results_page([
        row(KEY_B, acct, region, "AwsApiCall", "GenerateDataKeyPair", "RSA_2048", None,
            "other", "10", "2026-10-31T10:00:00Z", "2026-10-31T10:00:00Z"),
        row(KEY_A, acct, region, "AwsServiceEvent", "RotateKey", None, None, "other",
            "1", "2026-10-15T00:00:00Z", "2026-10-15T00:00:00Z"),
        row(None, acct, region, "AwsApiCall", "ListKeys", None, None, "other",
            "7", "2026-10-03T00:00:00Z", "2026-10-04T00:00:00Z"),
    ]), {"QueryExecutionId": QUERY_ID, "NextToken": "page2"})
    naps = []
    result = measure_athena(client, "cloudtrail.logs", "primary", since="2026-10-01",
                            until="2026-11-01", sleep=naps.append, poll_seconds=3)
    assert naps == [3]  # one wait, while RUNNING
    assert result.source == "Athena cloudtrail.logs"
    assert result.events == 600 + 200 + 10 + 1 + 7
    assert result.not_billed == 1 and result.unattributed == 7
    # 1 to 31 October: 31 days, so a month is x 30.4 / 31.
    assert result.window() == "2026-10-01/2026-10-31"
    keys = result.monthly_keys()
    # KEY_A symmetric 800 x 30.4 / 31 = 784.5 -> 785; s3 600 -> 588.4 -> 588; ebs 200 -> 196.1
    assert keys[KEY_A]["requests"]["symmetric"] == 785
    assert keys[KEY_A]["by_service"] == {"ebs": 196, "s3": 588}
    # KEY_B: 10 RSA key pairs -> 9.8 -> 10
    assert keys[KEY_B]["requests"]["gdkp_rsa"] == 10


def test_failed_query_is_reported_with_its_reason(athena):
    client, stub = athena
    stub.add_response("start_query_execution", {"QueryExecutionId": QUERY_ID}, {
        "QueryString": ANY, "QueryExecutionContext": {"Database": "db"}, "WorkGroup": "wg"})
    stub.add_response("get_query_execution",
                      status("FAILED", "TABLE_NOT_FOUND: line 1:1: Table db.nope does not exist"),
                      {"QueryExecutionId": QUERY_ID})
    with pytest.raises(InputError, match="FAILED: TABLE_NOT_FOUND"):
        measure_athena(client, "db.nope", "wg", sleep=lambda s: None)


def test_query_counts_kms_events_from_the_documented_columns():
    sql = count_query("cloudtrail.logs")
    assert "FROM cloudtrail.logs WHERE eventsource = 'kms.amazonaws.com'" in sql
    assert "r.type = 'AWS::KMS::Key'" in sql and "'$.keyId'" in sql
    assert "useridentity.invokedby" in sql and "'$.keyPairSpec'" in sql
    assert "GROUP BY 1, 2, 3, 4, 5, 6, 7, 8" in sql


@pytest.mark.parametrize(("table", "since"), [
    ("logs", None), ("db.logs; DROP TABLE x", None), ("db.logs", "2026-10-01' OR '1'='1"),
])
def test_table_and_dates_are_checked_before_any_sql_is_built(table, since):
    with pytest.raises(InputError):
        count_query(table, since)
