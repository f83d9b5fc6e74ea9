"""usage measure reads untrusted logs: a FIFO, a gzip bomb, a record dated 1970, a time that
is not a time, an Athena query that never ends or a row of the wrong shape."""

from __future__ import annotations

import gzip
import os

import boto3
import pytest
from botocore.stub import ANY, Stubber

from planner.errors import InputError
from planner.measure.athena import AthenaTimeout, measure_athena
from planner.measure.cloudtrail import gunzip_capped, local_files, measure_files
from tests.measure.test_athena import QUERY_ID, results_page, row, status
from tests.measure.trail import kms_event, log_file, log_name, write_tree


def _folder(tmp_path, files: dict[str, bytes]):
    write_tree(tmp_path, files)
    return tmp_path


def test_a_fifo_named_like_a_log_is_a_bad_file_never_opened(tmp_path):
    good = log_name("2026-10-01", 1)
    _folder(tmp_path, {good: log_file([kms_event("Decrypt", "2026-10-01T08:00:00Z")])})
    fifo = tmp_path / log_name("2026-10-01", 2)
    os.mkfifo(fifo)  # opening it for reading would block until a writer came
    result = measure_files(local_files(tmp_path), "test")
    assert result.files == 2 and result.events == 1
    [bad] = result.bad_files
    assert bad.name == str(fifo) and "not a regular file" in bad.reason


def test_a_gzip_bomb_is_refused_after_the_cap_not_inflated_whole():
    bomb = gzip.compress(b"\0" * (8 * 2**20))  # 8 MiB of zeros: about 8 KB compressed
    assert len(bomb) < 2**16
    with pytest.raises(ValueError, match="decompresses to more than 1 MiB"):
        gunzip_capped(bomb, 2**20)
    # Under the cap, and with two members, it is gzip.decompress exactly.
    two = gzip.compress(b"ab") + gzip.compress(b"cd")
    assert gunzip_capped(two, 2**20) == b"abcd"


def test_a_record_dated_1970_does_not_stretch_the_window(tmp_path):
    day = "2026-10-01"
    records = [kms_event("Decrypt", f"{day}T08:00:00Z"),
               kms_event("Decrypt", "1970-01-01T00:00:00Z"),  # far from its file's date
               kms_event("Decrypt", "not a time")]
    _folder(tmp_path, {log_name(day, 1): log_file(records)})
    for fast in (True, False):  # the compiled fast path and the reference path alike
        result = measure_files(local_files(tmp_path), "test", fast=fast)
        assert result.window() == f"{day}/{day}", fast
        assert result.events == 3  # the events are still counted; only their times are not
        assert result.bad_times >= 1, fast


def test_since_that_is_no_date_is_bad_input():
    client = boto3.client("athena", region_name="us-east-1", aws_access_key_id="x",
                          aws_secret_access_key="x")
    with pytest.raises(InputError, match="--since/--until 2026-13-45: .*not an ISO 8601 date"):
        measure_athena(client, "db.t", "primary", since="2026-13-45")


@pytest.fixture
def athena():
    client = boto3.client("athena", region_name="us-east-1", aws_access_key_id="x",
                          aws_secret_access_key="x")
    with Stubber(client) as stub:
        stub.add_response("start_query_execution", {"QueryExecutionId": QUERY_ID}, {
            "QueryString": ANY, "QueryExecutionContext": ANY, "WorkGroup": "primary"})
        yield client, stub
        stub.assert_no_pending_responses()


def test_a_query_past_its_timeout_is_cancelled(athena):
    client, stub = athena
    for _ in range(3):
        stub.add_response("get_query_execution", status("RUNNING"), {"QueryExecutionId": QUERY_ID})
    stub.add_response("stop_query_execution", {}, {"QueryExecutionId": QUERY_ID})
    now = [0.0]

    def nap(seconds):  # a clock that moves only when the code waits
        now[0] += seconds

    with pytest.raises(AthenaTimeout, match="still RUNNING after the --timeout; cancelled"):
        # Polls at 0, 10 and 20 seconds; the third is past the 15-second timeout.
        measure_athena(client, "db.t", "primary", sleep=nap, poll_seconds=10,
                       timeout_seconds=15, clock=lambda: now[0])


def test_ctrl_c_while_waiting_cancels_the_query(athena):
    client, stub = athena
    stub.add_response("get_query_execution", status("QUEUED"), {"QueryExecutionId": QUERY_ID})
    stub.add_response("stop_query_execution", {}, {"QueryExecutionId": QUERY_ID})

    def interrupted(seconds):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        measure_athena(client, "db.t", "primary", sleep=interrupted)


def test_a_malformed_result_row_is_bad_input_naming_the_row(athena):
    client, stub = athena
    stub.add_response("get_query_execution", status("SUCCEEDED"), {"QueryExecutionId": QUERY_ID})
    header = row("is_kms", "requests")  # two columns where the query selects twelve
    stub.add_response("get_query_results", results_page([header, row("true", "many")]),
                      {"QueryExecutionId": QUERY_ID})
    with pytest.raises(InputError, match="result row 2 is not what the query selects"):
        measure_athena(client, "db.t", "primary", sleep=lambda s: None)
