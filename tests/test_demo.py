"""`kmsplan demo`: emulator, seeded estate, the real scanner over HTTP, plan, workbook."""

import json
import threading
from collections import Counter

import openpyxl
import pytest

from planner.cli import main
from planner.demo.estate import FORMULA_TAG, MEMBER_ACCOUNT, REGIONS


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo")
    threads_before = threading.active_count()
    with pytest.raises(SystemExit) as exit_info:
        main(["demo", "--out", str(folder / "demo.xlsx"), "--quiet"])
    assert exit_info.value.code == 0
    return folder, threads_before


def test_demo_scans_every_state_of_every_service(demo_run):
    folder, _ = demo_run
    inventory = json.loads((folder / "demo-inventory.json").read_text())
    assert inventory["schema"] == "kmsplan.inventory/1"
    assert set(inventory["accounts"]) == {"123456789012", MEMBER_ACCOUNT}
    assert set(inventory["regions"]) == set(REGIONS)
    assert 200 <= len(inventory["resources"]) <= 400
    states = {(r["service"], r["encryption"]) for r in inventory["resources"]}
    assert {("s3", "none"), ("s3", "sse-s3"), ("s3", "aws-managed"),
            ("s3", "customer-managed")} <= states
    assert {("ebs", "none"), ("ebs", "aws-managed"), ("ebs", "customer-managed")} <= states
    assert {("rds", "none"), ("rds", "aws-managed"), ("rds", "customer-managed")} <= states
    assert {("dynamodb", "aws-owned"), ("dynamodb", "aws-managed"),
            ("dynamodb", "customer-managed")} <= states
    key_states = {k["state"] for k in inventory["keys"]}
    assert {"Enabled", "Disabled", "PendingDeletion"} <= key_states
    rotation = {k["rotation_enabled"] for k in inventory["keys"] if k["manager"] == "CUSTOMER"}
    assert {True, False} <= rotation
    defaults = {(s["region"], s["ebs_encryption_by_default"]) for s in inventory["settings"]}
    assert ("eu-west-1", True) in defaults and ("us-east-1", False) in defaults
    assert any(r["tags"].get("note") == FORMULA_TAG for r in inventory["resources"])
    # What the scan could not read comes from the emulator's known gaps only: it does not
    # implement GetEbsDefaultKmsKeyId, records no key on snapshots of encrypted volumes, and
    # names RDS keys with a placeholder. All of them end up "unknown", never "none".
    assert {e["operation"] for e in inventory["errors"]} == {"GetEbsDefaultKmsKeyId"}
    unknown = {r["error"].split(":")[0] for r in inventory["resources"]
               if r["encryption"] == "unknown"}
    assert unknown <= {"KmsKeyIdMissing", "UnrecognisedKeyReference"}


def test_demo_figures_are_reproduced_by_plan(demo_run, tmp_path):
    folder, _ = demo_run
    summary = json.loads((folder / "demo-summary.json").read_text())
    again = tmp_path / "again.json"
    with pytest.raises(SystemExit) as exit_info:
        main(["plan", str(folder / "demo-inventory.json"), "--usage",
              str(folder / "demo-usage.yaml"), "--billing-scope", "organization",
              "--out", str(tmp_path / "again.xlsx"), "--json", str(again)])
    assert exit_info.value.code == 0
    replanned = json.loads(again.read_text())
    for figure in ("monthly_now_usd", "monthly_after_usd", "one_time_usd", "new_keys"):
        assert replanned[figure] == summary[figure]


def test_demo_summary_flags_the_key_pending_deletion(demo_run):
    folder, _ = demo_run
    summary = json.loads((folder / "demo-summary.json").read_text())
    assert summary["at_risk"]  # a volume on the key pending deletion, a table on the disabled
    assert summary["actions"]["restore-key"] == len(summary["at_risk"])
    # Bucket keys on the remediated buckets cut requests; new keys add key-months.
    assert summary["monthly_after_usd"] != summary["monthly_now_usd"]
    assert float(summary["one_time_usd"]) > 0
    assert summary["new_keys"] >= 6  # one per account and region at least


def test_demo_workbook_has_the_budget_review_sheets(demo_run):
    folder, _ = demo_run
    workbook = openpyxl.load_workbook(folder / "demo.xlsx")
    for sheet in ("Summary", "Coverage", "Resources", "Keys", "Requests", "Remediation",
                  "Forecast", "Assumptions"):
        assert sheet in workbook.sheetnames


def test_demo_leaves_nothing_running(demo_run):
    _, threads_before = demo_run
    assert threading.active_count() <= threads_before


def test_demo_includes_the_storage_and_database_services(demo_run):
    folder, _ = demo_run
    inventory = json.loads((folder / "demo-inventory.json").read_text())
    states = {(r["service"], r["encryption"]) for r in inventory["resources"]}
    assert {("efs", "none"), ("efs", "aws-managed"), ("fsx", "customer-managed"),
            ("neptune", "none"), ("redshift", "aws-owned"), ("elasticache", "none"),
            ("memorydb", "customer-managed"), ("opensearch", "aws-managed"),
            ("backup", "aws-managed"), ("backup", "customer-managed")} <= states
    # The demo's own resources (named demo-*: the emulator's backends are shared by every
    # server in this process): 2 accounts x 3 regions = 6 of each, 2 file systems in each.
    seeded = Counter(r["service"] for r in inventory["resources"]
                     if r["name"].startswith("demo-"))
    assert (seeded["efs"], seeded["redshift"], seeded["elasticache"], seeded["neptune"],
            seeded["opensearch"], seeded["backup"]) == (12, 6, 6, 6, 6, 6 + 1)
    summary = json.loads((folder / "demo-summary.json").read_text())
    for action, service in (("efs-copy-to-new-file-system", "efs"),
                            ("redshift-modify-encryption", "redshift"),
                            ("elasticache-restore-encrypted", "elasticache"),
                            ("opensearch-new-domain", "opensearch"),
                            ("neptune-restore-encrypted", "neptune")):
        assert summary["actions"][action] >= seeded[service]
    sheet = openpyxl.load_workbook(folder / "demo.xlsx", data_only=True)["Resources"]
    services = {sheet.cell(r, 3).value for r in range(2, sheet.max_row + 1)}
    assert {"efs", "fsx", "neptune", "redshift", "elasticache", "memorydb", "opensearch",
            "backup"} <= services
