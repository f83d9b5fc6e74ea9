"""The figures a budget review signs off on (issue 11): doing nothing vs the plan, the steady
state once rotations have stepped up, the one-time cost by part, and what it leaves out.

Hand-worked with the bundled prices: a key-month is $1.00 and each of a key's 1st and 2nd
rotations adds $1.00 a month. The scan (tests/factories.py) is dated 2026-11-28, so forecast
month 1 is December 2026. A 3-day cut-over is 72 of 730 hours, a 7-day snapshot retention 168.
"""

from __future__ import annotations

from decimal import Decimal

from planner.report.summary import summary
from tests.factories import make_inventory, make_key, make_resource
from tests.plan.helpers import plan_for, write_usage

D = Decimal


def _rotated_key():
    # Rotated once; its 2nd rotation is on 2027-01-31, in forecast month 2.
    key = make_key("k1", rotation=True, created="2026-01-01T00:00:00+00:00")
    key.rotations, key.rotation_period_days, key.next_rotation = 1, 365, "2027-01-31"
    return key


def _estate(size_gb=100):
    key = _rotated_key()
    return make_inventory([
        make_resource("volume", "vol-kept", "customer-managed", key=key.arn, size_gb=10),
        make_resource("volume", "vol-plain", "none", size_gb=size_gb),
    ], keys=[key])


def test_do_nothing_the_plan_and_the_difference_over_1_and_3_years():
    document = summary(plan_for(_estate()))
    # Doing nothing: k1 costs $2 in month 1 (key + 1st rotation), $3 from month 2 on (2nd
    # rotation). Year 1: 2 + 11 x 3 = 35. Three years: 2 + 35 x 3 = 107. Requests (4 attaches
    # a month per volume) stay in the free tier.
    assert document["monthly_now_usd"] == "2.00"
    assert document["monthly_now_steady_usd"] == "3.00"
    assert document["baseline_1y_usd"] == "35.00"
    assert document["baseline_3y_usd"] == "107.00"
    # The plan adds one new key for vol-plain: $1 a month in year 1, $2 in year 2, $3 in year 3
    # (12 + 24 + 36 = 72), and month 36 costs k1's 3 + the new key's 3 = 6 (month 1: 2 + 1).
    assert document["monthly_after_usd"] == "3.00"
    assert document["monthly_after_steady_usd"] == "6.00"
    # One-time: a 100 GB temporary snapshot for 168 hours at $0.05 (1.1507) and the new volume
    # beside the old for 72 hours at $0.08 (0.7890): 1416 / 730 = 1.9397.
    assert document["one_time_usd"] == "1.94"
    assert document["year_1_usd"] == "48.94"  # 35 + 12 + 1.9397
    assert document["year_3_usd"] == "180.94"  # 107 + 72 + 1.9397
    assert document["delta_1y_usd"] == "13.94"
    assert document["delta_3y_usd"] == "73.94"


def test_one_time_parts_add_up_to_the_one_time_figure():
    document = summary(plan_for(_estate()))
    parts = document["one_time_parts"]
    assert parts["snapshot_storage"] == "1.15"  # 100 x 0.05 x 168 / 730 = 1.1507
    assert parts["cutover_duplicate_storage"] == "0.79"  # 100 x 0.08 x 72 / 730 = 0.7890
    assert parts["labour"] == "0.00"
    assert sum(D(v) for v in parts.values()) == D(document["one_time_usd"])


def test_no_labour_rate_is_said_not_left_as_a_silent_zero(tmp_path):
    unpriced = summary(plan_for(_estate()))
    assert unpriced["labour_priced"] is False
    assert any(w.startswith("one-time excludes engineering labour") for w in
               unpriced["warnings"])
    usage = write_usage(tmp_path, "parameters:\n  labour_rate_usd_per_hour: '95'\n"
                        "  labour_hours: {ebs-copy-and-swap: '1.5'}\n")
    priced = summary(plan_for(_estate(), usage))
    assert priced["labour_priced"] is True
    assert not any("labour" in w for w in priced["warnings"])
    # 1.5 hours x $95 = 142.50 on top of the storage's 1.9397: 144.4397.
    assert priced["one_time_parts"]["labour"] == "142.50"
    assert priced["one_time_usd"] == "144.44"


def test_resources_without_size_make_the_one_time_a_lower_bound():
    plan = plan_for(_estate(size_gb=None))
    document = summary(plan)
    assert document["resources_without_size"] == 1
    assert [p.resource.resource_id for p in plan.unsized] == ["vol-plain"]
    assert any(w.startswith("one-time is a lower bound: 1 resources without size")
               and "vol-plain" in w for w in document["warnings"])
    assert document["one_time_usd"] == "0.00"


def test_the_lower_bound_warning_says_where_an_id_repeats():
    """An Aurora cluster's id is unique only in its account and region: the warning names
    those for an id it lists twice, so a reviewer can tell the resources apart."""
    plan = plan_for(make_inventory([
        make_resource("volume", "demo-aurora", "none", region="eu-west-1"),
        make_resource("volume", "demo-aurora", "none", region="us-east-1"),
        make_resource("volume", "vol-once", "none"),
    ]))
    [warning] = [w for w in summary(plan)["warnings"] if w.startswith("one-time is a lower")]
    account = plan.inventory.resources[0].account
    assert warning.endswith(f"(demo-aurora ({account} eu-west-1), demo-aurora ({account} "
                            "us-east-1), vol-once)")


