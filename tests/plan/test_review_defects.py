"""Regression tests for the model defects found in review (issue 11). Prices: key $1.00 a
month, symmetric requests $0.03 per 10,000 after a 20,000 free tier per billing scope, S3
Batch Operations $0.25 a job and $1.00 per million objects, COPY $0.005 per 1,000."""

from decimal import Decimal

from tests.factories import make_inventory, make_key, make_resource
from tests.plan.helpers import cents, plan_for, write_usage

D = Decimal
TRAFFIC = "{monthly_get_requests: 1000000, monthly_put_requests: 100000}"


def _bucket(name, encryption, key=None, algorithm=None, bucket_key=False, objects=None):
    bucket = make_resource("bucket", name, encryption, key=key, bucket_key=bucket_key,
                           object_count=objects)
    if algorithm:
        bucket.algorithm = algorithm
    return bucket


def _busy(tmp_path, names):
    lines = "".join(f"  {name}: {TRAFFIC}\n" for name in names)
    return write_usage(tmp_path, "resources:\n" + lines)


# Defect 1: S3 Bucket Keys do not apply to DSSE-KMS.

def test_dsse_bucket_gets_no_bucket_key_saving(tmp_path):
    cmk = make_key("cmk")
    aws_s3 = make_key("aws-s3", manager="AWS", aliases=["alias/aws/s3"])
    buckets = [
        _bucket("dsse", "customer-managed", cmk.arn, "aws:kms:dsse", bucket_key=True),
        _bucket("kms-1", "aws-managed", aws_s3.arn),
        _bucket("kms-2", "aws-managed", aws_s3.arn),
        _bucket("kms-3", "aws-managed", aws_s3.arn),
        _bucket("plain-1", "sse-s3"),
        _bucket("plain-2", "sse-s3"),
    ]
    plan = plan_for(make_inventory(buckets, [cmk, aws_s3]),
                    _busy(tmp_path, [b.name for b in buckets]), target="aws-managed")
    dsse = next(p for p in plan.resources if p.resource.resource_id == "dsse")
    assert dsse.requests_now == 1_100_000  # not 11,000: the bucket key setting does nothing
    # KMS buckets: 4 x 1,100,000 = 4,400,000 requests; SSE-S3 calls no KMS.
    # (4,400,000 - 20,000) / 10,000 x 0.03 = 13.14, plus the CMK's $1.00 = 14.14
    # (with the wrong saving: 3,311,000 requests, 10.87).
    assert cents(plan.monthly_now) == D("14.14")


def test_dsse_bucket_remediation_keeps_dual_layer(tmp_path):
    aws_s3 = make_key("aws-s3", manager="AWS", aliases=["alias/aws/s3"])
    bucket = _bucket("dsse", "aws-managed", aws_s3.arn, "aws:kms:dsse", objects=2_000_000)
    plan = plan_for(make_inventory([bucket], [aws_s3]), _busy(tmp_path, ["dsse"]))
    [dsse] = plan.resources
    assert dsse.action == "s3-set-default-dsse-kms"
    assert dsse.state_after == "customer-managed"
    assert dsse.bucket_key_after is False
    assert dsse.requests_now == dsse.requests_after == 1_100_000
    # Now: (1,100,000 - 20,000) / 10,000 x 0.03 = 3.24 on the free AWS managed key.
    assert plan.monthly_now == D("3.24")
    # After: the same requests on one new key: 3.24 + 1.00.
    assert plan.monthly_after == D("4.24")
    # Batch copy of 2,000,000 objects: job 0.25 + objects 2.00 + COPY 2,000 x 0.005 = 10.00,
    # KMS: a Decrypt and a GenerateDataKey per object (no bucket key) = 4,000,000 requests
    # = 400 x 0.03 = 12.00. Total 24.25.
    assert cents(plan.one_time) == D("24.25")


# Defect 2: the usage file's type default never overrides a scanned object count.

def test_type_default_object_count_does_not_override_the_scan(tmp_path):
    usage = write_usage(tmp_path, "defaults:\n  bucket: {object_count: 1}\n")
    plan = plan_for(make_inventory([_bucket("data", "sse-s3", objects=2_000_000)]), usage)
    [bucket] = plan.resources
    assert bucket.figures["object_count"] == 2_000_000
    assert bucket.sources["object_count"] == "inventory: CloudWatch NumberOfObjects"
    # job 0.25 + objects 2.00 + COPY 10.00 + GenerateDataKey for the 1% a bucket key leaves
    # (20,000 requests = 2 x 0.03 = 0.06): 12.31.
    assert cents(plan.one_time) == D("12.31")


