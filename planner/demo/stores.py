"""Seed the demo's storage and database services: EFS, FSx, Neptune, Redshift, ElastiCache,
MemoryDB, OpenSearch and AWS Backup, in every rung the emulator can hold (DocumentDB: the
emulator cannot create its clusters). Writes to the emulator only, like planner/demo/estate.py.
"""

from __future__ import annotations

SUBNETS = ["subnet-0123456789abcdef0"]


def seed_storage_and_databases(s, keys: dict[str, str], first: bool) -> None:
    """`s`: an estate Seeder; `keys`: the demo's key ids ("app", "legacy", ...)."""
    efs = s.client("efs")
    efs.create_file_system(CreationToken=f"demo-home-{s.short}",
                           Tags=[{"Key": "Name", "Value": "demo-home"}])  # unencrypted
    efs.create_file_system(CreationToken=f"demo-shared-{s.short}", Encrypted=True,
                           KmsKeyId="alias/aws/elasticfilesystem",
                           Tags=[{"Key": "Name", "Value": "demo-shared"}])
    s.client("fsx").create_file_system(
        FileSystemType="WINDOWS", StorageCapacity=300, SubnetIds=SUBNETS, KmsKeyId=keys["app"],
        Tags=[{"Key": "Name", "Value": "demo-fileshare"}])
    s.client("rds").create_db_cluster(DBClusterIdentifier="demo-graph", Engine="neptune")
    s.client("redshift").create_cluster(
        ClusterIdentifier="demo-warehouse", NodeType="ra3.xlplus", ClusterType="multi-node",
        NumberOfNodes=2, MasterUsername="admin", MasterUserPassword="Demo-password-1",
        Encrypted=True)  # on the key Redshift owns
    s.client("elasticache").create_replication_group(
        ReplicationGroupId="demo-sessions", ReplicationGroupDescription="web sessions",
        Engine="redis", CacheNodeType="cache.t3.micro")  # no encryption at rest
    s.client("memorydb").create_cluster(ClusterName="demo-features", NodeType="db.t4g.small",
                                        ACLName="open-access", KmsKeyId=keys["legacy"])
    s.client("opensearch").create_domain(DomainName="demo-search", EncryptionAtRestOptions={
        "Enabled": True, "KmsKeyId": "alias/aws/es"})
    s.client("backup").create_backup_vault(BackupVaultName="demo-vault",
                                           EncryptionKeyArn="alias/aws/backup")
    if first:
        s.client("backup").create_backup_vault(BackupVaultName="demo-vault-cmk",
                                               EncryptionKeyArn=keys["app"])
