"""AccessDenied on each storage and database service: the refusal is recorded with the
service, call and AWS code, nothing of that service is guessed, and the rest is read."""

from __future__ import annotations

import pytest

from tests.scan.conftest import refuse

# service -> (the call refused, how to seed one of its resources)
SEEDS = {
    "efs": ("DescribeFileSystems",
            lambda c: c("efs").create_file_system(CreationToken="denied")),
    "fsx": ("DescribeFileSystems", lambda c: c("fsx").create_file_system(
        FileSystemType="WINDOWS", StorageCapacity=32, SubnetIds=["subnet-0123456789abcdef0"])),
    "neptune": ("DescribeDBClusters",
                lambda c: c("rds").create_db_cluster(DBClusterIdentifier="d", Engine="neptune")),
    "redshift": ("DescribeClusters", lambda c: c("redshift").create_cluster(
        ClusterIdentifier="denied", NodeType="dc2.large", MasterUsername="admin",
        MasterUserPassword="Not-a-secret-1", ClusterType="single-node")),
    "elasticache": ("DescribeReplicationGroups", lambda c: c("elasticache")
                    .create_replication_group(ReplicationGroupId="denied", Engine="redis",
                                              ReplicationGroupDescription="d")),
    "memorydb": ("DescribeClusters", lambda c: c("memorydb").create_cluster(
        ClusterName="denied", NodeType="db.t4g.small", ACLName="open-access")),
    "opensearch": ("ListDomainNames", lambda c: c("opensearch").create_domain(DomainName="den")),
    "backup": ("ListBackupVaults", lambda c: c("backup").create_backup_vault(
        BackupVaultName="denied")),
}


@pytest.mark.parametrize("service", sorted(SEEDS))
def test_access_denied_is_recorded_and_guesses_nothing(service, aws_client, scan_estate):
    operation, seed = SEEDS[service]
    seed(aws_client)
    aws_client("s3").create_bucket(Bucket="still-read")
    outcome = scan_estate(client_hook=refuse(operation))
    inventory = outcome.inventory
    assert [r.service for r in inventory.resources if r.service == service] == []
    assert "still-read" in {r.resource_id for r in inventory.resources}
    refused = {(e.service, e.operation, e.code, e.message) for e in inventory.errors
               if e.service == service}
    assert refused == {(service, operation, "AccessDenied", "refused by the test")}
