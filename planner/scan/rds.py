"""RDS and Aurora: DB instances, clusters, DB snapshots and DB cluster snapshots."""

from __future__ import annotations

from dataclasses import dataclass

from planner.inventory import Resource
from planner.scan.common import Scope, Step, Task, encrypted_with, gb, need, pages, tag_dict

SERVICE = "rds"


@dataclass(frozen=True)
class Listing:
    """What one Describe call lists and where each field lives (one line per resource type)."""

    resource_type: str
    operation: str
    method: str
    items: str
    id_field: str
    arn_field: str
    encrypted_field: str


LISTINGS = (
    Listing("db-instance", "DescribeDBInstances", "describe_db_instances", "DBInstances",
            "DBInstanceIdentifier", "DBInstanceArn", "StorageEncrypted"),
    Listing("db-cluster", "DescribeDBClusters", "describe_db_clusters", "DBClusters",
            "DBClusterIdentifier", "DBClusterArn", "StorageEncrypted"),
    Listing("db-snapshot", "DescribeDBSnapshots", "describe_db_snapshots", "DBSnapshots",
            "DBSnapshotIdentifier", "DBSnapshotArn", "Encrypted"),
    Listing("db-cluster-snapshot", "DescribeDBClusterSnapshots", "describe_db_cluster_snapshots",
            "DBClusterSnapshots", "DBClusterSnapshotIdentifier", "DBClusterSnapshotArn",
            "StorageEncrypted"),
)
OPERATIONS = {"rds": tuple(listing.operation for listing in LISTINGS)}


def _details(kind: str, item: dict) -> dict:
    if kind == "db-instance":
        return {"engine": item.get("Engine"), "cluster_id": item.get("DBClusterIdentifier"),
                "multi_az": bool(item.get("MultiAZ", False))}
    if kind == "db-cluster":
        return {"engine": item.get("Engine"),
                "members": [m["DBInstanceIdentifier"] for m in item.get("DBClusterMembers") or []
                            if isinstance(m, dict) and m.get("DBInstanceIdentifier")]}
    source = item.get("DBInstanceIdentifier") if kind == "db-snapshot" else item.get(
        "DBClusterIdentifier")
    return {"snapshot_type": item.get("SnapshotType"), "source_id": source,
            "engine": item.get("Engine")}


def _resource(scope: Scope, listing: Listing, item: dict) -> Resource:
    item_id = need(item, listing.id_field)  # an item without its id: the listing is malformed
    resource = Resource(
        account=scope.account, region=scope.region, service=SERVICE,
        resource_type=listing.resource_type, resource_id=item_id,
        arn=item.get(listing.arn_field, ""), name=item_id, tags=tag_dict(item.get("TagList")),
        size_gb=gb(item.get("AllocatedStorage")),
        details=_details(listing.resource_type, item),
    )
    if item.get(listing.encrypted_field):
        encrypted_with(resource, item.get("KmsKeyId"))
    else:
        resource.encryption = "none"
    return resource


def _lister(listing: Listing):
    def run(scope: Scope) -> Step:
        items = pages(scope.client("rds"), listing.method, listing.items)
        return Step(found=[_resource(scope, listing, item) for item in items])

    return run


def tasks(scope: Scope) -> list[Task]:
    return [Task(scope, SERVICE, listing.operation, _lister(listing)) for listing in LISTINGS]
