"""Declarative listings: services whose one paginated Describe/List call per (account, region)
names every resource and its encryption at rest (EFS, FSx, DocumentDB, Neptune, Redshift,
ElastiCache, MemoryDB, AWS Backup). A scanner module declares its listings and one function
from an item to a Resource; this module runs them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from botocore import xform_name

from planner.inventory import Resource
from planner.scan.common import Scope, Step, Task, encrypted_with, pages


@dataclass(frozen=True)
class Listing:
    """One call that lists resources: which client, which operation, where the items are."""

    service: str  # the inventory's service name, e.g. "efs"
    client: str  # the botocore service, e.g. "efs" (DocumentDB and Neptune: "rds")
    operation: str  # e.g. "DescribeFileSystems"
    items: str  # the list each page carries, e.g. "FileSystems"
    read: Callable[[Scope, dict], Resource | None]  # None: an item that is not this service's
    params: tuple[tuple[str, object], ...] = ()  # fixed request parameters (engine filters)

    def run(self, scope: Scope) -> Step:
        items = pages(scope.client(self.client), xform_name(self.operation), self.items,
                      **dict(self.params))
        found = (self.read(scope, item) for item in items)
        return Step(found=[resource for resource in found if resource is not None])


def tasks_of(*listings: Listing) -> Callable[[Scope], list[Task]]:
    """The registry's region_tasks: one task per listing."""

    def tasks(scope: Scope) -> list[Task]:
        return [Task(scope, listing.service, listing.operation, listing.run)
                for listing in listings]

    return tasks


def operations_of(*listings: Listing) -> dict[str, tuple[str, ...]]:
    merged: dict[str, tuple[str, ...]] = {}
    for listing in listings:
        merged[listing.client] = (*merged.get(listing.client, ()), listing.operation)
    return merged


def new_resource(scope: Scope, service: str, resource_type: str, resource_id: str, arn: str,
                 **fields) -> Resource:
    """A resource of this (account, region); `arn` may be "" when the listing has none."""
    fields.setdefault("name", resource_id)
    return Resource(account=scope.account, region=scope.region, service=service,
                    resource_type=resource_type, resource_id=resource_id, arn=arn, **fields)


def at_rest(resource: Resource, encrypted: bool, key_ref: str | None,
            unnamed: str = "kms") -> Resource:
    """Put a resource on the ladder from what its listing says.

    Not encrypted: "none". Encrypted under a named key: settled after the scan. Encrypted with
    no key named: `unnamed` says what the service does then: "aws-owned" where its default is
    a key the service owns (no KmsKeyId in AWS's answer), or "kms" where AWS always names
    the key (an answer without one leaves the key unknown).
    """
    if not encrypted:
        resource.encryption = "none"
    elif key_ref or unnamed == "kms":
        encrypted_with(resource, key_ref)
    else:
        resource.encryption = unnamed
    return resource

