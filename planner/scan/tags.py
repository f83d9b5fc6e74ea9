"""Tags of buckets, tables and keys in batches: the Resource Groups Tagging API (GetResources,
up to 100 resources a page) instead of one tagging call per resource.

EBS volumes and snapshots and RDS resources carry their tags in their own listings. The
Tagging API returns only resources that have (or had) tags: absent means no tags.
"""

from __future__ import annotations

from dataclasses import dataclass

from planner.scan.common import Scope, Step, Task, need, pages, tag_dict

SERVICE = "tags"
OPERATIONS = {"resourcegroupstaggingapi": ("GetResources",)}
RESOURCE_TYPES = ["s3:bucket", "dynamodb:table", "kms:key"]
# Queues, topics, streams, log groups, repositories and functions carry no tags in their
# listings either (Secrets Manager's ListSecrets does, so secrets are not asked for here).
RESOURCE_TYPES += ["sqs", "sns", "kinesis:stream", "logs:log-group", "ecr:repository",
                   "lambda:function"]
RESOURCE_TYPES += ["backup:backup-vault"]  # vaults: ListBackupVaults carries no tags


@dataclass(frozen=True)
class Tags:
    account: str
    arn: str
    tags: dict[str, str]


def tasks(scope: Scope) -> list[Task]:
    return [Task(scope, SERVICE, "GetResources", read_tags)]


def read_tags(scope: Scope) -> Step:
    tagging = scope.client("resourcegroupstaggingapi")
    mappings = pages(tagging, "get_resources", "ResourceTagMappingList",
                     ResourceTypeFilters=RESOURCE_TYPES, ResourcesPerPage=100)
    return Step(found=[Tags(scope.account, need(m, "ResourceARN"), tag_dict(m.get("Tags")))
                       for m in mappings])
