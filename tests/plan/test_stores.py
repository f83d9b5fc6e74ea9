"""Plans for the storage and database services: the action per type and state, the state
and key after, request defaults, measured usage on top, and the one-time lines.

Prices (bundled book): key $1.00/month, symmetric $0.03 per 10,000 requests after 20,000
free, EFS Standard $0.30/GB-month, DataSync $0.0125/GB, FSx backups $0.05/GB-month; a month
is 730 hours; copies are kept 7 days (168 hours) by default."""

from decimal import Decimal

import pytest

from planner.plan.strategy import NEW_KEY_PREFIX
from tests.factories import make_inventory, make_key, make_resource
from tests.plan.helpers import cents, plan_for, write_usage

D = Decimal
SERVICE = {"efs-file-system": "efs", "fsx-file-system": "fsx", "docdb-cluster": "docdb",
           "neptune-cluster": "neptune", "redshift-cluster": "redshift",
           "redshift-namespace": "redshift", "replication-group": "elasticache",
           "serverless-cache": "elasticache", "memorydb-cluster": "memorydb",
           "opensearch-domain": "opensearch", "backup-vault": "backup"}


def store(resource_type, resource_id, encryption, **options):
    resource = make_resource(resource_type, resource_id, encryption, **options)
    resource.service = SERVICE[resource_type]
    return resource


@pytest.mark.parametrize(("resource_type", "encryption", "action"), [
    ("efs-file-system", "none", "efs-copy-to-new-file-system"),
    ("fsx-file-system", "aws-managed", "fsx-restore-to-new-file-system"),
    ("docdb-cluster", "none", "docdb-restore-encrypted"),
    ("neptune-cluster", "aws-managed", "neptune-restore-encrypted"),
    ("redshift-cluster", "aws-owned", "redshift-modify-encryption"),
    ("redshift-namespace", "aws-owned", "redshift-serverless-update-key"),
    ("serverless-cache", "aws-owned", "elasticache-serverless-restore"),
    ("replication-group", "none", "elasticache-restore-encrypted"),
    ("memorydb-cluster", "aws-owned", "memorydb-restore-encrypted"),
    ("opensearch-domain", "none", "opensearch-enable-encryption"),  # in place from none
    ("opensearch-domain", "aws-managed", "opensearch-new-domain"),  # a key never changes
    ("backup-vault", "aws-managed", "backup-new-vault"),
])
def test_each_type_reaches_a_customer_managed_key(resource_type, encryption, action):
    plan = plan_for(make_inventory([store(resource_type, "r-1", encryption)]))
    [resource] = plan.resources
    assert (resource.action, resource.state_after) == (action, "customer-managed")
    assert resource.key_after.startswith(NEW_KEY_PREFIX)
    assert plan.new_keys == 1


def test_customer_managed_is_kept():
    cmk = make_key("cmk")
    plan = plan_for(make_inventory([store("backup-vault", "vault", "customer-managed",
                                          key=cmk.arn)], keys=[cmk]))
    assert [p.action for p in plan.resources] == ["keep"]


def test_caches_without_an_aws_managed_key():
    """ElastiCache and MemoryDB have no AWS managed key: "encrypted" is met by the key the
    service owns, and an "aws-managed" target takes a customer managed key."""
    inventory = make_inventory([store("replication-group", "plain", "none"),
                                store("memorydb-cluster", "owned", "aws-owned")])
    encrypted = {p.resource.resource_id: p for p in plan_for(inventory, target="encrypted")
                 .resources}
    assert (encrypted["plain"].state_after, encrypted["plain"].key_after) == ("aws-owned", None)
    assert encrypted["owned"].action == "keep"
    managed = plan_for(inventory, target="aws-managed").resources
    assert {p.state_after for p in managed} == {"customer-managed"}


def test_encrypted_target_on_a_service_with_an_aws_managed_key():
    plan = plan_for(make_inventory([store("efs-file-system", "fs-1", "none")]),
                    target="encrypted")
    [fs] = plan.resources
    # The service's AWS managed key (a stand-in ref: the scan did not see aws/elasticfilesystem).
    assert (fs.state_after, fs.key_after) == (
        "aws-managed", "kmsplan:aws-managed:111111111111:us-east-1:aws/elasticfilesystem")
    assert plan.new_keys == 0


