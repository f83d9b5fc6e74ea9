"""The usage file a measurement writes: schema kmsplan.usage/1 (see docs/usage-measure.md)."""

from __future__ import annotations

import yaml

from planner.measure.cloudtrail import local_files, measure_files
from planner.measure.cloudwatch import SOURCE, BucketRequests
from planner.measure.usage_file import usage_document, write_usage
from tests.measure.trail import KEY_A, KEY_B, bad_files, sample_trail, write_tree


def test_usage_file_has_keys_resources_and_measured(tmp_path):
    write_tree(tmp_path / "trail", {**sample_trail(), **bad_files()})
    measurement = measure_files(local_files(tmp_path / "trail"), "CloudTrail s3://t/AWSLogs/")
    bucket = BucketRequests("app-logs", "arn:aws:s3:::app-logs", 60_800, 3_040, SOURCE,
                            "2026-10-01/2026-10-10")
    out = tmp_path / "usage.yaml"
    out.write_text("old contents\n")
    write_usage(usage_document(measurement, [bucket]), out)
    usage = yaml.safe_load(out.read_text())
    assert usage["schema"] == "kmsplan.usage/1"
    assert usage["resources"] == {"arn:aws:s3:::app-logs": {
        "monthly_get_requests": 60_800, "monthly_put_requests": 3_040,
        "source": "CloudWatch S3 request metrics (GetRequests, PutRequests)",
        "window": "2026-10-01/2026-10-10",
    }}
    assert set(usage["keys"]) == {KEY_A, KEY_B}
    entry = usage["keys"][KEY_A]
    assert entry["requests"] == {"symmetric": 18, "asymmetric_rsa2048": 0, "asymmetric": 0,
                                 "gdkp_ecc": 3, "gdkp_rsa": 3, "hmac": 0}
    assert entry["by_service"] == {"ebs": 3, "other": 12, "s3": 9}
    assert entry["source"] == "CloudTrail s3://t/AWSLogs/ (7 files)"
    assert entry["window"] == "2026-10-01/2026-10-10"
    assert usage["measured"] == {
        "source": "CloudTrail s3://t/AWSLogs/", "window": "2026-10-01/2026-10-10",
        "window_days": "10", "events": 11, "bad_files": 4,
    }
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_no_kms_events_writes_no_keys_and_no_window(tmp_path):
    write_tree(tmp_path / "trail", bad_files())
    measurement = measure_files(local_files(tmp_path / "trail"), "CloudTrail here")
    document = usage_document(measurement)
    assert document["keys"] == {}
    assert document["measured"] == {"source": "CloudTrail here", "events": 0, "bad_files": 4}
    assert "resources" not in document


def test_the_plans_reader_takes_the_measured_file(tmp_path):
    from planner.usage import load_usage

    write_tree(tmp_path / "trail", sample_trail())
    measurement = measure_files(local_files(tmp_path / "trail"), "CloudTrail here")
    bucket = BucketRequests("app-logs", "arn:aws:s3:::app-logs", 60_800, 3_040, SOURCE,
                            "2026-10-01/2026-10-10")
    out = tmp_path / "usage.yaml"
    write_usage(usage_document(measurement, [bucket]), out)
    usage = load_usage(out)
    assert usage.keys[KEY_A].requests["symmetric"] == 18
    assert usage.keys[KEY_A].label == (
        "measured: CloudTrail here (3 files), 2026-10-01/2026-10-10")
    figures, provenance = usage.overrides["arn:aws:s3:::app-logs"]
    assert figures == {"monthly_get_requests": 60_800, "monthly_put_requests": 3_040}
    assert provenance == ("measured: CloudWatch S3 request metrics (GetRequests, PutRequests), "
                          "2026-10-01/2026-10-10")
    assert usage.measured["events"] == 11
