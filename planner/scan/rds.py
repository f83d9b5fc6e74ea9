"""RDS and Aurora: DB instances, clusters, DB snapshots and DB cluster snapshots.

Aurora storage is the cluster's and grows with use: DescribeDBClusters and DescribeDBInstances
answer `AllocatedStorage: 1` for Aurora. The cluster's size is CloudWatch's AWS/RDS
`VolumeBytesUsed` per DBClusterIdentifier, read in GetMetricData batches (500 queries a call)
once the clusters of a region are listed; unknown (null) when it cannot be read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from planner.inventory import Resource
from planner.scan.common import (
    CALL_ERRORS,
    Scope,
    Step,
    Task,
    encrypted_with,
    error_code,
    gb,
    need,
    pages,
    scan_error,
    tag_dict,
)
from planner.scan.rds_engines import ENGINES

SERVICE = "rds"
VOLUME_METRIC = "VolumeBytesUsed"
SIZE_SOURCE = "CloudWatch AWS/RDS VolumeBytesUsed"
QUERIES_PER_CALL = 500  # GetMetricData's limit


@dataclass(frozen=True)
class ClusterSize:
    """An Aurora cluster's latest VolumeBytesUsed, or why it is unknown."""

    account: str
    region: str
    cluster_id: str
    size_bytes: float | None
    unknown_because: str | None = None


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
OPERATIONS = {"rds": tuple(listing.operation for listing in LISTINGS),
              "cloudwatch": ("GetMetricData",)}


def is_aurora(item: dict) -> bool:
    return str(item.get("Engine") or "").startswith("aurora")


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
    if listing.resource_type in ("db-cluster", "db-instance") and is_aurora(item):
        # AllocatedStorage is always 1 for Aurora: the size is the cluster's volume.
        resource.size_gb = None
        resource.details["size_source"] = (
            f"unknown: {VOLUME_METRIC} not read" if listing.resource_type == "db-cluster"
            else "the cluster's (Aurora storage is shared)")
    if item.get(listing.encrypted_field):
        encrypted_with(resource, item.get("KmsKeyId"))
    else:
        resource.encryption = "none"
    return resource


def _lister(listing: Listing):
    def run(scope: Scope) -> Step:
        # DocumentDB and Neptune share the RDS API: their own scans count them.
        items = [item for item in pages(scope.client("rds"), listing.method, listing.items)
                 if item.get("Engine") not in ENGINES]
        step = Step(found=[_resource(scope, listing, item) for item in items])
        aurora = [need(item, listing.id_field) for item in items if is_aurora(item)]
        if listing.resource_type == "db-cluster" and aurora:
            step.more.append(Task(scope, SERVICE, "GetMetricData",
                                  lambda s, ids=tuple(aurora): read_cluster_sizes(s, ids)))
        return step

    return run


def read_cluster_sizes(scope: Scope, cluster_ids: tuple[str, ...]) -> Step:
    """VolumeBytesUsed of each Aurora cluster: the newest daily maximum of the last 3 days."""
    cloudwatch = scope.client("cloudwatch")
    owner = {f"c{i}": cluster for i, cluster in enumerate(cluster_ids)}
    queries = [{"Id": query_id, "MetricStat": {"Metric": {
        "Namespace": "AWS/RDS", "MetricName": VOLUME_METRIC,
        "Dimensions": [{"Name": "DBClusterIdentifier", "Value": cluster}]},
        "Period": 86400, "Stat": "Maximum"}} for query_id, cluster in owner.items()]
    newest: dict[str, tuple[datetime, float]] = {}
    end = datetime.now(UTC)
    try:
        for start in range(0, len(queries), QUERIES_PER_CALL):
            for result in pages(cloudwatch, "get_metric_data", "MetricDataResults",
                                MetricDataQueries=queries[start:start + QUERIES_PER_CALL],
                                StartTime=end - timedelta(days=3), EndTime=end,
                                ScanBy="TimestampDescending"):
                # The newest point by its timestamp (pages and order are not relied on).
                cluster = owner[result["Id"]]
                for when, value in zip(result.get("Timestamps", []), result.get("Values", []),
                                       strict=False):
                    if cluster not in newest or when > newest[cluster][0]:
                        newest[cluster] = (when, float(value))
    except CALL_ERRORS as exc:
        because = f"GetMetricData failed with {error_code(exc)[0]}"
        return Step(found=[ClusterSize(scope.account, scope.region, cluster, None, because)
                           for cluster in cluster_ids],
                    errors=[scan_error(scope, SERVICE, "GetMetricData", exc)])
    return Step(found=[
        ClusterSize(scope.account, scope.region, cluster, newest[cluster][1], None)
        if cluster in newest else
        ClusterSize(scope.account, scope.region, cluster, None,
                    f"no {VOLUME_METRIC} in the last 3 days")
        for cluster in cluster_ids])


def tasks(scope: Scope) -> list[Task]:
    return [Task(scope, SERVICE, listing.operation, _lister(listing)) for listing in LISTINGS]