def test_per_resource_override_beats_the_scan_and_default_fills_a_gap(tmp_path):
    usage = write_usage(tmp_path, "defaults:\n  bucket: {object_count: 1000000}\n"
                                  "resources:\n  data: {object_count: 1000000}\n")
    plan = plan_for(make_inventory([_bucket("data", "sse-s3", objects=2_000_000),
                                    _bucket("unsized", "sse-s3")]), usage)
    data, unsized = plan.resources
    for bucket in (data, unsized):
        assert bucket.figures["object_count"] == 1_000_000
        assert bucket.sources["object_count"] == "usage file"
        # job 0.25 + objects 1.00 + COPY 1,000 x 0.005 = 5.00 + 10,000 GenerateDataKey
        # = 0.03: 6.28.
        assert cents(bucket.one_time_cost) == D("6.28")


# Defect 7: requests to a disabled or pending-deletion key fail and are not billed.

def test_requests_to_disabled_key_are_not_billed_now(tmp_path):
    off = make_key("off", state="Disabled")
    usage = write_usage(tmp_path, "resources:\n  data: {monthly_get_requests: 1000000, "
                                  "monthly_put_requests: 0}\n")
    plan = plan_for(make_inventory([_bucket("data", "customer-managed", off.arn)], [off]),
                    usage)
    [bucket] = plan.resources
    assert bucket.action == "restore-key"
    assert bucket.requests_now == 0
    # Now: the disabled key's $1.00, no requests. After it is restored, (1,000,000 -
    # 20,000) / 10,000 x 0.03 = 2.94 more.
    assert plan.monthly_now == D("1.00")
    assert plan.monthly_after == D("3.94")
    assert not [r for r in plan.requests if r.phase == "now"]


def test_measured_requests_to_pending_deletion_key_are_not_billed_now(tmp_path):
    doomed = make_key("doomed", state="PendingDeletion")
    usage = write_usage(tmp_path, f"keys:\n  {doomed.arn}:\n    requests: "
                                  "{symmetric: 1000000}\n")
    plan = plan_for(make_inventory([], [doomed]), usage)
    # A key pending deletion costs nothing, and its failing requests are not billed.
    assert plan.monthly_now == 0


# Defect 11: "encrypted, key unknown" has its own rung.

def _key_unknown_snapshot():
    snapshot = make_resource("snapshot", "snap-1", "kms-key-unknown", size_gb=100)
    snapshot.details = {"kms_key_raw": None}
    return snapshot


def test_kms_key_unknown_meets_encrypted_only():
    inventory = make_inventory([_key_unknown_snapshot()])
    [kept] = plan_for(inventory, target="encrypted").resources
    assert (kept.action, kept.key_now, kept.key_after) == ("keep", None, None)
    for target in ("aws-managed", "customer-managed"):
        [moved] = plan_for(inventory, target=target).resources
        assert moved.action == "ebs-snapshot-copy"
        assert moved.state_after == target


def test_kms_key_unknown_requests_are_warned_as_not_priced(tmp_path):
    volume = make_resource("volume", "vol-1", "kms-key-unknown", size_gb=8)
    plan = plan_for(make_inventory([volume]), target="encrypted")
    [kept] = plan.resources
    # 4 attaches a month by default, on a key nobody can name: not priced, and said so.
    assert kept.requests_now == 0
    assert kept.sources["kms_requests_now"].startswith("not priced")
    assert any("kms-key-unknown" in w and "not priced" in w for w in plan.warnings)


def test_inventory_keeps_the_new_rung_partition_and_org_origin(tmp_path):
    from planner.inventory import load_inventory, save_inventory

    inventory = make_inventory([_key_unknown_snapshot()])
    inventory.partition, inventory.accounts_from = "aws-cn", "organizations"
    path = tmp_path / "inventory.json"
    save_inventory(inventory, path)
    again = load_inventory(path)
    assert again.resources[0].encryption == "kms-key-unknown"
    assert again.resources[0].details == {"kms_key_raw": None}
    assert (again.partition, again.accounts_from) == ("aws-cn", "organizations")


# Defect 12: ARNs are built with the scanned partition.

