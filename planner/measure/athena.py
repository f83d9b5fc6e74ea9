"""The CloudTrail counts as one SQL query in Amazon Athena, over a trail's table.

The table is the one the CloudTrail and Athena guides define (columns eventsource, eventname,
eventtype, eventtime, requestparameters as JSON text, resources as array<struct<arn, type>>,
useridentity.invokedby, sourceipaddress, useragent, recipientaccountid, awsregion). Athena
groups; the classes are decided here by the same rules as for log files.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable

from planner.errors import InputError
from planner.measure.classify import OTHER_SERVICE, SERVICE_SIGNS, request_class
from planner.measure.counts import Measurement
from planner.measure.keyspecs import KeyDirectory

TABLE_NAME = re.compile(r"^[A-Za-z0-9_]+\.[A-Za-z0-9_]+$")
DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
COLUMNS = ("key_ref", "account", "region", "event_type", "event_name", "key_pair_spec",
           "algorithm", "service", "requests", "first_event", "last_event")
HOSTS = ("concat(coalesce(useridentity.invokedby, ''), ' ', coalesce(sourceipaddress, ''),"
         " ' ', coalesce(useragent, ''))")


def _service_case() -> str:
    """SQL for classify.calling_service: hosts first, then the encryption context."""
    by_host = [f"WHEN {HOSTS} LIKE '%{host}%' THEN '{service}'"
               for service, (hosts, _) in SERVICE_SIGNS.items() for host in hosts]
    by_context = [
        f"WHEN json_extract(requestparameters, '$.encryptionContext[\"{key}\"]') IS NOT NULL"
        f" THEN '{service}'"
        for service, (_, keys) in SERVICE_SIGNS.items() for key in keys
    ]
    return "CASE " + " ".join(by_host + by_context) + f" ELSE '{OTHER_SERVICE}' END"


def count_query(table: str, since: str | None = None, until: str | None = None) -> str:
    """The SQL: KMS events grouped by key, operation, parameters that price it, and caller."""
    if not TABLE_NAME.match(table):
        raise InputError(f"--athena: {table!r} is not DATABASE.TABLE (letters, digits, _)")
    where = ["eventsource = 'kms.amazonaws.com'"]
    for bound, operator in ((since, ">="), (until, "<")):
        if bound is not None:
            if not DAY.match(bound):
                raise InputError(f"--since/--until: {bound!r} is not a date YYYY-MM-DD")
            where.append(f"eventtime {operator} '{bound}'")
    # The table name and dates are checked against the patterns above: no user text is quoted.
    return (
        "SELECT coalesce(element_at(transform(filter(resources, r -> r.type = 'AWS::KMS::Key'),"  # noqa: S608
        " r -> r.arn), 1), json_extract_scalar(requestparameters, '$.keyId')) AS key_ref,"
        " recipientaccountid AS account, awsregion AS region, eventtype AS event_type,"
        " eventname AS event_name,"
        " json_extract_scalar(requestparameters, '$.keyPairSpec') AS key_pair_spec,"
        " coalesce(json_extract_scalar(requestparameters, '$.encryptionAlgorithm'),"
        " json_extract_scalar(requestparameters, '$.signingAlgorithm')) AS algorithm,"
        f" {_service_case()} AS service,"
        " count(*) AS requests, min(eventtime) AS first_event, max(eventtime) AS last_event"
        f" FROM {table} WHERE {' AND '.join(where)}"
        " GROUP BY 1, 2, 3, 4, 5, 6, 7, 8"
    )


def measure_athena(
    athena, table: str, workgroup: str, keys: KeyDirectory | None = None,
    since: str | None = None, until: str | None = None,
    sleep: Callable[[float], None] = time.sleep, poll_seconds: float = 2.0,
) -> Measurement:
    """Run the query in `workgroup`, wait for it, and count its rows like log records."""
    keys = keys or KeyDirectory()
    database = table.split(".", 1)[0]
    query = count_query(table, since, until)
    started = athena.start_query_execution(
        QueryString=query, QueryExecutionContext={"Database": database}, WorkGroup=workgroup
    )
    query_id = started["QueryExecutionId"]
    while True:
        status = athena.get_query_execution(QueryExecutionId=query_id)["QueryExecution"]["Status"]
        state = status["State"]
        if state == "SUCCEEDED":
            break
        if state in ("FAILED", "CANCELLED"):
            reason = status.get("StateChangeReason", "no reason given")
            raise InputError(f"--athena {table}: query {query_id} {state}: {reason}")
        sleep(poll_seconds)
    result = Measurement(source=f"Athena {table}")
    for row in _rows(athena, query_id):
        _count_row(row, result, keys)
    return result


def _rows(athena, query_id: str):
    """Result rows as dicts by column name; the first row of the first page is the header."""
    header = None
    pages = athena.get_paginator("get_query_results").paginate(QueryExecutionId=query_id)
    for page in pages:
        for row in page["ResultSet"]["Rows"]:
            values = [cell.get("VarCharValue") for cell in row["Data"]]
            if header is None:
                header = values
                continue
            yield dict(zip(header, values, strict=True))


def _count_row(row: dict, result: Measurement, keys: KeyDirectory) -> None:
    requests = int(row["requests"])
    result.events += requests
    if row["first_event"] and row["last_event"]:
        result.saw_time(row["first_event"], row["last_event"])
    if row["event_type"] == "AwsServiceEvent":
        result.not_billed += requests
        return
    arn = keys.resolve(row["key_ref"], row["account"], row["region"])
    if arn is None:
        result.unattributed += requests
        return
    request = request_class(row["event_name"] or "", keys.spec(arn), row["key_pair_spec"],
                            row["algorithm"])
    result.requests[(arn, request, row["service"] or OTHER_SERVICE)] += requests
