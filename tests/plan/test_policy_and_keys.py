from decimal import Decimal

import pytest

from planner.inventory import RegionSettings
from pricing.present import allocate_cents
from tests.factories import ACCOUNT, make_inventory, make_key, make_resource
from tests.plan.helpers import plan_for, write_usage


def _estate():
    cmk = make_key("cmk", rotation=True, created="2025-01-01T00:00:00+00:00")
    pending = make_key("doomed", state="PendingDeletion")
    disabled = make_key("off", state="Disabled")
    aws_s3 = make_key("s3-aws", manager="AWS", aliases=["alias/aws/s3"])
    resources = [
        make_resource("bucket", "logs", "sse-s3", tags={"team": "red"}, object_count=10),
        make_resource("bucket", "site", "aws-managed", key=aws_s3.arn, tags={"team": "blue"}),
        make_resource("volume", "vol-1", "none", size_gb=8, tags={"team": "red"}),
        make_resource("volume", "vol-2", "customer-managed", key=cmk.arn, size_gb=8),
        make_resource("volume", "vol-3", "customer-managed", key=pending.arn, size_gb=8),
        make_resource("snapshot", "snap-1", "customer-managed", key=disabled.arn, size_gb=8),
        make_resource("table", "orders", "aws-owned"),
        make_resource("bucket", "secret", "unknown", error="AccessDenied: denied"),
        make_resource("db-cluster", "aurora-1", "none", size_gb=50),
        make_resource("db-instance", "aurora-1-a", "none", size_gb=50,
                      details={"cluster_id": "aurora-1"}),
        make_resource("db-snapshot", "rds:db-9-auto", "none", size_gb=20,
                      details={"snapshot_type": "automated"}),
        make_resource("db-snapshot", "db-9-manual", "none", size_gb=20,
                      details={"snapshot_type": "manual"}),
    ]
    settings = [RegionSettings(ACCOUNT, "us-east-1", False, None)]
    return make_inventory(resources, keys=[cmk, pending, disabled, aws_s3], settings=settings)


def _actions(plan):
    return {p.resource.resource_id: p.action for p in plan.all_actions}


def test_actions_follow_each_service_path():
    actions = _actions(plan_for(_estate()))
    assert actions == {
        "logs": "s3-set-default-sse-kms", "site": "s3-set-default-sse-kms",
        "vol-1": "ebs-copy-and-swap", "vol-2": "keep", "vol-3": "restore-key",
        "snap-1": "restore-key", "orders": "dynamodb-update-sse", "secret": "investigate",
        "aurora-1": "aurora-restore-encrypted", "aurora-1-a": "covered-by-cluster",
        "rds:db-9-auto": "expires-with-source", "db-9-manual": "rds-snapshot-copy",
        f"ebs-encryption-by-default/{ACCOUNT}/us-east-1": "ebs-enable-default-encryption",
    }


def test_keys_disabled_or_pending_deletion_put_resources_at_risk():
    plan = plan_for(_estate())
    assert sorted(p.resource.resource_id for p in plan.at_risk) == ["snap-1", "vol-3"]
    doomed = next(k for k in plan.keys if k.ref.endswith("/doomed"))
    assert doomed.lines_now == []  # pending deletion is not billed...
    assert sum(line.cost for line in doomed.lines_after) == Decimal("1.00")  # ...restored is


def test_unknown_stays_unknown():
    plan = plan_for(_estate())
    secret = next(p for p in plan.resources if p.resource.resource_id == "secret")
    assert (secret.state_after, secret.key_after, secret.one_time) == ("unknown", None, [])


def test_existing_customer_managed_keys_stay_in_use():
    plan = plan_for(_estate(), key_strategy="resource")
    vol2 = next(p for p in plan.resources if p.resource.resource_id == "vol-2")
    assert vol2.key_after == vol2.key_now


@pytest.mark.parametrize(("strategy", "new_keys"), [
    ("account-region", 1),
    # s3, ebs (volume and the region's default-encryption setting), dynamodb, rds
    ("service", 4),
    # one per remediated resource: logs, site, vol-1, orders, aurora-1, db-9-manual
    # (aurora-1-a follows its cluster; EBS default encryption takes a key the region
    # already gets: it needs none of its own)
    ("resource", 6),
    # team=red (logs, vol-1), team=blue (site), untagged (the rest)
    ("tag:team", 3),
])
def test_key_strategies(strategy, new_keys):
    assert plan_for(_estate(), key_strategy=strategy).new_keys == new_keys