def test_region_setting_arn_uses_the_inventory_partition():
    from planner.inventory import RegionSettings

    # The region stays one the bundled price book knows; only the partition matters here.
    inventory = make_inventory([make_resource("table", "t", "aws-owned")],
                               settings=[RegionSettings("111111111111", "us-east-1", True,
                                                        None)])
    inventory.partition = "aws-cn"
    [setting] = plan_for(inventory, target="aws-managed").region_actions
    assert setting.resource.arn == (
        "arn:aws-cn:ec2:us-east-1:111111111111:ebs-encryption-by-default")


def test_ebs_arns_use_the_scope_partition():
    from planner.scan.common import Scope
    from planner.scan.ebs import _resource

    scope = Scope("111111111111", "cn-north-1", "aws-cn", ("cn-north-1",), None)
    snapshot = _resource(scope, "snapshot", {"SnapshotId": "snap-1"}, "SnapshotId",
                         "VolumeSize")
    volume = _resource(scope, "volume", {"VolumeId": "vol-1"}, "VolumeId", "Size")
    assert snapshot.arn == "arn:aws-cn:ec2:cn-north-1::snapshot/snap-1"
    assert volume.arn == "arn:aws-cn:ec2:cn-north-1:111111111111:volume/vol-1"


# Defect 8: an empty inventory is not a clean $0 budget.

def test_plan_of_an_inventory_with_nothing_in_it_exits_2(tmp_path, capsys):
    import pytest

    from planner.cli import main
    from planner.inventory import save_inventory

    path = tmp_path / "empty.json"
    save_inventory(make_inventory([]), path)
    with pytest.raises(SystemExit) as exit_info:
        main(["plan", str(path), "--out", str(tmp_path / "plan.xlsx"),
              "--json", str(tmp_path / "plan.json")])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no resources and no keys" in err
    assert not (tmp_path / "plan.xlsx").exists() and not (tmp_path / "plan.json").exists()


# Defect 9: an inventory whose accounts came from Organizations shares one free tier.

def _two_account_estate(accounts_from):
    aws_s3 = [make_key(f"s3-{a}", manager="AWS", aliases=["alias/aws/s3"], account=a)
              for a in ("111111111111", "222222222222")]
    buckets = [make_resource("bucket", f"b-{k.account}", "aws-managed", key=k.arn,
                             account=k.account, bucket_key=False) for k in aws_s3]
    inventory = make_inventory(buckets, aws_s3)
    inventory.accounts_from = accounts_from
    return inventory


def test_default_billing_scope_follows_where_the_accounts_came_from(tmp_path):
    usage = write_usage(tmp_path, "defaults:\n  bucket: {monthly_get_requests: 15000, "
                                  "monthly_put_requests: 0}\n")
    org = plan_for(_two_account_estate("organizations"), usage, target="aws-managed")
    assert org.settings.billing_scope == "organization"
    # One free tier for both: 30,000 - 20,000 = 10,000 requests = 1 x 0.03.
    assert org.monthly_now == D("0.03")
    listed = plan_for(_two_account_estate(None), usage, target="aws-managed")
    assert listed.settings.billing_scope == "account"
    assert listed.monthly_now == 0  # 15,000 each, inside each account's 20,000
    chosen = plan_for(_two_account_estate("organizations"), usage, target="aws-managed",
                      billing_scope="account")
    assert chosen.monthly_now == 0  # an explicit choice wins


def test_summary_sheet_says_which_billing_scope(tmp_path):
    import openpyxl

    from planner.report.workbook import write_workbook

    path = tmp_path / "plan.xlsx"
    write_workbook(plan_for(_two_account_estate("organizations")), path)
    note = openpyxl.load_workbook(path)["Summary"]["A2"].value
    assert "free tier per organization (accounts from AWS Organizations)" in note


# Defect 4: KMS does not rotate disabled or pending-deletion keys.

def _disabled_rotating_key():
    key = make_key("off", state="Disabled", rotation=True)
    key.rotations, key.next_rotation = 0, "2027-03-01"
    return key


def test_a_disabled_key_does_not_step_up_in_the_forecast():
    key = _disabled_rotating_key()
    plan = plan_for(make_inventory([make_resource("table", "t", "aws-owned")], [key]),
                    target="encrypted")  # the table is kept: no new key
    # Not restored (nothing uses it): $1.00 a month in both columns, all 36 months.
    assert {m.keys_now for m in plan.forecast} == {D("1.00")}
    assert {m.keys_after for m in plan.forecast} == {D("1.00")}


