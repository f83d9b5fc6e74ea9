"""Counting CloudTrail log files from a local folder and from S3 (the emulator's bucket)."""

from __future__ import annotations

import pytest

from planner.errors import InputError
from planner.inventory import Inventory, Key
from planner.measure.cloudtrail import local_files, measure_files, s3_files
from planner.measure.keyspecs import KeyDirectory
from tests.measure.trail import (
    ACCOUNT,
    KEY_A,
    KEY_B,
    KEY_B_ID,
    bad_files,
    kms_event,
    log_file,
    log_name,
    other_event,
    sample_trail,
    write_tree,
)

# Hand count for sample_trail(): KMS events from 2026-10-01 to 2026-10-10 = 10 days, so a
# month is 30.4 / 10 = 3.04 times the counts, rounded half up.
# KEY_A symmetric: 3 + 1 + 2 = 6 -> 18.24 -> 18; GenerateDataKeyPair RSA 1 and ECC 1 -> 3 each.
# KEY_A by service: s3 3 -> 9; ebs 1 -> 3; other 2 + 2 = 4 -> 12.16 -> 12.
# KEY_B: 1 Sign -> 3 (asymmetric, its spec unknown: the dearer class).
EXPECTED_A = {"symmetric": 18, "asymmetric_rsa2048": 0, "asymmetric": 0, "gdkp_ecc": 3,
              "gdkp_rsa": 3, "hmac": 0}
EXPECTED_B = {"symmetric": 0, "asymmetric_rsa2048": 0, "asymmetric": 3, "gdkp_ecc": 0,
              "gdkp_rsa": 0, "hmac": 0}


def check_sample(result) -> None:
    assert result.events == 11  # 4 + 3 + 4 KMS records; the S3 GetObject events are not KMS
    assert result.not_billed == 1  # KMS rotating a key itself
    assert result.unattributed == 1  # ListKeys names no key
    assert result.window() == "2026-10-01/2026-10-10"
    assert result.window_days() == 10
    keys = result.monthly_keys()
    assert set(keys) == {KEY_A, KEY_B}
    assert keys[KEY_A]["requests"] == EXPECTED_A
    assert keys[KEY_A]["by_service"] == {"ebs": 3, "other": 12, "s3": 9}
    assert keys[KEY_B]["requests"] == EXPECTED_B
    assert keys[KEY_B]["by_service"] == {"other": 3}


def test_local_folder_counts_by_key_class_and_service(tmp_path):
    write_tree(tmp_path, sample_trail())
    result = measure_files(local_files(tmp_path), "CloudTrail local")
    assert result.files == 3
    assert result.bad_files == []
    check_sample(result)


def test_bad_files_are_counted_and_named_never_dropped(tmp_path):
    write_tree(tmp_path, {**sample_trail(), **bad_files()})
    result = measure_files(local_files(tmp_path), "CloudTrail local")
    assert result.files == 7  # 3 good + 4 bad; the digest file is not a log file
    reasons = {bad.name.rsplit("_", 1)[-1]: bad.reason for bad in result.bad_files}
    assert set(reasons) == {"0091abcd.json.gz", "0092abcd.json.gz", "0093abcd.json.gz",
                            "0094abcd.json.gz"}
    assert reasons["0091abcd.json.gz"].startswith("not a complete gzip file")
    assert reasons["0092abcd.json.gz"].startswith("not a complete gzip file")
    assert reasons["0093abcd.json.gz"].startswith("not valid JSON")
    assert reasons["0094abcd.json.gz"] == "not a CloudTrail log file (no Records)"
    check_sample(result)  # the good files count exactly as without the bad ones


def test_several_processes_count_the_same(tmp_path):
    write_tree(tmp_path, {**sample_trail(), **bad_files()})
    result = measure_files(local_files(tmp_path), "CloudTrail local", workers=2)
    assert result.files == 7 and len(result.bad_files) == 4
    check_sample(result)


def test_inventory_gives_specs_and_resolves_ids_and_aliases(tmp_path):
    inventory = Inventory(scanned_at="2026-11-01T00:00:00Z", tool_version="t",
                          accounts=[ACCOUNT], regions=["us-east-1"], keys=[
        Key(account=ACCOUNT, region="us-east-1", key_id=KEY_B_ID, arn=KEY_B,
            manager="CUSTOMER", state="Enabled", spec="RSA_2048", usage="SIGN_VERIFY",
            origin="AWS_KMS", aliases=["alias/signing"]),
    ])
    records = [
        kms_event("Sign", "2026-10-01T00:00:00Z", KEY_B_ID, in_resources=False),
        kms_event("Verify", "2026-10-01T00:00:00Z", "alias/signing", in_resources=False),
        kms_event("Verify", "2026-10-02T00:00:00Z", "alias/unknown", in_resources=False),
    ]
    write_tree(tmp_path, {log_name("2026-10-01", 1): log_file(records)})
    result = measure_files(local_files(tmp_path), "x", KeyDirectory(inventory))
    # 2 requests on an RSA 2048 key over 2 days: 2 x 30.4 / 2 = 30.4 -> 30.
    assert result.monthly_keys()[KEY_B]["requests"]["asymmetric_rsa2048"] == 30
    assert result.unattributed == 1  # an alias the inventory does not know


def test_a_folder_that_is_not_there_is_bad_input(tmp_path):
    with pytest.raises(InputError, match="not a folder"):
        list(local_files(tmp_path / "missing"))


