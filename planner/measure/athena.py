"""The CloudTrail counts as one SQL query in Amazon Athena, over a trail's table.

The table is the one the CloudTrail and Athena guides define (columns eventsource, eventname,
eventtype, eventtime, requestparameters as JSON text, resources as array<struct<arn, type>>,
useridentity.invokedby, sourceipaddress, useragent, recipientaccountid, awsregion). Athena
groups; the classes are decided here by the same rules as for log files.
"""

from __future__ import annotations

import contextlib
import re
import time
from collections.abc import Callable
from datetime import date, timedelta

from planner import bounds
from planner.errors import InputError
from planner.measure.classify import (
    OTHER_SERVICE,
    SERVICE_SIGNS,
    principal_pattern,
    request_class,
)
from planner.measure.counts import Measurement
from planner.measure.keyspecs import KeyDirectory

TABLE_NAME = re.compile(r"^[A-Za-z0-9_]+\.[A-Za-z0-9_]+$")
DAY = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
# How long `usage measure --athena` waits for its query (--timeout): a month of a large
# trail is minutes; a query still queued or running after this is cancelled.
DEFAULT_TIMEOUT = 1800
MAX_TIMEOUT = 86_400
COLUMNS = ("is_kms", "key_ref", "account", "region", "event_type", "event_name", "key_pair_spec",
           "algorithm", "service", "requests", "first_event", "last_event")
# The first key ARN among the AWS::KMS::Key resources (UpdateAlias lists the alias first).
KEY_ARN = ("element_at(transform(filter(resources, r -> r.type = 'AWS::KMS::Key'"
           " AND strpos(r.arn, ':key/') > 0), r -> r.arn), 1)")
# Every KMS event, both copies of a cross-account call included: the rows keep the recipient
# account (`account`), and counts.Measurement decides which copy counts, as for log files.
KMS_EVENT = "(eventsource = 'kms.amazonaws.com')"
HOSTS = ("concat(coalesce(useridentity.invokedby, ''), ' ', coalesce(sourceipaddress, ''),"
         " ' ', coalesce(useragent, ''))")


def _service_case() -> str:
    """SQL for classify.calling_service: hosts first, then the encryption context."""
    # The same patterns as classify.HOST_PATTERNS (regexp_like: Java regular expressions).
    by_host = [f"WHEN regexp_like({HOSTS}, '{principal_pattern(hosts)}') THEN '{service}'"
               for service, (hosts, _) in SERVICE_SIGNS.items()]
    by_context = [
        f"WHEN json_extract(requestparameters, '$.encryptionContext[\"{key}\"]') IS NOT NULL"
        f" THEN '{service}'"
        for service, (_, keys) in SERVICE_SIGNS.items() for key in keys
    ]
    return "CASE " + " ".join(by_host + by_context) + f" ELSE '{OTHER_SERVICE}' END"


def count_query(table: str, since: str | None = None, until: str | None = None) -> str:
    """The SQL: KMS events grouped by key, operation, parameters that price it, and caller.

    One more group (is_kms false, every other column NULL) holds the earliest and latest time of
    all other records, so the window covers the time the logs span, KMS events or not.
    """
    if not TABLE_NAME.match(table):
        raise InputError(f"--athena: {table!r} is not DATABASE.TABLE (letters, digits, _)")
    where = []
    for bound, operator in ((since, ">="), (until, "<")):
        if bound is not None:
            if not DAY.match(bound):
                raise InputError(f"--since/--until: {bound!r} is not a date YYYY-MM-DD")
            bounds.moment(bound, f"--since/--until {bound}")  # 2026-13-45 matches the pattern
            where.append(f"eventtime {operator} '{bound}'")
    if since and until and since >= until:
        raise InputError(f"--since {since} --until {until}: --until must be after --since")
    kms = COLUMNS[0]
    columns = [
        f"coalesce({KEY_ARN}, json_extract_scalar(requestparameters, '$.keyId'))",
        "recipientaccountid", "awsregion", "eventtype", "eventname",
        "json_extract_scalar(requestparameters, '$.keyPairSpec')",
        "coalesce(json_extract_scalar(requestparameters, '$.encryptionAlgorithm'),"
        " json_extract_scalar(requestparameters, '$.signingAlgorithm'))",
        _service_case(),
    ]
    selected = ", ".join(f"if({kms}, {sql}) AS {name}"
                         for sql, name in zip(columns, COLUMNS[1:9], strict=True))
    # The table name and dates are checked against the patterns above: no user text is quoted.
    return (
        f"SELECT {kms}, {selected},"  # noqa: S608
        " count(*) AS requests, min(eventtime) AS first_event, max(eventtime) AS last_event"
        f" FROM (SELECT *, {KMS_EVENT} AS {kms} FROM {table}"
        + (f" WHERE {' AND '.join(where)}" if where else "")
        + ") GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9"
    )