def test_request_defaults_and_a_usage_file_override(tmp_path):
    managed = make_key("efs-aws", manager="AWS", aliases=["alias/aws/elasticfilesystem"])
    inventory = make_inventory([
        store("efs-file-system", "fs-1", "aws-managed", key=managed.arn),
        store("opensearch-domain", "search", "aws-managed", key=managed.arn),
    ], keys=[managed])
    plan = plan_for(inventory)
    found = {p.resource.resource_id: p for p in plan.resources}
    # Defaults: 2 clients x 730 hours = 1,460 for the file system; 2 nodes x 730 = 1,460.
    assert (found["fs-1"].requests_now, found["fs-1"].sources["monthly_kms_requests"]) == (
        1460, "default")
    assert found["search"].requests_now == 1460
    usage = write_usage(tmp_path, "defaults:\n  efs-file-system: {monthly_kms_requests: 50000}\n")
    found = {p.resource.resource_id: p for p in plan_for(inventory, usage).resources}
    assert (found["fs-1"].requests_now, found["fs-1"].sources["monthly_kms_requests"]) == (
        50000, "usage file")
    assert found["fs-1"].requests_after == 50000  # the same traffic on the new key


def test_efs_one_time_lines():
    plan = plan_for(make_inventory([store("efs-file-system", "fs-1", "none", size_gb=200)]))
    [fs] = plan.resources
    lines = {line.name: line for line in fs.one_time}
    # Both file systems for 7 days: 200 GB x 168 / 730 x 0.30 = 13.808...
    assert cents(lines["EFS storage (old and new file systems side by side)"].cost) == D("13.81")
    # DataSync copies the 200 GB once: 200 x 0.0125 = 2.50.
    assert lines["DataSync copy (data copied)"].cost == D("2.5")
    # 4 assumed hours at the default rate of $0: listed, not priced.
    assert (lines["Labour (efs-copy-to-new-file-system)"].quantity,
            lines["Labour (efs-copy-to-new-file-system)"].cost) == (D("4"), 0)
    assert cents(fs.one_time_cost) == D("16.31")  # 13.808 + 2.50 + 0
    assert fs.sources["size_gb"] == "inventory"


def test_labour_is_priced_once_a_rate_is_set(tmp_path):
    usage = write_usage(tmp_path, 'parameters:\n  labour_rate_usd_per_hour: "120"\n')
    plan = plan_for(make_inventory([store("docdb-cluster", "docs", "none")]), usage)
    [docs] = plan.resources
    # No size: no storage line; 6 assumed hours x $120 = $720.
    assert [(line.name, line.cost) for line in docs.one_time] == [
        ("Labour (docdb-restore-encrypted)", D("720"))]


def test_fsx_backup_storage():
    plan = plan_for(make_inventory([store("fsx-file-system", "fs-2", "aws-managed",
                                          size_gb=1200)]))
    [fs] = plan.resources
    backup = next(line for line in fs.one_time if line.price_entry == "fsx_backup_gb_month")
    # 1,200 GB x 168 / 730 x 0.05 = 13.808...
    assert cents(backup.cost) == D("13.81")


def test_measured_requests_replace_the_default(tmp_path):
    cmk = make_key("cmk")
    inventory = make_inventory([store("backup-vault", "vault", "customer-managed", key=cmk.arn)],
                               keys=[cmk])
    usage = write_usage(tmp_path, f"""
keys:
  {cmk.arn}: {{requests: {{symmetric: 2000000}}, source: CloudTrail, window: 30 days}}
""")
    plan = plan_for(inventory, usage)
    [vault] = plan.resources
    assert vault.requests_now == 60  # the default estimate: 30 recovery points x 2
    # Measured instead: (2,000,000 - 20,000 free) / 10,000 x 0.03 = 5.94, plus the key $1.
    assert cents(plan.monthly_now) == D("6.94")
