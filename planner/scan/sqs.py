"""SQS: queues. SSE-SQS (the queue's own AWS owned key, free), SSE-KMS, or none.

ListQueues names the queues (a queue URL each); GetQueueAttributes per queue reads the key
(KmsMasterKeyId: a key id, alias or ARN; alias/aws/sqs is the AWS managed key), the data key
reuse period that sets how often SQS calls KMS, and SqsManagedSseEnabled. A queue with a KMS
key is SSE-KMS whatever SqsManagedSseEnabled says (the local emulator reports "true" on every
queue; AWS reports "false" once a KMS key is set).
"""

from __future__ import annotations

from planner.inventory import Resource
from planner.scan.common import CALL_ERRORS, KMS_PENDING, Scope, Step, Task, mark_unknown, pages

SERVICE = "sqs"
OPERATIONS = {"sqs": ("ListQueues", "GetQueueAttributes")}
ATTRIBUTES = ["QueueArn", "KmsMasterKeyId", "KmsDataKeyReusePeriodSeconds",
              "SqsManagedSseEnabled"]
DEFAULT_REUSE_SECONDS = 300  # AWS's default KmsDataKeyReusePeriodSeconds
# ListQueues pages only when MaxResults is sent: without it AWS returns the first 1,000 queues
# and no NextToken, so a larger account would be read short.
PAGE = {"PageSize": 1000}


def tasks(scope: Scope) -> list[Task]:
    return [Task(scope, SERVICE, "ListQueues", list_queues)]


def list_queues(scope: Scope) -> Step:
    urls = pages(scope.client("sqs"), "list_queues", "QueueUrls", PaginationConfig=PAGE)
    return Step(more=[
        Task(scope, SERVICE, "GetQueueAttributes", lambda s, url=url: read_queue(s, url))
        for url in urls
    ])


def read_queue(scope: Scope, url: str) -> Step:
    name = url.rstrip("/").rsplit("/", 1)[-1]
    resource = Resource(
        account=scope.account, region=scope.region, service=SERVICE, resource_type="queue",
        resource_id=name, arn=f"arn:{scope.partition}:sqs:{scope.region}:{scope.account}:{name}",
        name=name, details={"url": url},
    )
    step = Step(found=[resource])
    try:
        attributes = scope.client("sqs").get_queue_attributes(
            QueueUrl=url, AttributeNames=ATTRIBUTES).get("Attributes", {})
    except CALL_ERRORS as exc:
        mark_unknown(resource, step, scope, "GetQueueAttributes", exc)
        return step
    resource.arn = attributes.get("QueueArn", resource.arn)
    key = attributes.get("KmsMasterKeyId")
    if key:
        resource.encryption = KMS_PENDING
        resource.kms_key_arn = key
        reuse = attributes.get("KmsDataKeyReusePeriodSeconds")
        seconds = int(reuse) if reuse and reuse.isdigit() else 0
        # AWS accepts 60 to 86,400 seconds; anything else is not an answer AWS gives.
        resource.details["data_key_reuse_seconds"] = (
            seconds if 60 <= seconds <= 86400 else DEFAULT_REUSE_SECONDS)
    elif attributes.get("SqsManagedSseEnabled") == "true":
        resource.encryption = "aws-owned"
    else:
        resource.encryption = "none"
    return step
