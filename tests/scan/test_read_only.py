"""The scanner only reads, and docs/iam-policy.json allows every call it can make."""

from __future__ import annotations

import json
import re
from pathlib import Path

from planner.scan.registry import all_operations, iam_action
from tests.scan.conftest import HOME, CallLog, client_in, combine, ebs_default_key

POLICY = Path(__file__).resolve().parents[2] / "docs" / "iam-policy.json"
READ = re.compile(r"^(Describe|List|Get|Head)[A-Z]")
SETUP_CALLS = {"AssumeRole", "GetCallerIdentity"}


def _seed_everything(endpoint, aws_client):
    kms = aws_client("kms")
    key = kms.create_key(Tags=[{"TagKey": "a", "TagValue": "b"}])["KeyMetadata"]
    kms.create_alias(AliasName="alias/everything", TargetKeyId=key["KeyId"])
    s3 = aws_client("s3")
    s3.create_bucket(Bucket="every-bucket")
    s3.put_bucket_tagging(Bucket="every-bucket", Tagging={"TagSet": [{"Key": "k", "Value": "v"}]})
    ec2 = aws_client("ec2")
    volume = ec2.create_volume(AvailabilityZone=f"{HOME}a", Size=1, Encrypted=True,
                               KmsKeyId=key["Arn"])["VolumeId"]
    ec2.create_snapshot(VolumeId=volume)
    ec2.enable_ebs_encryption_by_default()
    rds = aws_client("rds")
    rds.create_db_cluster(DBClusterIdentifier="every-cluster", Engine="aurora-mysql",
                          MasterUsername="admin", MasterUserPassword="not-a-secret-1")
    rds.create_db_cluster_snapshot(DBClusterIdentifier="every-cluster",
                                   DBClusterSnapshotIdentifier="every-cluster-snap")
    aws_client("dynamodb").create_table(
        TableName="every-table", BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}])
    org = aws_client("organizations")
    org.create_organization(FeatureSet="ALL")
    org.create_account(AccountName="member", Email="member@example.com")
    client_in(endpoint, "111111111111", "s3").create_bucket(Bucket="other-account")
    _seed_storage_services(aws_client)


def _seed_storage_services(aws_client):
    """One resource of each storage and database service, so each of their calls is made."""
    aws_client("efs").create_file_system(CreationToken="every-fs")
    aws_client("fsx").create_file_system(FileSystemType="WINDOWS", StorageCapacity=32,
                                         SubnetIds=["subnet-0123456789abcdef0"])
    aws_client("rds").create_db_cluster(DBClusterIdentifier="every-graph", Engine="neptune")
    aws_client("redshift").create_cluster(
        ClusterIdentifier="every-warehouse", NodeType="dc2.large", MasterUsername="admin",
        MasterUserPassword="Not-a-secret-1", ClusterType="single-node")
    aws_client("elasticache").create_replication_group(
        ReplicationGroupId="every-cache", ReplicationGroupDescription="d", Engine="redis")
    aws_client("memorydb").create_cluster(ClusterName="every-memory", NodeType="db.t4g.small",
                                          ACLName="open-access")
    aws_client("opensearch").create_domain(DomainName="every-domain")
    aws_client("backup").create_backup_vault(BackupVaultName="every-vault")


def _seed_messaging(aws_client):
    """One of each messaging, secrets and logs resource, so their per-resource reads run."""
    aws_client("sqs").create_queue(QueueName="every-queue")
    aws_client("sns").create_topic(Name="every-topic")
    aws_client("kinesis").create_stream(StreamName="every-stream", ShardCount=1)
    aws_client("secretsmanager").create_secret(Name="every-secret", SecretString="x")
    aws_client("logs").create_log_group(logGroupName="every-group")
    aws_client("ecr").create_repository(repositoryName="every-repository")


def test_a_full_scan_only_reads(fresh_aws, aws_client, scan_estate):
    _seed_everything(fresh_aws, aws_client)
    _seed_messaging(aws_client)
    log = CallLog()
    hook = combine(log, ebs_default_key(f"arn:aws:kms:{HOME}:123456789012:key/x"))
    outcome = scan_estate(regions=[HOME, "eu-west-1"], org=True, accounts=["111111111111"],
                          role_name="Audit", client_hook=hook)
    assert outcome.inventory.resources and outcome.inventory.keys
    called = {operation for _, operation in log.calls}
    writes = {op for op in called if not READ.match(op) and op not in SETUP_CALLS}
    assert writes == set()
    # Every call made is one the registry declares (so the policy test below covers it).
    declared = all_operations()
    assert {(s, o) for s, o in log.calls} <= {(s, o) for s, ops in declared.items() for o in ops}
    assert {"AssumeRole", "ListAccounts", "GetEbsDefaultKmsKeyId", "GetResources",
            "GetKeyRotationStatus", "ListKeyRotations", "GetMetricData",
            "DescribeDBClusterSnapshots", "GetKeyLastUsage", "ListGrants"} <= called
    assert {"GetQueueAttributes", "GetTopicAttributes", "DescribeStreamSummary", "ListSecrets",
            "DescribeLogGroups", "DescribeRepositories", "ListFunctions"} <= called
    storage_calls = {(s, o) for s, o in log.calls if s in {
        "efs", "fsx", "redshift", "redshift-serverless", "elasticache", "memorydb", "opensearch",
        "backup"}}
    assert storage_calls == {
        ("efs", "DescribeFileSystems"), ("fsx", "DescribeFileSystems"),
        ("redshift", "DescribeClusters"), ("redshift-serverless", "ListNamespaces"),
        ("elasticache", "DescribeReplicationGroups"),
        ("elasticache", "DescribeServerlessCaches"),
        ("memorydb", "DescribeClusters"), ("opensearch", "ListDomainNames"),
        ("opensearch", "DescribeDomains"), ("backup", "ListBackupVaults")}


def test_every_declared_operation_is_a_read():
    for operations in all_operations().values():
        for operation in operations:
            assert READ.match(operation) or operation in SETUP_CALLS, operation


def test_the_iam_policy_allows_every_call_and_nothing_more():
    policy = json.loads(POLICY.read_text())
    allowed = {action for statement in policy["Statement"] for action in statement["Action"]}
    needed = {iam_action(service, operation)
              for service, operations in all_operations().items() for operation in operations}
    assert allowed == needed
    assert all(statement["Effect"] == "Allow" for statement in policy["Statement"])