def test_s3_prefix_in_the_emulator_counts_like_the_folder(aws_client):
    s3 = aws_client("s3")
    s3.create_bucket(Bucket="trail-bucket")
    for name, body in {**sample_trail(), **bad_files()}.items():
        s3.put_object(Bucket="trail-bucket", Key=name, Body=body)
    s3.put_object(Bucket="trail-bucket", Key="elsewhere/x.json.gz", Body=b"outside the prefix")
    result = measure_files(s3_files(s3, "s3://trail-bucket/AWSLogs/"), "CloudTrail s3")
    assert result.files == 7
    assert len(result.bad_files) == 4
    assert all(bad.name.startswith("s3://trail-bucket/AWSLogs/") for bad in result.bad_files)
    check_sample(result)


def test_s3_lists_every_page(aws_client):
    s3 = aws_client("s3")
    s3.create_bucket(Bucket="trail-bucket")
    # 1,001 files: more than one ListObjectsV2 page of 1,000 keys.
    body = log_file([kms_event("Decrypt", "2026-10-01T00:00:00Z")])
    for n in range(1001):
        s3.put_object(Bucket="trail-bucket", Key=log_name("2026-10-01", n), Body=body)
    result = measure_files(s3_files(s3, "s3://trail-bucket/"), "CloudTrail s3")
    assert result.files == 1001
    assert result.events == 1001


def test_missing_bucket_is_bad_input(aws_client):
    with pytest.raises(InputError, match="no such bucket"):
        list(s3_files(aws_client("s3"), "s3://no-such-trail-bucket/AWSLogs/"))


def test_the_window_is_the_time_the_files_cover_not_the_kms_events(tmp_path):
    # A month of logs, one file a day; KMS is used on 10 and 12 October only (50 Decrypts
    # each). Every file read covers its day, so the window is 1 to 31 October = 31 days:
    # 100 x 30.4 / 31 = 98.06 -> 98 a month (not 100 x 30.4 / 3 = 1,013 from 10 to 12 Oct).
    files = {}
    for day in range(1, 32):
        when = f"2026-10-{day:02d}T12:00:00Z"
        records = [other_event(when)]
        if day in (10, 12):
            records += [kms_event("Decrypt", when)] * 50
        files[log_name(f"2026-10-{day:02d}", day)] = log_file(records)
    # A bad file adds neither counts nor time.
    files[log_name("2026-11-05", 99)] = b"not gzip"
    write_tree(tmp_path, files)
    for workers in (1, 2):
        result = measure_files(local_files(tmp_path), "CloudTrail local", workers=workers)
        assert result.window() == "2026-10-01/2026-10-31"
        assert result.monthly_keys()[KEY_A]["requests"]["symmetric"] == 98


def test_files_named_otherwise_cover_the_times_of_all_their_records(tmp_path):
    # Not CloudTrail's names: the times come from every record, KMS or not, so the file
    # without KMS events is parsed too. Window 1 to 31 October: 31 Decrypts x 30.4 / 31 = 30.4
    # -> 30 a month.
    write_tree(tmp_path, {
        "export/quiet.json.gz": log_file([other_event("2026-10-01T00:00:00Z"),
                                          other_event("2026-10-20T00:00:00Z")]),
        "export/busy.json.gz": log_file([kms_event("Decrypt", "2026-10-15T08:00:00Z")] * 31
                                        + [other_event("2026-10-31T23:00:00Z")]),
    })
    result = measure_files(local_files(tmp_path), "CloudTrail local")
    assert result.window() == "2026-10-01/2026-10-31"
    assert result.monthly_keys()[KEY_A]["requests"]["symmetric"] == 30


def test_an_organization_trail_counts_a_cross_account_call_once(tmp_path):
    # An organization trail: 444455556666 calls Decrypt 40 times on KEY_A, owned by ACCOUNT.
    # Each call is logged in both accounts (recipientAccountId). ACCOUNT's KMS events are in
    # the logs, so its copies count and the caller's 40 are left out (caller_copies).
    # ACCOUNT also uses its own key 10 times. 1 to 31 October: x 30.4 / 31.
    # (More cases, the caller's trail alone among them: test_cross_account.py.)
    caller = "444455556666"
    calls = [kms_event("Decrypt", "2026-10-15T10:00:00Z")] * 40
    in_caller = [{**record, "recipientAccountId": caller} for record in calls]
    own = [kms_event("Decrypt", "2026-10-15T11:00:00Z")] * 10
    write_tree(tmp_path, {
        f"AWSLogs/o-exampleorgid/{ACCOUNT}/CloudTrail/us-east-1/2026/10/01/"
        f"{ACCOUNT}_CloudTrail_us-east-1_20261001T0005Z_0001abcd.json.gz": log_file([]),
        f"AWSLogs/o-exampleorgid/{ACCOUNT}/CloudTrail/us-east-1/2026/10/15/"
        f"{ACCOUNT}_CloudTrail_us-east-1_20261015T1105Z_0002abcd.json.gz": log_file(calls + own),
        f"AWSLogs/o-exampleorgid/{caller}/CloudTrail/us-east-1/2026/10/31/"
        f"{caller}_CloudTrail_us-east-1_20261031T2355Z_0003abcd.json.gz": log_file(in_caller),
    })
    result = measure_files(local_files(tmp_path), "CloudTrail org")
    assert result.window() == "2026-10-01/2026-10-31"
    assert result.caller_copies == 40
    # (40 + 10) x 30.4 / 31 = 49.03 -> 49 a month (counting both copies: 90 -> 88)
    assert result.monthly_keys()[KEY_A]["requests"]["symmetric"] == 49
