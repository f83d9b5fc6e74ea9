"""Coverage: resources by account, region, service and encryption state, with shares."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from planner.coverage import meets
from planner.inventory import SERVICES
from planner.plan.model import Plan
from planner.report.workbook.tables import Column, Context, Table

COLUMNS = [
    Column("account", 14), Column("region", 13), Column("service", 9),
    Column("encryption", 17), Column("resources", 11, "integer"),
    Column("share of service in account and region", 16, "percent"),
    Column("meets target", 9),
]
SERVICE_LABELS = {"s3": "S3", "ebs": "EBS", "rds": "RDS and Aurora", "dynamodb": "DynamoDB"}
SERVICE_LABELS |= {"sqs": "SQS", "sns": "SNS", "kinesis": "Kinesis Data Streams",
                   "secretsmanager": "Secrets Manager", "logs": "CloudWatch Logs", "ecr": "ECR",
                   "lambda": "Lambda"}
SERVICE_LABELS.update({
    "efs": "EFS", "fsx": "FSx", "docdb": "DocumentDB", "neptune": "Neptune",
    "redshift": "Redshift", "elasticache": "ElastiCache", "memorydb": "MemoryDB",
    "opensearch": "OpenSearch", "backup": "AWS Backup",
})
# The Summary sheet's cost rows and coverage chart show services in groups, so they stay
# readable as services are added: the first four alone, the others by kind, with short
# labels that fit a chart axis and a column (the members are in each header's comment).
SERVICE_GROUPS = (
    ("S3", ("s3",)), ("EBS", ("ebs",)), ("RDS and Aurora", ("rds",)),
    ("DynamoDB", ("dynamodb",)),
    ("File systems", ("efs", "fsx")),
    ("Other databases", ("docdb", "neptune", "redshift")),
    ("Caches, search", ("elasticache", "memorydb", "opensearch")),
    ("AWS Backup", ("backup",)),
)


def members_note(members: tuple[str, ...]) -> str:
    return ", ".join(SERVICE_LABELS.get(m, m) for m in members)


def service_groups() -> list[tuple[str, tuple[str, ...]]]:
    """(label, services) covering every inventory service once, in SERVICE_GROUPS order; a
    service no group names gets a group of its own (a new service is never left out)."""
    grouped = {service for _, members in SERVICE_GROUPS for service in members}
    groups = [(label, tuple(m for m in members if m in SERVICES))
              for label, members in SERVICE_GROUPS]
    groups = [(label, members) for label, members in groups if members]
    return groups + [(SERVICE_LABELS.get(service, service), (service,))
                     for service in SERVICES if service not in grouped]


def _counts(plan: Plan) -> tuple[Counter, dict]:
    counts: Counter = Counter()
    targets = {}
    for p in plan.resources:
        r = p.resource
        counts[(r.account, r.region, r.service, r.encryption)] += 1
        targets[(r.account, r.region, r.service, r.encryption)] = p.target
    return counts, targets


def coverage_table(ctx: Context, plan: Plan) -> Table:
    return Table(ctx, "Coverage", COLUMNS, len(_counts(plan)[0]))


def write_coverage(table: Table, plan: Plan) -> None:
    counts, targets = _counts(plan)
    groups: Counter = Counter()
    for (account, region, service, _), count in counts.items():
        groups[(account, region, service)] += count
    for key, count in sorted(counts.items()):
        account, region, service, state = key
        table.add([account, region, service, state, count,
                   Decimal(count) / groups[(account, region, service)],
                   meets(state, targets[key])])
    table.finish()

