"""RDS and Aurora: instances, clusters and their snapshots, each encryption state."""

from __future__ import annotations

from tests.scan.conftest import by_id, refuse

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
    assert cluster.details == {"engine": "aurora-postgresql", "members": ["aurora-1"],
                               "size_source": "unknown: no VolumeBytesUsed in the last 3 days"}
    assert cluster.size_gb is None and member.size_gb is None  # not AllocatedStorage's 1
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


def _aurora(rds, name):
    rds.create_db_cluster(DBClusterIdentifier=name, Engine="aurora-mysql", **PASSWORD)


def test_aurora_cluster_size_is_its_volume_bytes_used(aws_client, scan_estate):
    from datetime import UTC, datetime, timedelta

    _aurora(aws_client("rds"), "sized")
    _aurora(aws_client("rds"), "unsized")
    now = datetime.now(UTC)
    # Two daily points; the newest one (after the cluster grew) is the size. Not at "now": the
    # emulator compares whole seconds, so a point in the same second as the query is dropped.
    aws_client("cloudwatch").put_metric_data(Namespace="AWS/RDS", MetricData=[
        {"MetricName": "VolumeBytesUsed", "Value": value, "Timestamp": when,
         "Dimensions": [{"Name": "DBClusterIdentifier", "Value": "sized"}]}
        for value, when in ((40e9, now - timedelta(days=1, hours=1)),
                            (52.5e9, now - timedelta(minutes=5)))])
    found = by_id(scan_estate().inventory)
    assert found["sized"].size_gb == 52.5  # 52.5e9 bytes / 1e9
    assert found["sized"].details["size_source"] == "CloudWatch AWS/RDS VolumeBytesUsed"
    assert found["unsized"].size_gb is None
    assert found["unsized"].details["size_source"].startswith("unknown: no VolumeBytesUsed")


def test_unreadable_volume_bytes_leave_the_size_unknown_with_the_code(aws_client,
                                                                      scan_estate):
    _aurora(aws_client("rds"), "refused")
    outcome = scan_estate(client_hook=refuse("GetMetricData"))
    cluster = by_id(outcome.inventory)["refused"]
    assert cluster.size_gb is None and cluster.encryption == "none"
    assert cluster.details["size_source"] == "unknown: GetMetricData failed with AccessDenied"
    assert ("rds", "GetMetricData", "AccessDenied") in {
        (e.service, e.operation, e.code) for e in outcome.inventory.errors}


def test_cluster_sizes_are_batched_500_queries_a_call():
    """Against botocore's Stubber with GetMetricData's documented response shape."""
    from datetime import UTC, datetime

    from botocore.stub import ANY, Stubber

    from planner.scan.rds import read_cluster_sizes
    from tests.scan.conftest import StubClients, raw_client, stub_scope

    ids = tuple(f"cluster-{i}" for i in range(501))
    today, yesterday = datetime(2026, 12, 3, tzinfo=UTC), datetime(2026, 12, 2, tzinfo=UTC)
    cloudwatch = raw_client("cloudwatch")
    with Stubber(cloudwatch) as stub:
        for first, count in ((0, 500), (500, 1)):
            stub.add_response("get_metric_data", {"MetricDataResults": [
                {"Id": f"c{i}", "Label": "VolumeBytesUsed", "StatusCode": "Complete",
                 # oldest first: the newest timestamp wins, not the first value
                 "Timestamps": [yesterday, today], "Values": [1.0, float(i) * 1e9]}
                for i in range(first, first + count)]},
                {"MetricDataQueries": ANY, "StartTime": ANY, "EndTime": ANY,
                 "ScanBy": "TimestampDescending"})
        step = read_cluster_sizes(stub_scope(StubClients(cloudwatch=cloudwatch)), ids)
        stub.assert_no_pending_responses()
    sizes = {size.cluster_id: size.size_bytes for size in step.found}
    assert len(sizes) == 501 and sizes["cluster-500"] == 500e9 and sizes["cluster-0"] == 0.0
