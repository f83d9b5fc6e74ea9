"""Three measurement fixes found on real CloudTrail records: UpdateAlias names the alias first,
declined files are reported, and a short window is measured to the minute."""

from __future__ import annotations

import gzip
import json

import pytest

from planner.cli import main
from planner.measure.athena import count_query
from planner.measure.cloudtrail import fast_path_built, local_files, measure_files
from tests.measure.trail import ACCOUNT, KEY_A, KEY_B_ID, kms_event, log_file, write_tree

ALIAS_ARN = f"arn:aws:kms:us-east-1:{ACCOUNT}:alias/app-data"
NAME = f"AWSLogs/{ACCOUNT}/CloudTrail/us-east-1/2026/10/01/" \
       f"{ACCOUNT}_CloudTrail_us-east-1_20261001T0005Z_0001abcd.json.gz"


def update_alias() -> dict:
    """UpdateAlias as CloudTrail logs it: the alias, then the keys, all typed AWS::KMS::Key."""
    record = kms_event("UpdateAlias", "2026-10-01T00:02:00Z", None,
                       params={"aliasName": "alias/app-data", "targetKeyId": KEY_B_ID})
    record["resources"] = [
        {"accountId": ACCOUNT, "type": "AWS::KMS::Key", "ARN": ALIAS_ARN},
        {"accountId": ACCOUNT, "type": "AWS::KMS::Key", "ARN": KEY_A},
    ]
    return record


@pytest.mark.parametrize("fast", [True, False], ids=["fast path", "reference path"])
def test_update_alias_is_counted_under_the_first_key_arn_not_the_alias(tmp_path, fast):
    write_tree(tmp_path, {NAME: log_file([update_alias()])})
    result = measure_files(local_files(tmp_path), "test", fast=fast)
    assert {arn for arn, _, _ in result.requests} == {KEY_A}
    assert result.fast_files == (1 if fast and fast_path_built() else 0)


def test_the_athena_query_takes_a_key_arn_too():
    assert "strpos(r.arn, ':key/') > 0" in count_query("trail.logs")


def test_one_five_minute_file_is_scaled_from_five_minutes_not_a_day(tmp_path, capsys):
    # Ten Decrypts in the file delivered at 00:05, which covers 00:00 to 00:05: 5 minutes.
    # A month is 30.4 days x 1,440 = 43,776 minutes: 10 x 43,776 / 5 = 87,552 requests
    # (counted as a whole day, it was 10 x 30.4 = 304).
    events = [kms_event("Decrypt", f"2026-10-01T00:0{m}:30Z") for m in (1, 2, 3, 4) * 2]
    events += [kms_event("Decrypt", "2026-10-01T00:01:00Z")] * 2
    write_tree(tmp_path / "trail", {NAME: log_file(events)})
    result = measure_files(local_files(tmp_path / "trail"), "test")
    assert result.window_minutes() == 5
    assert result.monthly_keys()[KEY_A]["requests"]["symmetric"] == 87_552
    with pytest.raises(SystemExit):
        main(["usage", "measure", "--cloudtrail", str(tmp_path / "trail"),
              "--out", str(tmp_path / "u.yaml"), "--json"])
    printed = json.loads(capsys.readouterr().out)
    assert printed["window_minutes"] == 5


def test_a_window_of_days_is_still_counted_in_whole_days(tmp_path):
    other = NAME.replace("2026/10/01", "2026/10/03").replace("20261001", "20261003")
    write_tree(tmp_path, {NAME: log_file([kms_event("Decrypt", "2026-10-01T00:01:00Z")]),
                          other: log_file([kms_event("Decrypt", "2026-10-03T00:01:00Z")])})
    result = measure_files(local_files(tmp_path), "test")
    assert (result.window_minutes(), result.window_days()) == (None, 3)


def test_declined_files_are_counted_and_said(tmp_path, capsys):
    # An escape in a kept string (eventName) is something the fast path leaves to the
    # reference path. Five such files: more than a few, so stderr says so.
    files = {}
    for n in range(5):
        body = json.dumps({"Records": [kms_event("Decrypt", "2026-10-01T00:01:00Z")]})
        body = body.replace('"Decrypt"', '"Decr\\u0079pt"')
        files[NAME.replace("0001abcd", f"000{n}abcd")] = gzip.compress(body.encode())
    write_tree(tmp_path / "trail", files)
    with pytest.raises(SystemExit):
        main(["usage", "measure", "--cloudtrail", str(tmp_path / "trail"),
              "--out", str(tmp_path / "u.yaml"), "--json"])
    captured = capsys.readouterr()
    printed = json.loads(captured.out)
    expected = 5 if fast_path_built() else 0
    assert printed["declined_files"] == expected
    assert printed["keys"][KEY_A]["symmetric"] > 0  # counted all the same
    assert ("the fast path declined 5 of 5 files" in captured.err) == bool(expected)
