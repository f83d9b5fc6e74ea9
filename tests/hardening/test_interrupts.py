"""Ctrl-C (SIGINT, sent with os.kill to a real process): the command stops without waiting
for calls in flight, says it was interrupted, exits 130, prints no traceback and leaves no
output behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import boto3
import pytest

from tests.hardening.faultproxy import fault_proxy
from tests.measure.trail import kms_event, log_file, log_name, write_tree

# Longer than any wait below: a process still running when it ends waited for a hung call.
HUNG = 30
PATIENCE = 20  # seconds to wait for the process to end after Ctrl-C


def _start(args: list[str], cwd: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "planner", *args], cwd=cwd,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _until(condition, what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting for {what}")
        time.sleep(0.05)


def _interrupt(process: subprocess.Popen) -> tuple[int, str]:
    os.kill(process.pid, signal.SIGINT)
    try:
        _, err = process.communicate(timeout=PATIENCE)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        pytest.fail("still running after Ctrl-C: it waited for a call in flight")
    return process.returncode, err


def _stopped_cleanly(code: int, err: str) -> None:
    assert code == 130, err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err
    assert "kmsplan: interrupted" in err


def test_ctrl_c_during_a_scan_with_a_hung_call_stops_at_once(fresh_aws, tmp_path):
    boto3.client("dynamodb", region_name="us-east-1", endpoint_url=fresh_aws).create_table(
        TableName="t", BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}])
    with fault_proxy(fresh_aws) as (proxy, endpoint):
        proxy.hang("DescribeTable", HUNG)
        out = tmp_path / "inventory.json"
        process = _start(["scan", "--regions", "us-east-1", "--endpoint-url", endpoint,
                          "--out", str(out), "--quiet"], tmp_path)
        _until(lambda: "DescribeTable" in proxy.seen, "the hung DescribeTable")
        code, err = _interrupt(process)
    _stopped_cleanly(code, err)
    assert "pending task(s) dropped" in err and "call(s) in flight" in err
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_ctrl_c_during_usage_measure_from_s3_with_a_hung_read(fresh_aws, tmp_path):
    s3 = boto3.client("s3", region_name="us-east-1", endpoint_url=fresh_aws)
    s3.create_bucket(Bucket="trail")
    body = log_file([kms_event("Decrypt", "2026-10-01T08:00:00Z")])
    for i in range(3):
        s3.put_object(Bucket="trail", Key=f"AWSLogs/{log_name('2026-10-01', i)}", Body=body)
    with fault_proxy(fresh_aws) as (proxy, endpoint):
        proxy.hang("GET /trail/AWSLogs/*", HUNG)  # every GetObject of a log
        out = tmp_path / "usage.yaml"
        process = _start(["usage", "measure", "--cloudtrail", "s3://trail/AWSLogs/",
                          "--endpoint-url", endpoint, "--out", str(out)], tmp_path)
        _until(lambda: any(s.startswith("GET /trail/AWSLogs/") for s in proxy.seen),
               "a hung GetObject")
        code, err = _interrupt(process)
    _stopped_cleanly(code, err)
    assert not out.exists()


def _children(pid: int) -> list[str]:
    try:
        return Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux /proc")
def test_ctrl_c_with_worker_processes_prints_no_traceback(tmp_path):
    records = [kms_event("Decrypt", "2026-10-01T08:00:00Z")] * 3000
    body = log_file(records)  # one body, written many times: enough work to be interrupted
    write_tree(tmp_path / "logs", {log_name("2026-10-01", i): body for i in range(2000)})
    out = tmp_path / "usage.yaml"
    process = _start(["usage", "measure", "--cloudtrail", str(tmp_path / "logs"),
                      "--workers", "2", "--out", str(out)], tmp_path)
    _until(lambda: len(_children(process.pid)) >= 2 or process.poll() is not None,
           "the worker processes")
    if process.poll() is not None:
        pytest.fail("counting finished before it could be interrupted: give it more files")
    code, err = _interrupt(process)
    _stopped_cleanly(code, err)
    assert not out.exists()


def test_a_second_ctrl_c_ends_the_process_at_once(fresh_aws, tmp_path):
    with fault_proxy(fresh_aws) as (proxy, endpoint):
        proxy.hang("ListTables", HUNG)
        process = _start(["scan", "--regions", "us-east-1", "--endpoint-url", endpoint,
                          "--out", str(tmp_path / "i.json"), "--quiet"], tmp_path)
        _until(lambda: "ListTables" in proxy.seen, "the hung ListTables")
        os.kill(process.pid, signal.SIGINT)
        code, err = _interrupt(process)  # the second one
    assert code == 130 and "Traceback" not in err
    assert not (tmp_path / "i.json").exists()