def test_encrypted_target_needs_no_customer_keys():
    plan = plan_for(_estate(), target="encrypted")
    actions = _actions(plan)
    assert plan.new_keys == 0
    assert actions["logs"] == "keep"  # SSE-S3 is encrypted
    assert actions["vol-1"] == "ebs-copy-and-swap"
    vol1 = next(p for p in plan.resources if p.resource.resource_id == "vol-1")
    assert vol1.state_after == "aws-managed"


def test_per_service_targets():
    plan = plan_for(_estate(), service_targets=(("s3", "encrypted"),))
    actions = _actions(plan)
    assert actions["logs"] == "keep" and actions["site"] == "keep"
    assert actions["vol-1"] == "ebs-copy-and-swap"


def test_rotation_off_and_forecast_steps():
    rotating = plan_for(_estate())
    flat = plan_for(_estate(), rotation=False)
    new_key = next(k for k in rotating.keys if k.status == "proposed")
    assert new_key.rotation and not next(k for k in flat.keys if k.status == "proposed").rotation
    after = [m.keys_after for m in rotating.forecast]
    # The new key steps up by $1 at months 13 and 25; then stays (rotations past 2 are free).
    assert after[12] - after[11] >= Decimal("1.00")
    assert after[24] - after[23] >= Decimal("1.00")
    flat_after = [m.keys_after for m in flat.forecast]
    assert after[35] - flat_after[35] == Decimal("2.00")
    assert len(rotating.forecast) == 36


def test_every_table_adds_up_to_the_cent(tmp_path):
    usage = write_usage(tmp_path, "defaults:\n  table: {active_connections: 7}\n"
                                  "  bucket: {monthly_get_requests: 3333333}\n")
    plan = plan_for(_estate(), usage, bucket_keys=False)
    for phase in ("now", "after"):
        rows = [r.line.cost for r in plan.requests if r.phase == phase]
        per_resource = [getattr(p, f"request_cost_{phase}") for p in plan.all_actions]
        assert sum(rows) == sum(per_resource) == plan.request_cost(phase)
        keys = [line.cost for k in plan.keys for line in getattr(k, f"lines_{phase}")]
        assert sum(keys) + sum(rows) == getattr(plan, f"monthly_{phase}")
        presented = allocate_cents(keys + rows)
        assert sum(presented) == getattr(plan, f"monthly_{phase}").quantize(Decimal("0.01"))
    assert sum(p.one_time_cost for p in plan.all_actions) == plan.one_time
    assert plan.year_total(3) == sum(m.after for m in plan.forecast)


def test_measured_key_requests_replace_estimates(tmp_path):
    cmk = make_key("cmk")
    inventory = make_inventory(
        [make_resource("volume", "vol-a", "customer-managed", key=cmk.arn),
         make_resource("volume", "vol-b", "customer-managed", key=cmk.arn)], keys=[cmk])
    usage = write_usage(tmp_path, f"""
keys:
  "{cmk.arn}":
    requests: {{symmetric: 120001, asymmetric: 10000}}
    source: CloudTrail test
    window: 2026-10-01/2026-10-31
""")
    plan = plan_for(inventory, usage)
    # 120,001 symmetric split evenly over the two volumes (largest remainder: 60,001 + 60,000)
    assert sorted(p.requests_now for p in plan.resources) == [4, 4]  # the estimates stay shown
    rows = {(r.phase, r.request_class): r for r in plan.requests}
    assert rows[("now", "symmetric")].requests == 120_001
    assert rows[("now", "symmetric")].source.startswith("measured: CloudTrail test")
    # asymmetric is outside the free tier: 1 x 0.15; symmetric 100,001 billed = 0.300003
    assert rows[("now", "asymmetric")].line.cost == Decimal("0.15")
    assert plan.request_cost("now") == Decimal("0.15") + Decimal("0.300003")