def test_a_restored_key_steps_up_after_the_plan_only():
    key = _disabled_rotating_key()
    volume = make_resource("volume", "vol-1", "customer-managed", key=key.arn, size_gb=8)
    plan = plan_for(make_inventory([volume], [key]))
    assert plan.resources[0].action == "restore-key"
    assert {m.keys_now for m in plan.forecast} == {D("1.00")}
    after = [m.keys_after for m in plan.forecast]
    # Scan in November 2026, month 1 = December. Re-enabled, it rotates on 2027-03-01
    # (month 4, March 2027: $2) and 365 days later on 2028-02-29 (month 15, February 2028:
    # $3, the 2nd and last billed rotation).
    assert after[2] == D("1.00") and after[3] == D("2.00")
    assert after[13] == D("2.00") and after[14] == D("3.00") and after[35] == D("3.00")


# Defect 6: a key is proposed only where a resource needs one.

REGIONS = ("us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-2")


def _one_table_five_regions():
    from planner.inventory import RegionSettings

    inventory = make_inventory([make_resource("table", "orders", "aws-owned")],
                               settings=[RegionSettings("111111111111", r, False, None)
                                         for r in REGIONS])
    inventory.regions = list(REGIONS)
    return inventory


def test_default_encryption_takes_the_regions_key_else_aws_ebs():
    plan = plan_for(_one_table_five_regions())
    [table] = plan.resources
    assert plan.new_keys == 1
    by_region = {p.resource.region: p for p in plan.region_actions}
    assert by_region["us-east-1"].key_after == table.key_after  # the key the table gets
    for region in REGIONS[1:]:
        setting = by_region[region]
        assert setting.action == "ebs-enable-default-encryption"
        assert setting.state_after == "aws-managed"
        assert setting.key_after == f"kmsplan:aws-managed:111111111111:{region}:aws/ebs"
        assert setting.sources["default_key"].startswith("aws/ebs (free)")
    # The one new key over 36 months: 12 x $1 + 12 x $2 + 12 x $3 = $72 (the four keys
    # that would encrypt nothing were 4 x $72 = $288 more).
    assert sum(m.keys_after for m in plan.forecast) == D("72.00")


def test_a_policy_can_ask_for_a_customer_managed_default_key_anyway(tmp_path):
    from planner.cli.plan import make_settings
    from planner.plan import build_plan
    from planner.usage import load_usage
    from pricing import load_price_book

    policy = tmp_path / "policy.yaml"
    policy.write_text("ebs_default_key: customer-managed\n")
    settings = make_settings(None, "account-region", policy, True, True, True, "auto")
    plan = build_plan(_one_table_five_regions(), settings, load_usage(), load_price_book())
    assert plan.new_keys == 5
    assert {p.state_after for p in plan.region_actions} == {"customer-managed"}


def test_default_encryption_uses_the_key_the_regions_volumes_stay_on():
    from planner.inventory import RegionSettings

    cmk = make_key("cmk")
    volume = make_resource("volume", "vol-1", "customer-managed", key=cmk.arn, size_gb=8)
    inventory = make_inventory([volume], [cmk], [RegionSettings("111111111111", "us-east-1",
                                                                False, None)])
    plan = plan_for(inventory)
    [setting] = plan.region_actions
    assert plan.new_keys == 0
    assert (setting.action, setting.key_after) == ("ebs-enable-default-encryption", cmk.arn)


# Defect 3: an Aurora cluster's size is its VolumeBytesUsed, with the source named.

def test_aurora_cluster_is_priced_from_its_measured_volume():
    cluster = make_resource("db-cluster", "ledger", "none", size_gb=52.5, details={
        "engine": "aurora-mysql", "size_source": "CloudWatch AWS/RDS VolumeBytesUsed"})
    unsized = make_resource("db-cluster", "blank", "none", details={
        "engine": "aurora-mysql", "size_source": "unknown: GetMetricData failed with X"})
    sized, blank = plan_for(make_inventory([cluster, unsized])).resources
    assert sized.action == "aurora-restore-encrypted"
    assert sized.sources["size_gb"] == "inventory: CloudWatch AWS/RDS VolumeBytesUsed"
    # One cluster snapshot of 52.5 GB kept 168 of 730 hours at $0.095 a GB-month:
    # 52.5 x 0.095 x 168 / 730 = 1.1478...; and the new cluster's storage beside the old for
    # the 3-day cut-over window: 52.5 x $0.10 x 72 / 730 = 0.5178...; 1.6656... in all.
    assert cents(sized.one_time_cost) == D("1.67")
    assert blank.one_time_cost == 0
    assert blank.sources["size_gb"] == "unknown: GetMetricData failed with X, priced as 0"
