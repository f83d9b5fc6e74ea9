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
    # implement GetEbsDefaultKmsKeyId or GetKeyLastUsage (every customer managed key's last
    # use is unknown), records no key on snapshots of encrypted volumes, and
    # names RDS keys with a placeholder. The last two are "kms-key-unknown", never "none".
    assert {e["operation"] for e in inventory["errors"]} == {"GetEbsDefaultKmsKeyId",
                                                              "GetKeyLastUsage"}
    assert not [r for r in inventory["resources"] if r["encryption"] == "unknown"]
    assert all(r["kms_key_arn"] is None and "kms_key_raw" in r["details"]
               for r in inventory["resources"] if r["encryption"] == "kms-key-unknown")


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


def test_demo_keys_nothing_uses_are_candidates_the_plan_cannot_confirm(demo_run):
    folder, _ = demo_run
    savings = json.loads((folder / "demo-summary.json").read_text())["savings"]
    home = {k["label"]: k for k in savings["keys"]
            if (k["account"], k["region"]) == ("123456789012", "us-east-1")}
    # Quiet keys: not idle by guesswork; the emulator cannot say when they were last used.
    for quiet in ("alias/demo-old-batch", "alias/demo-parked"):
        assert home[quiet]["verdict"] == "unknown"
        assert ("last use unknown: GetKeyLastUsage failed with NotImplementedByEmulator"
                in home[quiet]["reasons"])
        assert home[quiet]["monthly_usd"] == "1.00"  # a disabled key is billed too
    # Look-alikes in use without any resource naming them.
    assert home["alias/demo-granted"]["reasons"] == [
        "1 grant(s) in force: a service may still use it"]
    assert home["alias/demo-global"]["reasons"] == [
        "multi-Region primary with 1 replica(s) sharing its key material"]
    assert (savings["idle_keys"], savings["monthly_usd"], savings["counted"]) == (0, "0.00",
                                                                                 False)
    assert savings["unknown_keys"] >= 3
    rows = [r[0] for r in openpyxl.load_workbook(folder / "demo.xlsx")["Summary"].iter_rows(
        values_only=True)]
    assert "Savings" in rows and "alias/demo-old-batch" in rows


def test_demo_workbook_has_the_budget_review_sheets(demo_run):
    folder, _ = demo_run
    workbook = openpyxl.load_workbook(folder / "demo.xlsx")
    for sheet in ("Summary", "Coverage", "Resources", "Keys", "Requests", "Remediation",
                  "Forecast", "Assumptions"):
        assert sheet in workbook.sheetnames


def test_demo_leaves_nothing_running(demo_run):
    _, threads_before = demo_run
    assert threading.active_count() <= threads_before


def test_demo_has_the_messaging_secrets_and_logs_services(demo_run):
    folder, _ = demo_run
    inventory = json.loads((folder / "demo-inventory.json").read_text())
    states = {(r["service"], r["encryption"]) for r in inventory["resources"]}
    assert {("sqs", "aws-owned"), ("sqs", "customer-managed"), ("sns", "none"),
            ("sns", "aws-managed"), ("kinesis", "none"), ("kinesis", "customer-managed"),
            ("secretsmanager", "aws-managed"), ("secretsmanager", "customer-managed"),
            ("logs", "aws-owned"), ("logs", "customer-managed"), ("ecr", "aws-owned"),
            ("ecr", "customer-managed"), ("lambda", "aws-managed"),
            ("lambda", "customer-managed")} <= states
    workbook = openpyxl.load_workbook(folder / "demo.xlsx", read_only=True)
    header, *rows = workbook["Resources"].iter_rows(values_only=True)
    service = header.index("service")
    shown = {row[service] for row in rows}
    assert {"sqs", "sns", "kinesis", "secretsmanager", "logs", "ecr", "lambda"} <= shown
    remediation = {row[0] for row in workbook["Remediation"].iter_rows(values_only=True)}
    assert {"sqs-set-kms-key", "ecr-recreate-repository", "lambda-set-kms-key"} <= remediation


def test_demo_writes_a_bill_and_reconciles_it(demo_run, tmp_path, capsys):
    folder, _ = demo_run
    assert (folder / "demo-cur.parquet").is_file()
    sheet = openpyxl.load_workbook(folder / "demo.xlsx", data_only=True)["Reconciliation"]
    notes = {row[14] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert {"matched", "key not in the inventory: region not scanned",
            "requests the plan did not estimate"} <= notes
    with pytest.raises(SystemExit) as exit_info:
        main(["reconcile", str(folder / "demo-inventory.json"), "--cur",
              str(folder / "demo-cur.parquet"), "--usage", str(folder / "demo-usage.yaml"),
              "--billing-scope", "organization", "--json", "-"])
    assert exit_info.value.code == 0
    document = json.loads(capsys.readouterr().out)
    # The same plan and bill: the sheet's cached share is the command's.
    cached = {row[17]: row[18] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert round(cached["Share of the bill explained"], 4) == \
        float(document["explained_share"])
    assert 0.8 < float(document["explained_share"]) < 1  # a realistic variance, not a copy
    assert document["excluded"] == {"Credit": {"lines": 1, "usd": "-1"}}


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
