"""`usage measure --cloudtrail s3://...` reads objects concurrently (run_measure wires
prefetched() in): the same counts as one at a time, bad files named in listing order."""

from __future__ import annotations

import gzip
import threading

import pytest

from planner.errors import InputError
from planner.measure import MeasureRequest, run_measure
from planner.measure.cloudtrail import measure_files, s3_files
from tests.measure.test_prefetch import prefetch_threads
from tests.measure.trail import KEY_A, kms_event, log_file, log_name

BUCKET = "trail-bucket"
URL = f"s3://{BUCKET}/AWSLogs/"
BAD = {7: "not a complete gzip file", 30: "not a complete gzip file", 52: "not valid JSON"}

# Hand count: 60 objects, object i delivered on 2026-10-(i // 2 + 1), so two a day over
# 1 to 30 October. The 57 good ones each hold 2 Decrypts by S3 and 1 GenerateDataKey by EBS;
# the 3 bad ones (7, 30, 52) share their day with a good one, so the window stays 30 days.
# Events 57 x 3 = 171, all symmetric: 171 x 30.4 / 30 = 173.28 -> 173 a month.
# By service: s3 114 x 30.4 / 30 = 115.52 -> 116; ebs 57 x 30.4 / 30 = 57.76 -> 58.
EXPECTED_REQUESTS = {"symmetric": 173, "asymmetric_rsa2048": 0, "asymmetric": 0,
                     "gdkp_ecc": 0, "gdkp_rsa": 0, "hmac": 0}


def name(i: int) -> str:
    return log_name(f"2026-10-{i // 2 + 1:02d}", i)


def put_trail(s3) -> None:
    s3.create_bucket(Bucket=BUCKET)
    good = [kms_event("Decrypt", "2026-10-01T08:00:00Z", caller="s3")] * 2
    bad_bodies = {7: b"not gzip at all", 30: log_file(good)[:40],
                  52: gzip.compress(b'{"Records": [')}
    for i in range(60):
        day = f"2026-10-{i // 2 + 1:02d}"
        records = [{**r, "eventTime": f"{day}T08:00:00Z"} for r in good]
        records.append(kms_event("GenerateDataKey", f"{day}T09:00:00Z", caller="ebs"))
        s3.put_object(Bucket=BUCKET, Key=name(i), Body=bad_bodies.get(i) or log_file(records))


def check(measurement) -> None:
    assert measurement.files == 60
    assert measurement.events == 171
    assert measurement.window() == "2026-10-01/2026-10-30"
    keys = measurement.monthly_keys()
    assert set(keys) == {KEY_A}
    assert keys[KEY_A]["requests"] == EXPECTED_REQUESTS
    assert keys[KEY_A]["by_service"] == {"ebs": 58, "s3": 116}
    # Bad files in listing order (S3 lists keys in UTF-8 binary order: here by day, then i).
    assert [bad.name for bad in measurement.bad_files] == [f"s3://{BUCKET}/{name(i)}"
                                                            for i in (7, 30, 52)]
    for bad, i in zip(measurement.bad_files, (7, 30, 52), strict=True):
        assert bad.reason.startswith(BAD[i])


def test_measure_from_s3_reads_ten_objects_at_once_and_counts_like_one_at_a_time(
        aws_client, tmp_path):
    s3 = aws_client("s3")
    put_trail(s3)
    # Every GetObject waits until 10 are in flight together (botocore's default pool):
    # the 60 reads pass only if run_measure really reads them 10 at a time.
    together = threading.Barrier(10, timeout=30)

    def wait_for_ten(**_) -> None:  # returning None lets botocore send the request
        together.wait()

    s3.meta.events.register("before-send.s3.GetObject", wait_for_ten)
    request = MeasureRequest(out=tmp_path / "usage.yaml", cloudtrail=URL)
    result = run_measure(request, lambda service, region_name=None: s3)
    check(result.measurement)
    assert not prefetch_threads()

    serial = measure_files(s3_files(aws_client("s3"), URL), f"CloudTrail {URL}")
    check(serial)
    assert serial.monthly_keys() == result.measurement.monthly_keys()
    assert serial.bad_files == result.measurement.bad_files


def test_a_missing_bucket_is_still_bad_input(aws_client, tmp_path):
    s3 = aws_client("s3")
    request = MeasureRequest(out=tmp_path / "usage.yaml", cloudtrail="s3://no-such-bucket/x/")
    with pytest.raises(InputError, match="no such bucket"):
        run_measure(request, lambda service, region_name=None: s3)
    assert not prefetch_threads()
    assert not (tmp_path / "usage.yaml").exists()
