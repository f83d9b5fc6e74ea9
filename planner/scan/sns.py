"""SNS: topics. SSE with a KMS key (KmsMasterKeyId), or none: SNS has no AWS owned key.

ListTopics names the topics; GetTopicAttributes per topic reads the key (a key id, alias or
ARN; alias/aws/sns is the AWS managed key).
"""

from __future__ import annotations

from planner.inventory import Resource
from planner.scan.common import CALL_ERRORS, KMS_PENDING, Scope, Step, Task, mark_unknown, pages

SERVICE = "sns"
OPERATIONS = {"sns": ("ListTopics", "GetTopicAttributes")}


def tasks(scope: Scope) -> list[Task]:
    return [Task(scope, SERVICE, "ListTopics", list_topics)]


def list_topics(scope: Scope) -> Step:
    arns = [topic["TopicArn"] for topic in pages(scope.client("sns"), "list_topics", "Topics")]
    return Step(more=[
        Task(scope, SERVICE, "GetTopicAttributes", lambda s, arn=arn: read_topic(s, arn))
        for arn in arns
    ])


def read_topic(scope: Scope, arn: str) -> Step:
    name = arn.rsplit(":", 1)[-1]
    resource = Resource(account=scope.account, region=scope.region, service=SERVICE,
                        resource_type="topic", resource_id=name, arn=arn, name=name)
    step = Step(found=[resource])
    try:
        attributes = scope.client("sns").get_topic_attributes(TopicArn=arn).get(
            "Attributes", {})
    except CALL_ERRORS as exc:
        mark_unknown(resource, step, scope, "GetTopicAttributes", exc)
        return step
    key = attributes.get("KmsMasterKeyId")
    if key:
        resource.encryption = KMS_PENDING
        resource.kms_key_arn = key
    else:
        resource.encryption = "none"
    if attributes.get("FifoTopic") == "true":
        resource.details["fifo"] = True
    return step
