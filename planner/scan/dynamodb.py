"""DynamoDB: tables. Every table is encrypted; the question is whose key.

No SSEDescription (or SSEType absent / not KMS) means the AWS owned key; SSEType KMS names a
key ARN, which the key catalogue settles as AWS managed (aws/dynamodb) or customer managed.
"""

from __future__ import annotations

from planner import bounds
from planner.inventory import Resource
from planner.scan.common import (
    CALL_ERRORS,
    KMS_PENDING,
    Scope,
    Step,
    Task,
    figure,
    mark_unknown,
    need,
    pages,
)

SERVICE = "dynamodb"
OPERATIONS = {"dynamodb": ("ListTables", "DescribeTable")}
ACTIVE_SSE = ("ENABLED", "ENABLING", "UPDATING")


def tasks(scope: Scope) -> list[Task]:
    return [Task(scope, SERVICE, "ListTables", list_tables)]


def list_tables(scope: Scope) -> Step:
    names = pages(scope.client("dynamodb"), "list_tables", "TableNames")
    return Step(more=[
        Task(scope, SERVICE, "DescribeTable", lambda s, name=name: read_table(s, name))
        for name in names
    ])


def read_table(scope: Scope, name: str) -> Step:
    ddb = scope.client("dynamodb")
    arn = f"arn:{scope.partition}:dynamodb:{scope.region}:{scope.account}:table/{name}"
    resource = Resource(account=scope.account, region=scope.region, service=SERVICE,
                        resource_type="table", resource_id=name, arn=arn, name=name)
    step = Step(found=[resource])
    try:
        table = need(ddb.describe_table(TableName=name), "Table")
    except CALL_ERRORS as exc:
        mark_unknown(resource, step, scope, "DescribeTable", exc)
        return step
    resource.arn = table.get("TableArn", arn)
    size = figure(table.get("TableSizeBytes"), bounds.BYTES)
    resource.size_gb = None if size is None else size / 1e9
    billing = (table.get("BillingModeSummary") or {}).get("BillingMode") or "PROVISIONED"
    items = figure(table.get("ItemCount"), bounds.COUNT)
    resource.details = {"item_count": None if items is None else int(items),
                        "billing_mode": billing}
    sse = table.get("SSEDescription") or {}
    if sse.get("SSEType") == "KMS" and sse.get("Status") in ACTIVE_SSE:
        resource.encryption = KMS_PENDING
        resource.kms_key_arn = sse.get("KMSMasterKeyArn") or "alias/aws/dynamodb"
    else:
        resource.encryption = "aws-owned"
    return step