@pytest.mark.parametrize(("enabled", "key", "error", "state", "action"), [
    (False, None, None, "none", "ebs-enable-default-encryption"),
    # On, no other key named and nothing failed: AWS uses aws/ebs, and no resource in the
    # region needs a customer managed key, so aws/ebs (free) stays.
    (True, None, None, "aws-managed", "keep"),
    # On, and the aws/ebs key resolved to its key ARN by the scanner.
    (True, "aws-ebs", None, "aws-managed", "keep"),
    (True, "cmk", None, "customer-managed", "keep"),
    # On, but the default key could not be read: unknown, never taken for aws/ebs.
    (True, None, "AccessDenied", "unknown", "investigate"),
    (None, None, "AccessDenied", "unknown", "investigate"),
])
def test_ebs_default_encryption_setting(enabled, key, error, state, action):
    from planner.inventory import ScanError

    keys = {"aws-ebs": make_key("aws-ebs", manager="AWS", aliases=["alias/aws/ebs"]),
            "cmk": make_key("cmk")}
    setting = RegionSettings(ACCOUNT, "us-east-1", enabled, keys[key].arn if key else None)
    inventory = make_inventory([], keys=list(keys.values()), settings=[setting])
    if error:
        operation = "GetEbsDefaultKmsKeyId" if enabled else "GetEbsEncryptionByDefault"
        inventory.errors.append(ScanError(ACCOUNT, "us-east-1", "ebs", operation, error, "no"))
    [row] = plan_for(inventory).region_actions
    assert (row.resource.encryption, row.action) == (state, action)
    if error:
        assert row.resource.error == f"{error}: no"


def test_measured_requests_follow_resources_whose_estimate_is_zero(tmp_path):
    aws_ebs = make_key("aws-ebs", manager="AWS", aliases=["alias/aws/ebs"])
    inventory = make_inventory(
        [make_resource("volume", f"vol-{n}", "aws-managed", key=aws_ebs.arn) for n in (1, 2)],
        keys=[aws_ebs])
    usage = write_usage(tmp_path, f"""
defaults:
  volume: {{monthly_attach_events: 0}}
keys:
  "{aws_ebs.arn}":
    requests: {{symmetric: 3000000}}
    source: CloudTrail test
""")
    plan = plan_for(inventory, usage)
    after = [r for r in plan.requests if r.phase == "after"]
    # Both volumes move to the new key, and so do their 3,000,000 measured requests.
    assert [(r.key_ref.startswith("kmsplan:new"), r.requests) for r in after] == [
        (True, 3_000_000)]
    assert all(p.sources["kms_requests"] == "measured: CloudTrail test" for p in plan.resources)


def test_requests_on_another_accounts_key_are_billed_to_the_calling_account(tmp_path):
    foreign = "arn:aws:kms:us-east-1:999999999999:key/shared"
    usage = write_usage(tmp_path, "defaults:\n  bucket: {monthly_get_requests: 30000, "
                                  "monthly_put_requests: 0}\n")
    inventory = make_inventory([
        make_resource("bucket", "mine", "customer-managed", key=foreign),
        make_resource("bucket", "local", "aws-managed",
                      key="arn:aws:kms:us-east-1:111111111111:key/aws-s3")])
    plan = plan_for(inventory, usage, target="aws-managed")
    now = [r for r in plan.requests if r.phase == "now"]
    assert {r.scope for r in now} == {ACCOUNT}
    # 60,000 requests against the one allowance of the calling account: 40,000 billed.
    assert plan.request_cost("now") == Decimal("0.12")


def test_scan_errors_are_warned_about():
    from planner.inventory import ScanError

    inventory = make_inventory([make_resource("volume", "vol-1", "none")])
    inventory.errors.append(ScanError(ACCOUNT, "us-east-1", "ebs", "DescribeVolumes",
                                      "AccessDenied", "no"))
    [warning] = [w for w in plan_for(inventory).warnings if w.startswith("scan:")]
    assert "ebs DescribeVolumes failed with AccessDenied" in warning


def test_a_deleted_key_puts_its_resource_at_risk():
    # The scan read the catalogue and the volume's key was not in it: deleted.
    gone = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/deleted-0000"
    volume = make_resource("volume", "vol-lost", "customer-managed", key=gone, size_gb=8,
                           details={"key_in_catalogue": False})
    kept = make_resource("volume", "vol-kept", "customer-managed", key=gone, size_gb=8)
    plan = plan_for(make_inventory([volume, kept]))
    lost = next(p for p in plan.resources if p.resource.resource_id == "vol-lost")
    assert (lost.action, lost.at_risk, lost.key_after) == ("key-deleted", True, gone)
    assert lost.one_time == []  # nothing to price: recovering the data is not a KMS cost
    assert [p.resource.resource_id for p in plan.at_risk] == ["vol-lost"]
    # Without the scan's word that the catalogue lacks it, a key is not taken for deleted.
    assert _actions(plan)["vol-kept"] == "keep"
