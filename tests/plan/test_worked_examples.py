"""Hand-worked examples. Prices: key $1.00/month, symmetric $0.03 per 10,000 requests after a
20,000 free tier, EBS snapshots $0.05/GB-month, RDS snapshots $0.095/GB-month; a month is 730
hours; remediation snapshots are kept 7 days (168 hours) by default."""

from decimal import Decimal

from tests.factories import make_inventory, make_key, make_resource
from tests.plan.helpers import cents, plan_for, write_usage

D = Decimal


def test_two_unencrypted_volumes_share_one_new_key(tmp_path):
    inventory = make_inventory([
        make_resource("volume", "vol-a", "none", size_gb=100,
                      details={"attached_instance_ids": ["i-1"]}),
        make_resource("volume", "vol-b", "none", size_gb=50),
    ])
    plan = plan_for(inventory)
    assert [p.action for p in plan.resources] == ["ebs-copy-and-swap"] * 2
    assert plan.new_keys == 1
    assert plan.monthly_now == 0
    # 1 key; 2 volumes x 4 attaches = 8 requests, inside the free tier.
    assert plan.monthly_after == D("1.00")
    assert plan.free_tier_after == 8
    # 150 GB of temporary snapshots for 168 of 730 hours at $0.05: 7.50 x 168 / 730 = 1.726...
    # and the new volumes beside the old for the 3-day cut-over (72 of 730 hours) at $0.08:
    # 150 x 0.08 x 72 / 730 = 1.1836...; 1.7260 + 1.1836 = 2.9096.
    assert cents(plan.one_time) == D("2.91")
    assert all(p.key_after == plan.resources[0].key_after for p in plan.resources)


def _bucket_inventory(objects=None):
    return make_inventory([make_resource("bucket", "app-data", "sse-s3",
                                         object_count=objects)])


BUCKET_USAGE = """
resources:
  app-data: {monthly_get_requests: 1000000, monthly_put_requests: 100000}
"""


def test_sse_s3_bucket_with_bucket_keys(tmp_path):
    plan = plan_for(_bucket_inventory(2_000_000), write_usage(tmp_path, BUCKET_USAGE))
    [bucket] = plan.resources
    assert bucket.action == "s3-set-default-sse-kms"
    # 1,100,000 requests, 99% removed by the bucket key: 11,000, inside the free tier.
    assert bucket.requests_after == 11_000
    assert plan.monthly_after == D("1.00")
    # Batch re-encryption of 2,000,000 objects: job 0.25 + 2 million x 1.00 + 2,000 COPY
    # thousands x 0.005 = 10.00 + GenerateDataKey for 1% of 2,000,000 = 20,000 requests
    # = 2 x 0.03 = 0.06 (no free tier on one-time requests): 12.31.
    assert cents(plan.one_time) == D("12.31")


def test_sse_s3_bucket_without_bucket_keys(tmp_path):
    plan = plan_for(_bucket_inventory(2_000_000), write_usage(tmp_path, BUCKET_USAGE),
                    bucket_keys=False)
    [bucket] = plan.resources
    assert bucket.requests_after == 1_100_000
    # (1,100,000 - 20,000) / 10,000 x 0.03 = 3.24, plus the key.
    assert plan.monthly_after == D("4.24")
    # job 0.25 + objects 2.00 + COPY 10.00 + 2,000,000 GenerateDataKey = 6.00: 18.25.
    assert cents(plan.one_time) == D("18.25")


def test_bucket_without_object_count_says_so(tmp_path):
    plan = plan_for(_bucket_inventory(None), write_usage(tmp_path, BUCKET_USAGE))
    [bucket] = plan.resources
    assert bucket.one_time_cost == 0
    assert bucket.sources["object_count"].startswith("unknown")
    assert bucket.sources["monthly_get_requests"] == "usage file"


def test_dynamodb_table_on_aws_owned_key_with_ten_connections(tmp_path):
    inventory = make_inventory([make_resource("table", "orders", "aws-owned")])
    plan = plan_for(inventory, write_usage(tmp_path, "resources:\n  orders: "
                                                     "{active_connections: 10}\n"))
    [table] = plan.resources
    assert table.action == "dynamodb-update-sse"
    assert plan.monthly_now == 0  # AWS owned keys are free, requests included
    # 10 x 8,640 = 86,400 requests; 66,400 billed = 6.64 x 0.03 = 0.1992; plus the key.
    assert table.requests_after == 86_400
    assert plan.monthly_after == D("1.1992")
    assert plan.one_time == 0


def test_rds_instance_on_aws_managed_key():
    aws_rds = make_key("rds-aws", manager="AWS", aliases=["alias/aws/rds"])
    inventory = make_inventory(
        [make_resource("db-instance", "db-1", "aws-managed", key=aws_rds.arn, size_gb=100)],
        keys=[aws_rds])
    plan = plan_for(inventory)
    [db] = plan.resources
    assert db.action == "rds-snapshot-copy-restore"
    assert db.requests_now == 4 and plan.free_tier_now == 4
    assert plan.monthly_now == 0  # AWS managed key: no monthly fee, requests in the free tier
    assert plan.monthly_after == D("1.00")
    # snapshot and encrypted copy, 2 x 100 GB x 0.095 x 168/730 = 4.3726..., and the restored
    # instance's storage beside the old for the 3-day cut-over: 100 x 0.115 x 72/730 = 1.1342...
    # 4.3726 + 1.1342 = 5.5068.
    assert cents(plan.one_time) == D("5.51")


def test_organization_billing_scope_shares_one_free_tier(tmp_path):
    usage = write_usage(tmp_path, "defaults:\n  table: {active_connections: 2}\n")
    tables = [make_resource("table", f"t-{account}", "aws-managed", account=account,
                            key=f"arn:aws:kms:us-east-1:{account}:key/k") for account in
              ("111111111111", "222222222222")]
    inventory = make_inventory(tables)
    # Each account makes 17,280 requests: within each account's free tier...
    per_account = plan_for(inventory, usage, target="aws-managed")
    assert per_account.monthly_now == 0
    # ...but 34,560 against one organization allowance: 14,560 billed = 0.04368.
    organization = plan_for(inventory, usage, target="aws-managed",
                            billing_scope="organization")
    assert organization.monthly_now == D("0.04368")
    assert organization.free_tier_now == 20_000