def measure_athena(
    athena, table: str, workgroup: str, keys: KeyDirectory | None = None,
    since: str | None = None, until: str | None = None,
    sleep: Callable[[float], None] = time.sleep, poll_seconds: float = 2.0,
    timeout_seconds: float = DEFAULT_TIMEOUT, clock: Callable[[], float] = time.monotonic,
) -> Measurement:
    """Run the query in `workgroup`, wait for it (at most `timeout_seconds`), and count its
    rows like log records. On the timeout or Ctrl-C the query is cancelled (it would go on
    scanning, and billing, for nobody)."""
    if not 0 < timeout_seconds <= MAX_TIMEOUT:
        raise InputError(f"--timeout: must be more than 0 and at most {MAX_TIMEOUT} seconds")
    keys = keys or KeyDirectory()
    query_id = run_query(athena, count_query(table, since, until), table, workgroup, sleep,
                         poll_seconds, timeout_seconds, clock)
    result = Measurement(source=f"Athena {table}")
    for number, row in enumerate(result_rows(athena, query_id), start=2):
        try:
            _count_row(row, result, keys)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise InputError(f"--athena {table}: query {query_id}: result row {number} is not "
                             f"what the query selects ({type(exc).__name__}: {exc})") from None
    # The days asked for are the window (--until is the first day left out); otherwise the
    # earliest and latest record read.
    if since and result.first_time is not None:
        result.first_time = f"{since}T00:00:00Z"
    if until and result.last_time is not None:
        last = date.fromisoformat(until) - timedelta(days=1)
        result.last_time = f"{last.isoformat()}T23:59:59Z"
    return result


def run_query(athena, query: str, table: str, workgroup: str,
              sleep: Callable[[float], None] = time.sleep, poll_seconds: float = 2.0,
              timeout_seconds: float = DEFAULT_TIMEOUT,
              clock: Callable[[], float] = time.monotonic) -> str:
    """Start `query` over DATABASE.TABLE `table` in `workgroup`, wait for it (at most
    `timeout_seconds`), return its id. On the timeout or Ctrl-C the query is cancelled (it
    would go on scanning, and billing, for nobody)."""
    started = athena.start_query_execution(
        QueryString=query, QueryExecutionContext={"Database": table.split(".", 1)[0]},
        WorkGroup=workgroup,
    )
    query_id = started["QueryExecutionId"]
    deadline = clock() + timeout_seconds
    try:
        _wait(athena, table, query_id, sleep, poll_seconds, deadline, clock)
    except (KeyboardInterrupt, AthenaTimeout):
        with contextlib.suppress(Exception):
            athena.stop_query_execution(QueryExecutionId=query_id)
        raise
    return query_id


class AthenaTimeout(InputError):
    """The query ran past --timeout; it was cancelled."""


def _wait(athena, table: str, query_id: str, sleep, poll_seconds: float, deadline: float,
          clock) -> None:
    while True:
        answer = athena.get_query_execution(QueryExecutionId=query_id)
        status = (answer.get("QueryExecution") or {}).get("Status") or {}
        state = status.get("State")
        if state == "SUCCEEDED":
            return
        if state in ("FAILED", "CANCELLED"):
            reason = status.get("StateChangeReason", "no reason given")
            raise InputError(f"--athena {table}: query {query_id} {state}: {reason}")
        if clock() >= deadline:
            raise AthenaTimeout(f"--athena {table}: query {query_id} still {state} after the "
                                "--timeout; cancelled it (raise --timeout for a large table)")
        sleep(poll_seconds)


def result_rows(athena, query_id: str):
    """Result rows as dicts by column name; the first row of the first page is the header."""
    header = None
    pages = athena.get_paginator("get_query_results").paginate(QueryExecutionId=query_id)
    for page in pages:
        for row in (page.get("ResultSet") or {}).get("Rows") or []:
            values = [cell.get("VarCharValue") for cell in row.get("Data") or []]
            if header is None:
                header = values
                continue
            yield dict(zip(header, values, strict=True))


def _count_row(row: dict, result: Measurement, keys: KeyDirectory) -> None:
    if row["first_event"] and row["last_event"]:
        result.saw_time(row["first_event"], row["last_event"])
    if row["is_kms"] != "true":
        return  # the other records: their times only
    requests = bounds.whole(int(row["requests"]), bounds.COUNT, "requests")
    result.events += requests
    result.saw_recipient(row["account"])
    if row["event_type"] == "AwsServiceEvent":
        result.not_billed += requests
        return
    arn = keys.resolve(row["key_ref"], row["account"], row["region"])
    if arn is None:
        result.unattributed += requests
        return
    request = request_class(row["event_name"] or "", keys.spec(arn), row["key_pair_spec"],
                            row["algorithm"])
    result.add_request(arn, request, row["service"] or OTHER_SERVICE, row["account"], requests)
