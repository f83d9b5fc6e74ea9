"""Cross-account calls from log files: the caller's copy counts unless the owner's logs are read.

Caller 111111111111 uses KEY_X of 222222222222 and KEY_Y of 333333333333. Every set below
covers 1 to 16 October = 16 days, so a month is x 30.4 / 16 = x 1.9, rounded half up.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.measure import cloudtrail
from planner.measure.cloudtrail import local_files, measure_files
from planner.measure.counts import Measurement
from planner.measure.keyspecs import KeyDirectory
from planner.measure.records import count_records
from tests.measure.trail import kms_event, log_file, other_event, write_tree

CALLER, OWNER, ABSENT = "111111111111", "222222222222", "333333333333"
KEY_X = f"arn:aws:kms:us-east-1:{OWNER}:key/22222222-aaaa-bbbb-cccc-222222222222"
KEY_Y = f"arn:aws:kms:us-east-1:{ABSENT}:key/33333333-aaaa-bbbb-cccc-333333333333"
KEY_C = f"arn:aws:kms:us-east-1:{CALLER}:key/11111111-aaaa-bbbb-cccc-111111111111"
FIRST, LAST = "2026-10-01T09:00:00Z", "2026-10-16T09:00:00Z"


def call(name, key, logged_in, n, *, when=FIRST, caller=None, params=None):
    """`n` copies of a call from CALLER on `key`, as logged in account `logged_in`."""
    record = kms_event(name, when, key, caller=caller, params=params)
    record["recipientAccountId"] = logged_in
    record["resources"][0]["accountId"] = key.split(":")[4]
    if "accountId" in record["userIdentity"]:
        record["userIdentity"]["accountId"] = CALLER
    return [record] * n


def file_name(account: str, day: int) -> str:
    return (f"AWSLogs/o-exampleorgid/{account}/CloudTrail/us-east-1/2026/10/{day:02d}/"
            f"{account}_CloudTrail_us-east-1_202610{day:02d}T2355Z_{day:04d}abcd.json.gz")


def caller_files() -> dict[str, bytes]:
    """The calling account's own trail: 30 Decrypts on KEY_X by S3, 10 GenerateDataKeyPair
    (RSA) on KEY_X by a user, 5 Decrypts on its own KEY_C (1 Oct); 20 Decrypts on KEY_X by a
    user and 30 Decrypts on KEY_Y by EBS (16 Oct)."""
    return {
        file_name(CALLER, 1): log_file(
            call("Decrypt", KEY_X, CALLER, 30, caller="s3")
            + call("GenerateDataKeyPair", KEY_X, CALLER, 10, params={"keyPairSpec": "RSA_2048"})
            + call("Decrypt", KEY_C, CALLER, 5)),
        file_name(CALLER, 16): log_file(
            call("Decrypt", KEY_X, CALLER, 20, when=LAST)
            + call("Decrypt", KEY_Y, CALLER, 30, when=LAST, caller="ebs")),
    }


def owner_files() -> dict[str, bytes]:
    """KEY_X's owner: its copies of the 60 calls on KEY_X above, and 10 Decrypts of its own."""
    return {
        file_name(OWNER, 1): log_file(
            call("Decrypt", KEY_X, OWNER, 30, caller="s3")
            + call("GenerateDataKeyPair", KEY_X, OWNER, 10, params={"keyPairSpec": "RSA_2048"})
            + call("Decrypt", KEY_X, OWNER, 10)),
        file_name(OWNER, 16): log_file(call("Decrypt", KEY_X, OWNER, 20, when=LAST)),
    }


def measure(folder, files, **options) -> Measurement:
    write_tree(folder, files)
    return measure_files(local_files(folder), "CloudTrail", **options)


def test_a_trail_of_the_calling_account_alone_counts_its_calls_on_other_accounts_keys(tmp_path):
    result = measure(tmp_path, caller_files())
    assert result.events == 95
    assert result.caller_copies == 0  # no owner's copy to count instead
    keys = result.monthly_keys()
    assert set(keys) == {KEY_X, KEY_Y, KEY_C}
    # KEY_X: Decrypt 30 + 20 = 50 -> 95; key pairs 10 -> 19; by S3 30 -> 57, other 30 -> 57.
    assert keys[KEY_X]["requests"]["symmetric"] == 95
    assert keys[KEY_X]["requests"]["gdkp_rsa"] == 19
    assert keys[KEY_X]["by_service"] == {"other": 57, "s3": 57}
    assert keys[KEY_Y]["requests"]["symmetric"] == 57  # 30 -> 57
    assert keys[KEY_Y]["by_service"] == {"ebs": 57}
    assert keys[KEY_C]["requests"]["symmetric"] == 10  # 5 -> 9.5 -> 10