def test_cut_over_window_is_a_usage_parameter(tmp_path):
    usage = write_usage(tmp_path, "parameters:\n  cutover_window_days: 10\n")
    document = summary(plan_for(_estate(), usage))
    # 100 GB x $0.08 x 240 / 730 hours = 2.6301.
    assert document["one_time_parts"]["cutover_duplicate_storage"] == "2.63"


def test_aurora_and_rds_cut_over_storage_is_priced():
    inventory = make_inventory([
        make_resource("db-instance", "db-1", "none", size_gb=100),
        make_resource("db-cluster", "ledger", "none", size_gb=50),
    ])
    parts = summary(plan_for(inventory))["one_time_parts"]
    # RDS: 100 GB x $0.115 x 72 / 730 = 1.1342; Aurora: 50 GB x $0.10 x 72 / 730 = 0.4932.
    assert parts["cutover_duplicate_storage"] == "1.63"  # 1.6274


def test_a_dsse_bucket_copy_pays_the_dsse_charge_per_gb():
    aws_s3 = make_key("aws-s3", manager="AWS", aliases=["alias/aws/s3"])
    bucket = make_resource("bucket", "vault", "aws-managed", key=aws_s3.arn, size_gb=200,
                           object_count=0)
    bucket.algorithm = "aws:kms:dsse"  # dual-layer, on aws/s3: below a customer-managed target
    plan = plan_for(make_inventory([bucket], keys=[aws_s3]))
    [p] = plan.resources
    assert p.action == "s3-set-default-dsse-kms"  # dual-layer kept, on the new key
    # 200 GB x $0.003 = 0.60.
    assert summary(plan)["one_time_parts"]["s3_dsse_reencryption"] == "0.60"


def test_versions_large_objects_and_archive_classes_are_warned_about():
    bucket = make_resource("bucket", "photos", "sse-s3", object_count=1000)
    warnings = plan_for(make_inventory([bucket])).warnings
    [s3] = [w for w in warnings if w.startswith("S3: 1 bucket(s)")]
    assert "Noncurrent versions are not rewritten" in s3
    assert "The versioning of 1 of them was not read" in s3  # an inventory without it
    assert "over 5 GB" in s3 and "restore first" in s3


def test_a_full_snapshot_copy_adds_monthly_storage_as_an_assumption(tmp_path):
    inventory = make_inventory([make_resource("snapshot", "snap-1", "none", size_gb=80)])
    plan = plan_for(inventory)
    [p] = plan.resources
    assert p.action == "ebs-snapshot-copy"
    # The copy is full, the original was incremental; default: the original stored nothing
    # of its own (an upper bound), so the copy adds 80 GB x $0.05 = $4.00 a month.
    assert plan.storage_cost_after == D("4.00")
    document = summary(plan)
    assert document["monthly_after_usd"] == "5.00"  # the new key's $1 + 4.00
    assert document["monthly_after_steady_usd"] == "7.00"  # the key's $3 in year 3 + 4.00
    # Year 1: 12 x 5.00 + the 7-day copy 80 x 0.05 x 168 / 730 = 0.9205.
    assert document["year_1_usd"] == "60.92"
    usage = write_usage(tmp_path, "parameters:\n  ebs_snapshot_original_share: '0.75'\n")
    # The original stored 75% of it on its own: the copy adds 20 GB x $0.05 = $1.00.
    assert plan_for(inventory, usage).storage_cost_after == D("1.00")


def test_a_versioned_buckets_copy_keeps_the_old_versions_for_a_while():
    versioned = make_resource("bucket", "photos", "sse-s3", size_gb=100, object_count=1000,
                              details={"versioning": "Enabled"})
    unread = make_resource("bucket", "logs", "sse-s3", size_gb=100, object_count=1000,
                           details={"versioning": None})
    plain = make_resource("bucket", "assets", "sse-s3", size_gb=100, object_count=1000,
                          details={"versioning": "Disabled"})
    plan = plan_for(make_inventory([versioned, unread, plain]))
    # Only the versioned bucket: 100 GB kept 30 days (720 of 730 hours) at $0.023 = 2.2685.
    assert summary(plan)["one_time_parts"]["s3_noncurrent_versions"] == "2.27"
    [s3] = [w for w in plan.warnings if w.startswith("S3: 3 bucket(s)")]
    assert "The versioning of 1 of them was not read" in s3


def test_buckets_with_archived_objects_are_named():
    cold = make_resource("bucket", "cold", "sse-s3", size_gb=500, object_count=10,
                         details={"versioning": "Disabled", "archive_gb": 420.0})
    warm = make_resource("bucket", "warm", "sse-s3", size_gb=5, object_count=10,
                         details={"versioning": "Disabled", "archive_gb": 0.0})
    warnings = plan_for(make_inventory([cold, warm])).warnings
    [archived] = [w for w in warnings if "archive classes" in w]
    assert archived.startswith("S3: 1 bucket(s) to copy hold 420.0 GB in archive classes")
    assert archived.endswith("the restore is not priced (cold)")
