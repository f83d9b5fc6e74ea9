"""Coverage: resources by account, region, service and encryption state, with shares."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from planner.coverage import meets
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

