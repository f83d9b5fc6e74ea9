"""Kinesis Data Streams: streams. Server-side encryption with a KMS key, or none.

ListStreams names the streams; DescribeStreamSummary per stream reads EncryptionType ("KMS" or
"NONE") and KeyId (a key id, alias or ARN; alias/aws/kinesis is the AWS managed key).
"""

from __future__ import annotations

from planner.inventory import Resource
from planner.scan.common import (
    CALL_ERRORS,
    Scope,
    Step,
    Task,
    encrypted_with,
    mark_unknown,
)

SERVICE = "kinesis"
OPERATIONS = {"kinesis": ("ListStreams", "DescribeStreamSummary")}
PAGE_SIZE = 100  # ListStreams' largest page


def tasks(scope: Scope) -> list[Task]:
    return [Task(scope, SERVICE, "ListStreams", list_streams)]


def stream_names(client):
    """Every stream name, 100 a page. Not the paginator: it follows NextToken only, and an
    answer that says HasMoreStreams without one (the emulator's, and the API's older form)
    would end the listing early; then the next page starts after the last name."""
    params: dict = {"Limit": PAGE_SIZE}
    while True:
        page = client.list_streams(**params)
        names = page.get("StreamNames", [])
        yield from names
        if not page.get("HasMoreStreams") or not names:
            return
        if page.get("NextToken"):
            params = {"Limit": PAGE_SIZE, "NextToken": page["NextToken"]}
        else:
            params = {"Limit": PAGE_SIZE, "ExclusiveStartStreamName": names[-1]}


def list_streams(scope: Scope) -> Step:
    names = stream_names(scope.client("kinesis"))
    return Step(more=[
        Task(scope, SERVICE, "DescribeStreamSummary", lambda s, name=name: read_stream(s, name))
        for name in names
    ])


def read_stream(scope: Scope, name: str) -> Step:
    arn = f"arn:{scope.partition}:kinesis:{scope.region}:{scope.account}:stream/{name}"
    resource = Resource(account=scope.account, region=scope.region, service=SERVICE,
                        resource_type="stream", resource_id=name, arn=arn, name=name)
    step = Step(found=[resource])
    try:
        summary = scope.client("kinesis").describe_stream_summary(
            StreamName=name)["StreamDescriptionSummary"]
    except CALL_ERRORS as exc:
        mark_unknown(resource, step, scope, "DescribeStreamSummary", exc)
        return step
    resource.arn = summary.get("StreamARN", arn)
    resource.details = {
        "stream_mode": (summary.get("StreamModeDetails") or {}).get("StreamMode"),
        "open_shards": summary.get("OpenShardCount"),
        "retention_hours": summary.get("RetentionPeriodHours"),
    }
    if summary.get("EncryptionType") == "KMS":
        encrypted_with(resource, summary.get("KeyId"))
    else:
        resource.encryption = "none"
    return step
