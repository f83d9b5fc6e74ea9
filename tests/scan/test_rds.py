"""RDS and Aurora: instances, clusters and their snapshots, each encryption state."""

from __future__ import annotations

from tests.scan.conftest import by_id

PASSWORD = {"MasterUsername": "admin", "MasterUserPassword": "not-a-secret-1"}


def _instance(rds, name, **options):
    rds.create_db_instance(DBInstanceIdentifier=name, DBInstanceClass="db.t3.micro",
                           Engine="postgres", AllocatedStorage=20, **PASSWORD, **options)


def test_unencrypted_instance_is_none(aws_client, scan_estate):
    _instance(aws_client("rds"), "plain-db", MultiAZ=True)
    found = by_id(scan_estate().inventory)["plain-db"]
    assert (found.encryption, found.size_gb) == ("none", 20.0)
    assert found.details == {"engine": "postgres", "cluster_id": None, "multi_az": True}


def test_instance_on_the_aws_managed_key(aws_client, scan_estate):
    _instance(aws_client("rds"), "managed-db", StorageEncrypted=True, KmsKeyId="alias/aws/rds")
    assert by_id(scan_estate().inventory)["managed-db"].encryption == "aws-managed"


def test_instance_and_its_snapshots_on_a_customer_key(aws_client, scan_estate):
    key = aws_client("kms").create_key()["KeyMetadata"]
    rds = aws_client("rds")
    _instance(rds, "cmk-db", StorageEncrypted=True, KmsKeyId=key["Arn"])
    rds.create_db_snapshot(DBInstanceIdentifier="cmk-db", DBSnapshotIdentifier="cmk-db-manual")
    inventory = scan_estate().inventory
    snapshots = [r for r in inventory.resources if r.resource_type == "db-snapshot"]
    assert {s.details["snapshot_type"] for s in snapshots} == {"manual", "automated"}
    for resource in (by_id(inventory)["cmk-db"], *snapshots):
        assert (resource.encryption, resource.kms_key_arn) == ("customer-managed", key["Arn"])
    manual = by_id(inventory)["cmk-db-manual"]
    assert manual.details["source_id"] == "cmk-db" and manual.size_gb == 20.0


def test_aurora_cluster_members_and_cluster_snapshot(aws_client, scan_estate):
    key = aws_client("kms").create_key()["KeyMetadata"]
    rds = aws_client("rds")
    rds.create_db_cluster(DBClusterIdentifier="aurora", Engine="aurora-postgresql",
                          StorageEncrypted=True, KmsKeyId=key["Arn"], **PASSWORD)
    rds.create_db_instance(DBInstanceIdentifier="aurora-1", DBInstanceClass="db.r6g.large",
                           Engine="aurora-postgresql", DBClusterIdentifier="aurora")
    rds.create_db_cluster_snapshot(DBClusterIdentifier="aurora",
                                   DBClusterSnapshotIdentifier="aurora-manual")
    found = by_id(scan_estate().inventory)
    cluster, member, snapshot = found["aurora"], found["aurora-1"], found["aurora-manual"]
    assert cluster.resource_type == "db-cluster"
    assert cluster.details == {"engine": "aurora-postgresql", "members": ["aurora-1"]}
    assert member.details["cluster_id"] == "aurora"
    assert snapshot.resource_type == "db-cluster-snapshot"
    assert snapshot.details["snapshot_type"] == "manual"
    assert snapshot.details["source_id"] == "aurora"
    for resource in (cluster, snapshot):
        assert (resource.encryption, resource.kms_key_arn) == ("customer-managed", key["Arn"])


def test_emulator_placeholder_key_is_kms_key_unknown_not_guessed(aws_client, scan_estate):
    """The emulator answers KmsKeyId "default_kms_key_id" when none was given: encrypted, by
    a key that string does not name. The raw value is kept aside, never as the ARN."""
    _instance(aws_client("rds"), "default-db", StorageEncrypted=True)
    found = by_id(scan_estate().inventory)["default-db"]
    assert found.encryption == "kms-key-unknown"
    assert found.kms_key_arn is None and found.error is None
    assert found.details["kms_key_raw"] == "default_kms_key_id"
