"""Which services the scan covers and what each one lists. Adding a service: one line here."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from planner.errors import InputError
from planner.scan import (
    awslambda,
    backup,
    dynamodb,
    ebs,
    ecr,
    efs,
    elasticache,
    fsx,
    kinesis,
    kms,
    logs,
    memorydb,
    opensearch,
    rds,
    rds_engines,
    redshift,
    s3,
    secretsmanager,
    sns,
    sqs,
    tags,
)
from planner.scan.common import Scope, Task


@dataclass(frozen=True)
class Service:
    name: str
    region_tasks: Callable[[Scope], list[Task]]  # run once per (account, region)
    account_tasks: Callable[[Scope], list[Task]] | None  # global listings, once per account
    operations: dict[str, tuple[str, ...]]  # botocore service -> every operation it may call


SERVICES = (
    Service("kms", kms.tasks, None, kms.OPERATIONS),
    Service("s3", s3.tasks, s3.account_tasks, s3.OPERATIONS),
    Service("ebs", ebs.tasks, None, ebs.OPERATIONS),
    Service("rds", rds.tasks, None, rds.OPERATIONS),
    Service("dynamodb", dynamodb.tasks, None, dynamodb.OPERATIONS),
    Service("efs", efs.tasks, None, efs.OPERATIONS),
    Service("fsx", fsx.tasks, None, fsx.OPERATIONS),
    Service("docdb", rds_engines.docdb_tasks, None, rds_engines.OPERATIONS),
    Service("neptune", rds_engines.neptune_tasks, None, rds_engines.OPERATIONS),
    Service("redshift", redshift.tasks, None, redshift.OPERATIONS),
    Service("elasticache", elasticache.tasks, None, elasticache.OPERATIONS),
    Service("memorydb", memorydb.tasks, None, memorydb.OPERATIONS),
    Service("opensearch", opensearch.tasks, None, opensearch.OPERATIONS),
    Service("backup", backup.tasks, None, backup.OPERATIONS),
    Service("tags", tags.tasks, None, tags.OPERATIONS),  # tags of buckets, tables, keys
    Service("sqs", sqs.tasks, None, sqs.OPERATIONS),
    Service("sns", sns.tasks, None, sns.OPERATIONS),
    Service("kinesis", kinesis.tasks, None, kinesis.OPERATIONS),
    Service("secretsmanager", secretsmanager.tasks, None, secretsmanager.OPERATIONS),
    Service("logs", logs.tasks, None, logs.OPERATIONS),
    Service("ecr", ecr.tasks, None, ecr.OPERATIONS),
    Service("lambda", awslambda.tasks, None, awslambda.OPERATIONS),
)

# Always scanned, whatever --services chooses: the key catalogue settles every resource's key,
# and the tagging listing is one call per account and region.
ALWAYS = ("kms", "tags")

# Calls made to set a scan up: who am I, which accounts, which regions.
SETUP_OPERATIONS = {
    "sts": ("GetCallerIdentity", "AssumeRole"),
    "organizations": ("ListAccounts",),
    "ec2": ("DescribeRegions",),
}


# IAM actions whose names differ from the API operation's.
IAM_ACTIONS = {
    ("s3", "ListBuckets"): "s3:ListAllMyBuckets",
    ("s3", "GetBucketEncryption"): "s3:GetEncryptionConfiguration",
    ("resourcegroupstaggingapi", "GetResources"): "tag:GetResources",
    ("efs", "DescribeFileSystems"): "elasticfilesystem:DescribeFileSystems",
    ("opensearch", "ListDomainNames"): "es:ListDomainNames",
    ("opensearch", "DescribeDomains"): "es:DescribeDomains",
}


def iam_action(service: str, operation: str) -> str:
    """The IAM action that allows one API call (docs/iam-policy.json lists them all)."""
    return IAM_ACTIONS.get((service, operation), f"{service}:{operation}")


def choosable() -> tuple[str, ...]:
    """The names `kmsplan scan --services` accepts, in registry order."""
    return tuple(service.name for service in SERVICES if service.name not in ALWAYS)


def chosen(names: Sequence[str] | None) -> tuple[Service, ...]:
    """The services a scan runs: the chosen ones (default: all) and those it always needs."""
    if names is None:
        return SERVICES
    unknown = [name for name in names if name not in choosable()]
    if unknown or not names:
        what = f"unknown service {unknown[0]!r}" if unknown else "name at least one service"
        raise InputError(f"--services: {what}; choose from {','.join(choosable())}")
    return tuple(s for s in SERVICES if s.name in ALWAYS or s.name in names)


def all_operations() -> dict[str, set[str]]:
    """botocore service name -> every operation the scanner can call."""
    merged: dict[str, set[str]] = {}
    for table in (SETUP_OPERATIONS, *(service.operations for service in SERVICES)):
        for client, operations in table.items():
            merged.setdefault(client, set()).update(operations)
    return merged
