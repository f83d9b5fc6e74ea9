"""`kmsplan usage measure --cur`: billed requests per key as measured usage (source "cur")."""

from __future__ import annotations

import json

import pytest
import yaml

from planner.cli import main
from planner.usage import load_usage
from tests.factories import make_resource
from tests.plan.helpers import plan_for
from tests.reconcile import cur, scenario


def run(args) -> int:
    with pytest.raises(SystemExit) as exit_info:
        main([str(a) for a in args])
    return exit_info.value.code


def test_billed_requests_per_key_become_a_usage_file_the_plan_prices(tmp_path, capsys):
    bill = cur.cur2_parquet(tmp_path / "part.parquet", scenario.items())
    usage = tmp_path / "usage.yaml"
    assert run(["usage", "measure", "--cur", bill, "--out", usage, "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["month"] == "2026-10" and printed["source"] == "cur"
    keys = yaml.safe_load(usage.read_text())["keys"]
    # Account 111111111111's 20,000 free requests go back to its keys with symmetric lines,
    # by their billed symmetric requests: K1 1,000,000 and K3 50,000 of 1,050,000:
    #   K1 20,000 x 1,000,000 / 1,050,000 = 19,047.62 -> 19,047 (+1, the larger remainder)
    #   K3 20,000 x    50,000 / 1,050,000 =    952.38 ->    952
    assert keys[scenario.K1.arn]["requests"]["symmetric"] == 1_000_000 + 19_048
    assert keys[scenario.K1.arn]["requests"]["gdkp_rsa"] == 100
    assert keys[scenario.K3_ARN]["requests"]["symmetric"] == 50_000 + 952
    assert keys[scenario.K2.arn]["requests"]["asymmetric"] == 20_000
    assert keys[scenario.K2.arn]["source"] == "cur"
    assert keys[scenario.K2.arn]["window"] == "2026-10-01/2026-10-31"
    # The plan prices the billed volume:
    #   keys 2 x $1.00                                          = $2.00
    #   K1 1,019,048 - 20,000 free = 999,048 / 10k x $0.03      = $2.997144
    #   K1 100 RSA key pairs / 10k x $12.00                     = $0.12
    #   K2 20,000 asymmetric / 10k x $0.15                      = $0.30
    plan = plan_for(scenario.inventory(), usage)
    assert str(plan.monthly_now) == "5.417144"
    assert load_usage(usage).keys[scenario.K1.arn].label == \
        "measured: cur, 2026-10-01/2026-10-31"
    assert any(scenario.K3_ARN in warning for warning in plan.warnings)  # not scanned


def test_a_month_without_kms_lines_is_bad_input(tmp_path, capsys):
    bill = cur.legacy_csv(tmp_path / "cur.csv.gz", scenario.items())
    assert run(["usage", "measure", "--cur", bill, "--month", "2025-01",
                "--out", tmp_path / "u.yaml"]) == 2
    assert "no KMS lines for 2025-01" in capsys.readouterr().err
    assert not (tmp_path / "u.yaml").exists()
    assert run(["usage", "measure", "--cur", bill, "--month", "2025-1",
                "--out", tmp_path / "u.yaml"]) == 2
    assert "--month: '2025-1' is not a month" in capsys.readouterr().err


def test_a_keys_resources_share_its_billed_total(tmp_path, capsys):
    # Two buckets on K1: whatever the defaults estimate for each, the plan's K1 symmetric
    # requests are the billed 1,019,048, spread over the buckets by their estimates.
    bill = cur.legacy_csv(tmp_path / "cur.csv.gz", scenario.items())
    usage = tmp_path / "usage.yaml"
    assert run(["usage", "measure", "--cur", bill, "--out", usage]) == 0
    inventory = scenario.inventory()
    inventory.resources = [
        make_resource("bucket", name, "customer-managed", key=scenario.K1.arn,
                      object_count=count, bucket_key=False)
        for name, count in (("orders", 1_000), ("images", 3_000))]
    plan = plan_for(inventory, usage)
    rows = [r for r in plan.requests if r.phase == "now" and r.key_ref == scenario.K1.arn
            and r.request_class == "symmetric"]
    assert sum(r.requests for r in rows) == 1_019_048
    shares = [p.priced_now for p in plan.resources]
    assert sum(shares) == 1_019_048 and all(shares)
    assert {p.sources["kms_requests"] for p in plan.resources} == \
        {"measured: cur, 2026-10-01/2026-10-31"}
