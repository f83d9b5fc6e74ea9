"""`kmsplan usage measure` through planner.cli.main, as a user runs it."""

from __future__ import annotations

import json

import pytest
import yaml

from planner.cli import main
from tests.measure.trail import KEY_A, KEY_B, bad_files, sample_trail, write_tree


def run(argv, capsys):
    with pytest.raises(SystemExit) as stop:
        main(argv)
    captured = capsys.readouterr()
    return stop.value.code, captured.out, captured.err


def test_measure_a_folder_prints_json_and_writes_the_usage_file(tmp_path, capsys):
    write_tree(tmp_path / "trail", {**sample_trail(), **bad_files()})
    out = tmp_path / "usage.yaml"
    code, stdout, stderr = run(["usage", "measure", "--cloudtrail", str(tmp_path / "trail"),
                                "--out", str(out), "--json"], capsys)
    assert code == 0
    printed = json.loads(stdout)
    assert printed["events"] == 11
    assert printed["bad_files"] == 4
    assert len(printed["bad_file_list"]) == 4
    assert printed["window_days"] == 10
    assert printed["keys"][KEY_A]["symmetric"] == 18  # 6 in 10 days x 3.04
    assert printed["keys"][KEY_B]["asymmetric"] == 3
    assert stderr.count("warning: bad log file") == 4
    assert yaml.safe_load(out.read_text())["keys"][KEY_A]["requests"]["gdkp_rsa"] == 3


def test_measure_the_emulators_bucket_with_endpoint_url(aws_client, fresh_aws, tmp_path, capsys):
    s3 = aws_client("s3")
    s3.create_bucket(Bucket="trail-bucket")
    for name, body in sample_trail().items():
        s3.put_object(Bucket="trail-bucket", Key=name, Body=body)
    out = tmp_path / "usage.yaml"
    code, stdout, _ = run(["usage", "measure", "--cloudtrail", "s3://trail-bucket/AWSLogs",
                           "--endpoint-url", fresh_aws, "--out", str(out)], capsys)
    assert code == 0
    assert "3 files, 11 KMS events, 0 bad files" in stdout
    usage = yaml.safe_load(out.read_text())
    assert usage["keys"][KEY_A]["source"] == "CloudTrail s3://trail-bucket/AWSLogs (3 files)"


@pytest.mark.parametrize("argv", [
    ["--cloudtrail", "{tmp}/missing"],
    ["--cloudtrail", "{tmp}"],  # a folder with no log files
    [],  # neither --cloudtrail nor --athena
    ["--cloudtrail", "{tmp}", "--athena", "db.t", "--workgroup", "wg"],
    ["--athena", "db.t"],  # no --workgroup
    ["--athena", "not a table", "--workgroup", "wg"],
    ["--cloudtrail", "{tmp}", "--since", "2026-10-01"],
    ["--cloudtrail", "{tmp}", "--inventory", "{tmp}/no-inventory.json"],
])
def test_bad_input_is_one_line_and_exit_2(argv, tmp_path, capsys):
    argv = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    out = tmp_path / "usage.yaml"
    code, _, stderr = run(["usage", "measure", *argv, "--out", str(out),
                           "--region", "us-east-1"], capsys)
    assert code == 2
    assert stderr.startswith("kmsplan: error: ") and stderr.count("\n") == 1
    assert not out.exists()


def test_inventory_and_cloudwatch_through_the_cli(aws_client, fresh_aws, tmp_path, capsys):
    from planner.inventory import Inventory, Key, save_inventory
    from tests.measure.trail import ACCOUNT, KEY_B_ID

    inventory = tmp_path / "inventory.json"
    save_inventory(Inventory(
        scanned_at="2026-11-01T00:00:00Z", tool_version="t", accounts=[ACCOUNT],
        regions=["us-east-1"], keys=[Key(
            account=ACCOUNT, region="us-east-1", key_id=KEY_B_ID, arn=KEY_B, manager="CUSTOMER",
            state="Enabled", spec="RSA_2048", usage="SIGN_VERIFY", origin="AWS_KMS")],
    ), inventory)
    aws_client("s3").create_bucket(Bucket="no-metrics")  # no metrics configuration
    write_tree(tmp_path / "trail", sample_trail())
    out = tmp_path / "usage.yaml"
    code, stdout, _ = run(["usage", "measure", "--cloudtrail", str(tmp_path / "trail"),
                           "--inventory", str(inventory), "--cloudwatch", "--endpoint-url",
                           fresh_aws, "--out", str(out), "--json"], capsys)
    assert code == 0
    printed = json.loads(stdout)
    # The Sign on KEY_B is now an RSA 2048 request: 1 in 10 days -> 3.04 -> 3.
    assert printed["keys"][KEY_B]["asymmetric_rsa2048"] == 3
    assert printed["keys"][KEY_B]["asymmetric"] == 0
    assert printed["buckets"] == {}  # left to the plan's defaults
    assert "resources" not in yaml.safe_load(out.read_text())


def test_without_the_fast_path_the_counts_are_the_same_and_a_note_says_why_slow(
        tmp_path, capsys, monkeypatch):
    import planner.measure.cloudtrail as cloudtrail

    monkeypatch.setattr(cloudtrail, "Scanner", None)  # as installed without a C compiler
    write_tree(tmp_path / "trail", sample_trail())
    code, stdout, stderr = run(["usage", "measure", "--cloudtrail", str(tmp_path / "trail"),
                                "--out", str(tmp_path / "usage.yaml"), "--json"], capsys)
    assert code == 0
    printed = json.loads(stdout)
    assert (printed["events"], printed["keys"][KEY_A]["symmetric"]) == (11, 18)
    assert "note: the compiled fast path is not built" in stderr