def test_with_the_owners_copies_read_each_call_counts_once(tmp_path):
    # The organization holds both accounts: KEY_X's calls counted from the owner's copies
    # (60 + 10 of its own = 70), the caller's 60 copies left out; KEY_Y's owner (333...) is
    # not in the logs, so its 30 calls still count from the caller's copies.
    result = measure(tmp_path, {**caller_files(), **owner_files()})
    assert result.events == 95 + 70
    assert result.caller_copies == 60
    keys = result.monthly_keys()
    # KEY_X: Decrypt 30 + 10 + 20 = 60 -> 114 (both copies: 110 -> 209); key pairs 10 -> 19;
    # by S3 30 -> 57, other 10 + 10 + 20 = 40 -> 76.
    assert keys[KEY_X]["requests"]["symmetric"] == 114
    assert keys[KEY_X]["requests"]["gdkp_rsa"] == 19
    assert keys[KEY_X]["by_service"] == {"other": 76, "s3": 57}
    assert keys[KEY_Y]["requests"]["symmetric"] == 57
    assert keys[KEY_C]["requests"]["symmetric"] == 10


def test_any_kms_event_of_the_owner_counts_as_its_logs_read_but_other_events_do_not(tmp_path):
    # 222... logged only S3 events: its KMS logs are not known to be read, the caller's
    # copies count. Then one ListKeys of 222... (no key, not billed to KEY_X) settles it.
    s3_only = {**caller_files(), file_name(OWNER, 5): log_file(
        [{**other_event("2026-10-05T00:00:00Z"), "recipientAccountId": OWNER}])}
    result = measure(tmp_path / "a", s3_only)
    assert result.caller_copies == 0
    assert result.monthly_keys()[KEY_X]["requests"]["symmetric"] == 95
    list_keys = kms_event("ListKeys", "2026-10-05T00:00:00Z", key=None)
    with_kms = {**s3_only, file_name(OWNER, 6): log_file(
        [{**list_keys, "recipientAccountId": OWNER}])}
    result = measure(tmp_path / "b", with_kms)
    assert result.caller_copies == 60 and result.unattributed == 1
    assert KEY_X not in result.monthly_keys()  # its owner's copies are not in these logs


def test_parts_counted_apart_and_merged_settle_like_one_measurement(tmp_path):
    callers = measure(tmp_path / "caller", caller_files())
    owners = measure(tmp_path / "owner", owner_files())
    assert owners.monthly_keys()[KEY_X]["requests"]["symmetric"] == 114  # 60 -> 114
    callers.merge(owners)
    whole = measure(tmp_path / "whole", {**caller_files(), **owner_files()})
    assert callers.caller_copies == whole.caller_copies == 60
    assert dict(callers.requests) == dict(whole.requests)
    assert callers.monthly_keys() == whole.monthly_keys()
    assert callers.monthly_keys()[KEY_X]["requests"]["symmetric"] == 114  # not 95 + 114


def test_several_processes_settle_after_every_file(tmp_path, monkeypatch):
    monkeypatch.setattr(cloudtrail, "BATCH_FILES", 1)  # one file per process task
    result = measure(tmp_path, {**caller_files(), **owner_files()}, workers=2)
    assert result.files == 4
    assert result.caller_copies == 60
    assert result.monthly_keys()[KEY_X]["requests"]["symmetric"] == 114
    assert result.monthly_keys()[KEY_Y]["requests"]["symmetric"] == 57


def test_the_settled_counts_cannot_be_written_to():
    result = Measurement(source="x")
    with pytest.raises(TypeError):
        result.requests[(KEY_X, "symmetric", "other")] = 1  # type: ignore[index]


# Any events, cut anywhere into two parts: the merged parts count what the whole does.
EVENTS = st.lists(st.tuples(st.sampled_from([KEY_X, KEY_Y, KEY_C]),
                            st.sampled_from([CALLER, OWNER, ABSENT]),
                            st.integers(1, 3)), max_size=12)


@settings(max_examples=60, deadline=None)
@given(events=EVENTS, cut=st.integers(0, 12))
def test_merging_is_the_same_as_counting_together(events, cut):
    records = [r for key, account, n in events for r in call("Decrypt", key, account, n)]
    whole, first, second = (Measurement(source="x") for _ in range(3))
    keys = KeyDirectory()
    count_records(records, whole, keys, {})
    count_records(records[:cut], first, keys, {})
    count_records(records[cut:], second, keys, {})
    first.merge(second)
    assert (dict(first.requests), first.caller_copies, first.events) == (
        dict(whole.requests), whole.caller_copies, whole.events)
