"""Seed the demo estate into a local AWS emulator (never into a real account).

Deterministic in shape: two accounts of one organization, three regions, about 300 resources
in every encryption state of every service, customer managed keys with and without rotation,
a key pending deletion that a volume still uses, a disabled key, EBS default encryption on in
one region only, buckets with and without bucket keys, a tag value crafted as a formula, and
keys nothing uses (see _idle_keys).
This module writes to the emulator, so it lives apart from the read-only scanner.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from dataclasses import dataclass

import boto3

from planner.demo.stores import seed_storage_and_databases

MANAGEMENT_ACCOUNT = "123456789012"  # the emulator's default account
MEMBER_ACCOUNT = "210987654321"
ROLE_NAME = "OrganizationAccountAccessRole"
REGIONS = ("us-east-1", "eu-west-1", "ap-southeast-2")
FORMULA_TAG = '=HYPERLINK("http://example.com/x","click me")'


@dataclass
class Seeder:
    session: boto3.Session
    account: str
    region: str
    endpoint: str

    def client(self, service: str):
        return self.session.client(service, region_name=self.region, endpoint_url=self.endpoint)

    @property
    def short(self) -> str:
        return f"{self.account[-4:]}-{self.region}"


def _session_for(account: str, endpoint: str) -> boto3.Session:
    if account == MANAGEMENT_ACCOUNT:
        return boto3.Session(region_name="us-east-1")
    sts = boto3.client("sts", region_name="us-east-1", endpoint_url=endpoint)
    creds = sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/{ROLE_NAME}",
                            RoleSessionName="kmsplan-demo-seed")["Credentials"]
    return boto3.Session(aws_access_key_id=creds["AccessKeyId"],
                         aws_secret_access_key=creds["SecretAccessKey"],
                         aws_session_token=creds["SessionToken"], region_name="us-east-1")


def _keys(s: Seeder, first: bool) -> dict[str, str]:
    kms = s.client("kms")
    keys = {}
    for name, rotate in (("app", True), ("legacy", False)):
        key_id = kms.create_key(Description=f"demo {name} key",
                                Tags=[{"TagKey": "owner", "TagValue": "platform"}]
                                )["KeyMetadata"]["KeyId"]
        kms.create_alias(AliasName=f"alias/demo-{name}", TargetKeyId=key_id)
        if rotate:
            kms.enable_key_rotation(KeyId=key_id)
        keys[name] = key_id
    if first:
        retired = kms.create_key(Description="retired key")["KeyMetadata"]["KeyId"]
        kms.schedule_key_deletion(KeyId=retired, PendingWindowInDays=30)
        paused = kms.create_key(Description="paused key")["KeyMetadata"]["KeyId"]
        kms.disable_key(KeyId=paused)
        keys.update(retired=retired, paused=paused)
    return keys


def _buckets(s: Seeder, keys: dict[str, str]) -> None:
    s3, cloudwatch = s.client("s3"), s.client("cloudwatch")
    location = {} if s.region == "us-east-1" else {
        "CreateBucketConfiguration": {"LocationConstraint": s.region}}
    rules = [None, None, None, ("AES256", None, False), ("AES256", None, False),
             ("aws:kms", None, False), ("aws:kms", None, True), ("aws:kms", None, False),
             ("aws:kms", "app", True), ("aws:kms", "alias", False), ("aws:kms", "app", False),
             ("aws:kms", "legacy", True)]
    now = dt.datetime.now(dt.UTC)
    for n, rule in enumerate(rules):
        name = f"demo-{s.short}-data-{n:02d}"
        s3.create_bucket(Bucket=name, **location)
        tags = [{"Key": "team", "Value": ("payments", "web", "analytics")[n % 3]}]
        if n == 1 and s.account == MANAGEMENT_ACCOUNT and s.region == "us-east-1":
            tags.append({"Key": "note", "Value": FORMULA_TAG})
        s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": tags})
        if rule is not None:
            algorithm, key, bucket_key = rule
            default = {"SSEAlgorithm": algorithm}
            if key == "alias":
                default["KMSMasterKeyID"] = "alias/demo-app"
            elif key:
                default["KMSMasterKeyID"] = keys[key]
            s3.put_bucket_encryption(Bucket=name, ServerSideEncryptionConfiguration={"Rules": [
                {"ApplyServerSideEncryptionByDefault": default, "BucketKeyEnabled": bucket_key}]})
        size, objects = (n + 1) * 25 * 1024**3, (n + 1) * 150_000
        for metric, value, storage in (("BucketSizeBytes", size, "StandardStorage"),
                                       ("NumberOfObjects", objects, "AllStorageTypes")):
            cloudwatch.put_metric_data(Namespace="AWS/S3", MetricData=[{
                "MetricName": metric, "Value": value, "Unit": "Count", "Timestamp": now,
                "Dimensions": [{"Name": "BucketName", "Value": name},
                               {"Name": "StorageType", "Value": storage}]}])


def _ebs(s: Seeder, keys: dict[str, str], first: bool) -> None:
    ec2 = s.client("ec2")
    zone = f"{s.region}a"
    if s.region == "eu-west-1":
        ec2.enable_ebs_encryption_by_default()
    plans = [({}, 8), ({}, 100), ({}, 500), ({}, 50), ({"Encrypted": True}, 20),
             ({"Encrypted": True}, 200), ({"Encrypted": True}, 30),
             ({"Encrypted": True, "KmsKeyId": keys["app"]}, 100),
             ({"Encrypted": True, "KmsKeyId": keys["app"]}, 250),
             ({"Encrypted": True, "KmsKeyId": keys["legacy"]}, 64)]
    if first:
        plans += [({"Encrypted": True, "KmsKeyId": keys["retired"]}, 40)]
    volumes = []
    for n, (extra, size) in enumerate(plans):
        volume = ec2.create_volume(AvailabilityZone=zone, Size=size, VolumeType="gp3",
                                   TagSpecifications=[{"ResourceType": "volume", "Tags": [
                                       {"Key": "Name", "Value": f"demo-vol-{n}"}]}], **extra)
        volumes.append(volume["VolumeId"])
    for volume_id in volumes[:2] + volumes[4:5] + volumes[7:8]:
        ec2.create_snapshot(VolumeId=volume_id, Description="demo backup")
    if first:
        snap = ec2.create_snapshot(VolumeId=volumes[0], Description="for the paused key")
        ec2.copy_snapshot(SourceSnapshotId=snap["SnapshotId"], SourceRegion=s.region,
                          Encrypted=True, KmsKeyId=keys["paused"], Description="paused copy")


def _rds(s: Seeder, keys: dict[str, str]) -> None:
    rds = s.client("rds")
    common = {"DBInstanceClass": "db.t3.medium", "MasterUsername": "admin",
              "MasterUserPassword": "demo-password-1"}
    # The AWS managed key named outright: the emulator reports a placeholder id otherwise.
    instances = [("orders", {}, 100),
                 ("billing", {"StorageEncrypted": True, "KmsKeyId": "alias/aws/rds"}, 200),
                 ("ledger", {"StorageEncrypted": True, "KmsKeyId": keys["app"]}, 300)]
    for name, extra, size in instances:
        rds.create_db_instance(DBInstanceIdentifier=f"demo-{name}", Engine="postgres",
                               AllocatedStorage=size, **common, **extra)
    rds.create_db_snapshot(DBInstanceIdentifier="demo-orders",
                           DBSnapshotIdentifier="demo-orders-manual")
    rds.create_db_snapshot(DBInstanceIdentifier="demo-ledger",
                           DBSnapshotIdentifier="demo-ledger-manual")
    rds.create_db_cluster(DBClusterIdentifier="demo-aurora", Engine="aurora-postgresql",
                          MasterUsername="admin", MasterUserPassword="demo-password-1")
    rds.create_db_instance(DBInstanceIdentifier="demo-aurora-1", Engine="aurora-postgresql",
                           DBInstanceClass="db.r6g.large", DBClusterIdentifier="demo-aurora")
    rds.create_db_cluster_snapshot(DBClusterIdentifier="demo-aurora",
                                   DBClusterSnapshotIdentifier="demo-aurora-manual")


def _dynamodb(s: Seeder, keys: dict[str, str], first: bool) -> None:
    ddb = s.client("dynamodb")
    specs = [("sessions", None), ("carts", None), ("events", {"Enabled": True}),
             ("audit", {"Enabled": True, "SSEType": "KMS", "KMSMasterKeyId": keys["app"]})]
    if first:
        specs.append(("archive", {"Enabled": True, "SSEType": "KMS",
                                  "KMSMasterKeyId": keys["paused"]}))
    for name, sse in specs:
        extra = {"SSESpecification": sse} if sse else {}
        ddb.create_table(TableName=f"demo-{name}", BillingMode="PAY_PER_REQUEST",
                         AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                         KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}], **extra)


def _messaging(s: Seeder, keys: dict[str, str], first: bool) -> None:
    """Queues, topics, streams, secrets, log groups, repositories and functions: the free
    default of each everywhere, and the other states in the first account and region."""
    app = keys["app"]
    sqs, secrets, logs = s.client("sqs"), s.client("secretsmanager"), s.client("logs")
    sqs.create_queue(QueueName="demo-jobs", Attributes={"SqsManagedSseEnabled": "true"})
    secrets.create_secret(Name="demo/db-password", SecretString="not-a-real-secret")
    logs.create_log_group(logGroupName="/demo/app")
    if not first:
        return
    arn = s.client("kms").describe_key(KeyId=app)["KeyMetadata"]["Arn"]
    sqs.create_queue(QueueName="demo-payments", Attributes={"KmsMasterKeyId": app})
    sns = s.client("sns")
    sns.create_topic(Name="demo-alerts")
    sns.create_topic(Name="demo-orders", Attributes={"KmsMasterKeyId": "alias/aws/sns"})
    kinesis = s.client("kinesis")
    kinesis.create_stream(StreamName="demo-clicks", ShardCount=1)
    kinesis.create_stream(StreamName="demo-ledger", ShardCount=1)
    kinesis.start_stream_encryption(StreamName="demo-ledger", EncryptionType="KMS", KeyId=app)
    secrets.create_secret(Name="demo/api-token", SecretString="not-a-real-token", KmsKeyId=arn)
    logs.create_log_group(logGroupName="/demo/audit", kmsKeyId=arn)
    ecr = s.client("ecr")
    ecr.create_repository(repositoryName="demo-web")
    ecr.create_repository(repositoryName="demo-worker", encryptionConfiguration={
        "encryptionType": "KMS", "kmsKey": arn})
    role = s.client("iam").create_role(RoleName="demo-function",
                                       AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    functions = s.client("lambda")
    for name, key in (("demo-api", None), ("demo-billing", arn)):
        functions.create_function(
            FunctionName=name, Runtime="python3.12", Role=role, Handler="index.handler",
            Code={"ZipFile": _function_code()}, Environment={"Variables": {"STAGE": "demo"}},
            **({"KMSKeyArn": key} if key else {}))


def _function_code() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("index.py", "def handler(event, context):\n    return None\n")
    return buffer.getvalue()
def _idle_keys(s: Seeder) -> None:
    """Keys nothing uses (an old batch key, a parked disabled one, a multi-Region replica),
    beside look-alikes that are in use without any resource naming them: a key with a grant,
    and a multi-Region primary with a live replica. The emulator has no GetKeyLastUsage, so
    the plan calls the quiet ones unknown and says why: honest, not idle by guesswork."""
    kms = s.client("kms")
    for name in ("old-batch", "parked", "granted"):
        key_id = kms.create_key(Description=f"demo {name} key")["KeyMetadata"]["KeyId"]
        kms.create_alias(AliasName=f"alias/demo-{name}", TargetKeyId=key_id)
        if name == "parked":
            kms.disable_key(KeyId=key_id)
        if name == "granted":
            kms.create_grant(KeyId=key_id, Operations=["Decrypt"],
                             GranteePrincipal=f"arn:aws:iam::{s.account}:role/demo-batch")
    primary = kms.create_key(Description="demo multi-Region key", MultiRegion=True)
    kms.create_alias(AliasName="alias/demo-global", TargetKeyId=primary["KeyMetadata"]["KeyId"])
    kms.replicate_key(KeyId=primary["KeyMetadata"]["KeyId"], ReplicaRegion="eu-west-1")


def seed_demo_estate(endpoint: str) -> list[str]:
    """Create the estate in the emulator at `endpoint`; return the account ids."""
    accounts = [MANAGEMENT_ACCOUNT, MEMBER_ACCOUNT]
    for account in accounts:
        session = _session_for(account, endpoint)
        for region in REGIONS:
            seeder = Seeder(session, account, region, endpoint)
            first = account == MANAGEMENT_ACCOUNT and region == "us-east-1"
            keys = _keys(seeder, first)
            _buckets(seeder, keys)
            _ebs(seeder, keys, first)
            _rds(seeder, keys)
            _dynamodb(seeder, keys, first)
            _messaging(seeder, keys, first)
            if first:
                _idle_keys(seeder)
            seed_storage_and_databases(seeder, keys, first)
    return accounts
