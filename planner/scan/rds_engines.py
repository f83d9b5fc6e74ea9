"""DocumentDB and Neptune: clusters, listed through the RDS API with an engine filter.

Both services share the RDS control plane: DescribeDBClusters answers their clusters beside
Aurora's, with StorageEncrypted and KmsKeyId (the key ARN; aws/rds when the creator gave
none). Encryption is chosen at creation: reaching a new key is a restore from a snapshot. The
RDS scan leaves these engines out (ENGINES), so no cluster is counted twice.
"""

from __future__ import annotations

from planner.inventory import Resource
from planner.scan.common import Scope, tag_dict
from planner.scan.listing import Listing, at_rest, new_resource, operations_of, tasks_of

ENGINES = {"docdb": "docdb-cluster", "neptune": "neptune-cluster"}  # engine -> resource type


def _reader(engine: str):
    def read_cluster(scope: Scope, item: dict) -> Resource | None:
        if item.get("Engine") != engine:  # the filter already asked for this engine only
            return None
        cluster_id = item["DBClusterIdentifier"]
        resource = new_resource(
            scope, engine, ENGINES[engine], cluster_id, item.get("DBClusterArn", ""),
            tags=tag_dict(item.get("TagList")),
            details={"engine": engine,
                     "members": [m["DBInstanceIdentifier"]
                                 for m in item.get("DBClusterMembers", [])]},
        )
        return at_rest(resource, bool(item.get("StorageEncrypted")), item.get("KmsKeyId"))

    return read_cluster


def _listing(engine: str) -> Listing:
    return Listing(engine, "rds", "DescribeDBClusters", "DBClusters", _reader(engine),
                   params=(("Filters", [{"Name": "engine", "Values": [engine]}]),))


DOCDB, NEPTUNE = _listing("docdb"), _listing("neptune")
OPERATIONS = operations_of(DOCDB)  # the same call for both
docdb_tasks = tasks_of(DOCDB)
neptune_tasks = tasks_of(NEPTUNE)
