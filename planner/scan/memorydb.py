"""MemoryDB: clusters. Always encrypted at rest: under KmsKeyId when the cluster names one,
otherwise under a key MemoryDB owns. The key is chosen at creation (snapshot and restore to
change it)."""

from __future__ import annotations

from planner.inventory import Resource
from planner.scan.common import Scope
from planner.scan.listing import Listing, at_rest, new_resource, operations_of, tasks_of

SERVICE = "memorydb"


def read_cluster(scope: Scope, item: dict) -> Resource:
    name = item["Name"]
    arn = item.get("ARN") or (
        f"arn:{scope.partition}:memorydb:{scope.region}:{scope.account}:cluster/{name}")
    resource = new_resource(
        scope, SERVICE, "memorydb-cluster", name, arn,
        details={"node_type": item.get("NodeType"), "shards": item.get("NumberOfShards")},
    )
    return at_rest(resource, True, item.get("KmsKeyId"), "aws-owned")


LISTINGS = (Listing(SERVICE, "memorydb", "DescribeClusters", "Clusters", read_cluster),)
OPERATIONS = operations_of(*LISTINGS)
tasks = tasks_of(*LISTINGS)
