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
        row("true", KEY_A, acct, region, "AwsApiCall", "Decrypt", None, "SYMMETRIC_DEFAULT", "s3",
            "600", "2026-10-01T00:00:05Z", "2026-10-20T11:00:00Z"),
        row("true", KEY_A, acct, region, "AwsApiCall", "GenerateDataKey", None, None, "ebs",
            "200", "2026-10-02T00:00:00Z", "2026-10-30T23:59:59Z"),
    ], token="page2"), {"QueryExecutionId": QUERY_ID})
    stub.add_response("get_query_results", results_page([
        row("true", KEY_B, acct, region, "AwsApiCall", "GenerateDataKeyPair", "RSA_2048", None,
            "other", "10", "2026-10-31T10:00:00Z", "2026-10-31T10:00:00Z"),
        row("true", KEY_A, acct, region, "AwsServiceEvent", "RotateKey", None, None, "other",
            "1", "2026-10-15T00:00:00Z", "2026-10-15T00:00:00Z"),
        row("true", None, acct, region, "AwsApiCall", "ListKeys", None, None, "other",
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
    assert "(eventsource = 'kms.amazonaws.com') AS is_kms" in sql
    assert "AS is_kms FROM cloudtrail.logs)" in sql
    assert "r.type = 'AWS::KMS::Key'" in sql and "'$.keyId'" in sql
    assert "useridentity.invokedby" in sql and "'$.keyPairSpec'" in sql
    assert "GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9" in sql


@pytest.mark.parametrize(("table", "since"), [
    ("logs", None), ("db.logs; DROP TABLE x", None), ("db.logs", "2026-10-01' OR '1'='1"),
])
def test_table_and_dates_are_checked_before_any_sql_is_built(table, since):
    with pytest.raises(InputError):
        count_query(table, since)


def answer(stub, rows, table="cloudtrail.logs", since=None, until=None):
    """The stubbed exchange of one query whose result is `rows` (after the header)."""
    stub.add_response("start_query_execution", {"QueryExecutionId": QUERY_ID}, {
        "QueryString": count_query(table, since, until),
        "QueryExecutionContext": {"Database": table.split(".")[0]}, "WorkGroup": "primary"})
    stub.add_response("get_query_execution", status("SUCCEEDED"), {"QueryExecutionId": QUERY_ID})
    stub.add_response("get_query_results", results_page([row(*COLUMNS), *rows]),
                      {"QueryExecutionId": QUERY_ID})


def decrypts(requests, first, last, key=KEY_A, account="111122223333"):
    return row("true", key, account, "us-east-1", "AwsApiCall", "Decrypt", None, None, "other",
               str(requests), first, last)


def other_records(first, last):
    """The group of every record that is not counted: its times only."""
    return row("false", None, None, None, None, None, None, None, None, "5000", first, last)


# KMS used on 10 and 12 October only: 100 Decrypts. Over the 31 days of October,
# 100 x 30.4 / 31 = 98.06 -> 98 a month (from the KMS events alone: 100 x 30.4 / 3 = 1,013).
OCTOBER_MONTHLY = 98


def test_without_dates_the_window_spans_all_records_not_only_kms(athena):
    client, stub = athena
    answer(stub, [decrypts(100, "2026-10-10T08:00:00Z", "2026-10-12T09:00:00Z"),
                  other_records("2026-10-01T00:00:01Z", "2026-10-31T23:59:00Z")])
    result = measure_athena(client, "cloudtrail.logs", "primary", sleep=lambda s: None)
    assert result.window() == "2026-10-01/2026-10-31"
    assert result.events == 100  # the other records are not KMS events
    assert result.monthly_keys()[KEY_A]["requests"]["symmetric"] == OCTOBER_MONTHLY


def test_since_and_until_are_the_window(athena):
    client, stub = athena
    answer(stub, [decrypts(100, "2026-10-10T08:00:00Z", "2026-10-12T09:00:00Z"),
                  other_records("2026-10-09T00:00:00Z", "2026-10-13T00:00:00Z")],
           since="2026-10-01", until="2026-11-01")
    result = measure_athena(client, "cloudtrail.logs", "primary", since="2026-10-01",
                            until="2026-11-01", sleep=lambda s: None)
    assert result.window() == "2026-10-01/2026-10-31"  # --until is the first day left out
    assert result.monthly_keys()[KEY_A]["requests"]["symmetric"] == OCTOBER_MONTHLY


def test_since_alone_runs_to_the_last_record(athena):
    client, stub = athena
    answer(stub, [decrypts(100, "2026-10-10T08:00:00Z", "2026-10-12T09:00:00Z"),
                  other_records("2026-10-02T00:00:00Z", "2026-10-16T00:00:00Z")],
           since="2026-10-01")
    result = measure_athena(client, "cloudtrail.logs", "primary", since="2026-10-01",
                            sleep=lambda s: None)
    # 1 to 16 October = 16 days: 100 x 30.4 / 16 = 190 a month.
    assert result.window() == "2026-10-01/2026-10-16"
    assert result.monthly_keys()[KEY_A]["requests"]["symmetric"] == 190


def test_until_must_come_after_since():
    with pytest.raises(InputError, match="--until must be after --since"):
        count_query("cloudtrail.logs", "2026-11-01", "2026-11-01")


CALLER, OWNER = "444455556666", "111122223333"  # KEY_A and KEY_B belong to OWNER


def test_the_query_returns_both_copies_of_a_cross_account_call():
    # No filter on the recipient account: the caller's copies are rows, under `account`.
    sql = count_query("cloudtrail.logs")
    assert "recipientaccountid" in sql and "split_part" not in sql
    assert "if(is_kms, recipientaccountid) AS account" in sql


def test_the_callers_rows_alone_count_under_the_key(athena):
    # A trail of the calling account alone: 40 Decrypts on KEY_A, logged only in CALLER.
    # 1 to 31 October: 40 x 30.4 / 31 = 39.2 -> 39 a month.
    client, stub = athena
    answer(stub, [decrypts(40, "2026-10-01T00:00:00Z", "2026-10-31T00:00:00Z",
                           account=CALLER)])
    result = measure_athena(client, "cloudtrail.logs", "primary", sleep=lambda s: None)
    assert result.caller_copies == 0
    assert result.monthly_keys()[KEY_A]["requests"]["symmetric"] == 39


def test_with_the_owners_rows_each_call_counts_once(athena):
    # An organization trail holds each of the 40 Decrypts twice; the owner's rows count.
    client, stub = athena
    answer(stub, [decrypts(40, "2026-10-01T00:00:00Z", "2026-10-31T00:00:00Z", account=OWNER),
                  decrypts(40, "2026-10-01T00:00:00Z", "2026-10-31T00:00:00Z",
                           account=CALLER)])
    result = measure_athena(client, "cloudtrail.logs", "primary", sleep=lambda s: None)
    assert result.caller_copies == 40
    # 40 x 30.4 / 31 = 39.2 -> 39 a month (both copies: 80 -> 78.45 -> 78)
    assert result.monthly_keys()[KEY_A]["requests"]["symmetric"] == 39


def test_the_owner_present_for_one_key_and_absent_for_another(athena):
    # CALLER uses KEY_A (owner 111122223333, its copies read: 40) and KEY_Z of 555555555555
    # (only CALLER's copies: 31). x 30.4 / 31: 40 -> 39; 31 -> 30.4 -> 30.
    key_z = "arn:aws:kms:us-east-1:555555555555:key/55555555-aaaa-bbbb-cccc-555555555555"
    client, stub = athena
    answer(stub, [decrypts(40, "2026-10-01T00:00:00Z", "2026-10-31T00:00:00Z", account=OWNER),
                  decrypts(40, "2026-10-01T00:00:00Z", "2026-10-31T00:00:00Z",
                           account=CALLER),
                  decrypts(31, "2026-10-05T00:00:00Z", "2026-10-06T00:00:00Z", key=key_z,
                           account=CALLER)])
    result = measure_athena(client, "cloudtrail.logs", "primary", sleep=lambda s: None)
    assert result.events == 111
    assert result.caller_copies == 40
    keys = result.monthly_keys()
    assert keys[KEY_A]["requests"]["symmetric"] == 39
    assert keys[key_z]["requests"]["symmetric"] == 30


def test_the_query_names_callers_by_the_same_patterns_as_the_log_reader():
    from planner.measure.classify import HOST_PATTERNS

    sql = count_query("cloudtrail.logs")
    for service, pattern in HOST_PATTERNS.items():
        assert f", '{pattern.pattern}') THEN '{service}'" in sql
    assert "WHEN json_extract(requestparameters, '$.encryptionContext[\"aws:sqs:arn\"]') " \
           "IS NOT NULL THEN 'sqs'" in sql
    assert "LIKE" not in sql  # es.amazonaws.com must not match inside ses.amazonaws.com
