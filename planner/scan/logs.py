"""CloudWatch Logs: log groups. Log data is always encrypted at rest: by CloudWatch Logs' own
key (an AWS owned key, free) unless a KMS key is associated with the group.

DescribeLogGroups carries each group's kmsKeyId (always a key ARN) and stored bytes, so the
listing alone reads every group. There is no AWS managed key for CloudWatch Logs.
"""

from __future__ import annotations

from planner.inventory import Resource
from planner.scan.common import KMS_PENDING, Scope, Step, Task, pages

SERVICE = "logs"
OPERATIONS = {"logs": ("DescribeLogGroups",)}


def tasks(scope: Scope) -> list[Task]:
    return [Task(scope, SERVICE, "DescribeLogGroups", list_log_groups)]


def _arn(scope: Scope, group: dict) -> str:
    """The group's ARN without the ":*" that the older `arn` field ends with (the Tagging API
    and KMS encryption contexts use the bare form, as logGroupArn reports it)."""
    arn = group.get("logGroupArn") or group.get("arn") or (
        f"arn:{scope.partition}:logs:{scope.region}:{scope.account}:log-group:"
        f"{group['logGroupName']}")
    return arn.removesuffix(":*")


def list_log_groups(scope: Scope) -> Step:
    found = []
    for group in pages(scope.client("logs"), "describe_log_groups", "logGroups"):
        name = group["logGroupName"]
        stored = group.get("storedBytes")
        resource = Resource(
            account=scope.account, region=scope.region, service=SERVICE,
            resource_type="log-group", resource_id=name, arn=_arn(scope, group), name=name,
            size_gb=None if stored is None else stored / 1e9,
            details={"retention_days": group.get("retentionInDays"),
                     "log_group_class": group.get("logGroupClass")},
        )
        if group.get("kmsKeyId"):
            resource.encryption = KMS_PENDING
            resource.kms_key_arn = group["kmsKeyId"]
        else:
            resource.encryption = "aws-owned"
        found.append(resource)
    return Step(found=found)
