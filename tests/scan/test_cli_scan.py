"""`kmsplan scan`: through typer's CliRunner, through main() for exit codes, and once as a
real subprocess against the emulator; the inventory it writes round-trips."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from planner.cli import app, main
from planner.errors import InputError
from planner.inventory import Inventory, load_inventory, save_inventory
from planner.scan import ScanOutcome
from tests.scan.conftest import HOME, by_id, refuse


def test_inventory_round_trips(aws_client, scan_estate, tmp_path):
    aws_client("s3").create_bucket(Bucket="round-trip")
    aws_client("ec2").create_volume(AvailabilityZone=f"{HOME}a", Size=3, Encrypted=True)
    inventory = scan_estate(client_hook=refuse("GetResources")).inventory
    path = tmp_path / "inventory.json"
    save_inventory(inventory, path)
    again = load_inventory(path)
    assert again.to_dict() == inventory.to_dict()
    assert by_id(again)["round-trip"].encryption == "none" and again.errors


@pytest.mark.parametrize("text, message", [
    ('{"schema": "kmsplan.inventory/0"}', "schema must be 'kmsplan.inventory/1'"),
    ('{"schema": ', "is not valid JSON"),
])
def test_a_bad_inventory_file_is_one_clear_error(tmp_path, text, message):
    path = tmp_path / "inventory.json"
    path.write_text(text)
    with pytest.raises(InputError, match=message):
        load_inventory(path)


def test_scan_through_the_cli_writes_the_inventory(aws_client, fresh_aws, tmp_path):
    aws_client("s3").create_bucket(Bucket="cli-bucket")
    out = tmp_path / "inventory.json"
    result = CliRunner().invoke(app, ["scan", "--regions", HOME, "--out", str(out)],
                                env={"AWS_ENDPOINT_URL": fresh_aws, "AWS_DEFAULT_REGION": HOME})
    assert result.exit_code == 0, result.output
    assert "1 resources and 0 keys in 1 account(s), 1 region(s)" in result.output
    data = json.loads(out.read_text())
    assert [r["resource_id"] for r in data["resources"]] == ["cli-bucket"]


def _exit_code(argv, capsys) -> tuple[int, str]:
    with pytest.raises(SystemExit) as stopped:
        main(argv)
    return stopped.value.code, capsys.readouterr().err


def test_bad_regions_exit_2(capsys, tmp_path):
    code, err = _exit_code(["scan", "--regions", "mars-1", "--out", str(tmp_path / "x")], capsys)
    assert code == 2
    assert err == ("kmsplan: error: --regions: 'mars-1' is not an AWS region botocore knows "
                   "(a name such as us-east-1)\n")


def test_bad_accounts_file_exits_2(capsys, tmp_path):
    accounts = tmp_path / "accounts.txt"
    accounts.write_text("not-an-account\n")
    code, err = _exit_code(["scan", "--accounts", str(accounts), "--out",
                            str(tmp_path / "x")], capsys)
    assert code == 2 and "is not a 12-digit account id" in err and "Traceback" not in err


def test_nothing_read_writes_no_inventory_and_exits_1(monkeypatch, capsys, tmp_path):
    import planner.scan as scan_package
    from planner.inventory import ScanError

    empty = Inventory("2026-01-01T00:00:00+00:00", "0", [], [], errors=[
        ScanError("unknown", HOME, "sts", "GetCallerIdentity", "ExpiredToken", "expired")])
    monkeypatch.setattr(scan_package, "run_scan", lambda session, **_: ScanOutcome(empty, 0, 1))
    out = tmp_path / "inventory.json"
    out.write_text("an earlier inventory")
    code, err = _exit_code(["scan", "--quiet", "--out", str(out)], capsys)
    assert code == 1
    assert err == ("kmsplan: error: nothing could be read (sts GetCallerIdentity: "
                   "ExpiredToken); no inventory written\n")
    assert out.read_text() == "an earlier inventory"  # neither written nor clobbered


def test_no_credentials_writes_no_inventory(monkeypatch, capsys, tmp_path):
    """Through the real scan: no credentials anywhere, so GetCallerIdentity cannot be signed."""
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
                 "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    out = tmp_path / "inventory.json"
    code, err = _exit_code(["scan", "--quiet", "--regions", HOME, "--endpoint-url",
                            "http://127.0.0.1:9", "--out", str(out)], capsys)
    assert code == 1 and err.count("\n") == 1
    assert "GetCallerIdentity: NoCredentialsError" in err
    assert not out.exists()


def test_kmsplan_scan_as_a_real_subprocess(aws_client, fresh_aws, tmp_path):
    aws_client("dynamodb").create_table(
        TableName="subprocess-table", BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}])
    out = tmp_path / "inventory.json"
    kmsplan = Path(sys.executable).with_name("kmsplan")
    finished = subprocess.run(
        [str(kmsplan), "scan", "--endpoint-url", fresh_aws, "--regions", HOME,
         "--out", str(out)], capture_output=True, text=True, timeout=120, check=False)
    assert finished.returncode == 0, finished.stderr
    inventory = load_inventory(out)
    assert [(r.resource_id, r.encryption) for r in inventory.resources] == [
        ("subprocess-table", "aws-owned")]


def test_an_unknown_profile_exits_2(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    code, err = _exit_code(["scan", "--profile", "no-such-profile", "--out",
                            str(tmp_path / "x")], capsys)
    assert code == 2 and err.startswith("kmsplan: error: --profile: ")


def test_org_without_an_organization_says_so(aws_client, fresh_aws, tmp_path, capsys,
                                            monkeypatch):
    """Real AWS answers ListAccounts from an account in no organization with
    AWSOrganizationsNotInUseException (the emulator answers an empty list instead, so the
    answer is given here, in the shape of the Organizations API reference); the scan goes on
    with the caller's account and says why."""
    from botocore.exceptions import ClientError

    import planner.scan.sessions as sessions

    def not_in_use(clients, region):
        raise ClientError({"Error": {
            "Code": "AWSOrganizationsNotInUseException",
            "Message": "Your account is not a member of an organization."}}, "ListAccounts")

    monkeypatch.setattr(sessions, "org_accounts", not_in_use)
    aws_client("s3").create_bucket(Bucket="lonely")
    out = tmp_path / "inventory.json"
    code, err = _exit_code(["scan", "--org", "--regions", HOME, "--quiet", "--endpoint-url",
                            fresh_aws, "--out", str(out)], capsys)
    assert code == 0, err
    assert ("note: --org: account 123456789012 is not in an AWS Organization "
            "(AWSOrganizationsNotInUseException); scanned the caller's account "
            "(and --accounts) only") in err
    assert [r.resource_id for r in load_inventory(out).resources] == ["lonely"]
