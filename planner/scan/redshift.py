"""Redshift: provisioned clusters.

DescribeClusters answers Encrypted and KmsKeyId. An encrypted cluster with no KmsKeyId is on
the key Redshift owns (its default for new clusters since 2025); a cluster can move to another
key in place (ModifyCluster), a resize-like migration.
"""

from __future__ import annotations

from planner.inventory import Resource
from planner.scan.common import Scope, tag_dict
from planner.scan.listing import Listing, at_rest, new_resource, operations_of, tasks_of

SERVICE = "redshift"


def read_cluster(scope: Scope, item: dict) -> Resource:
    cluster_id = item["ClusterIdentifier"]
    megabytes = item.get("TotalStorageCapacityInMegaBytes")
    arn = f"arn:{scope.partition}:redshift:{scope.region}:{scope.account}:cluster:{cluster_id}"
    resource = new_resource(
        scope, SERVICE, "redshift-cluster", cluster_id, arn, tags=tag_dict(item.get("Tags")),
        size_gb=megabytes / 1000 if megabytes else None,  # 0 means "not reported"
        details={"node_type": item.get("NodeType"), "nodes": item.get("NumberOfNodes")},
    )
    return at_rest(resource, bool(item.get("Encrypted")), item.get("KmsKeyId"), "aws-owned")


LISTINGS = (Listing(SERVICE, "redshift", "DescribeClusters", "Clusters", read_cluster),)
OPERATIONS = operations_of(*LISTINGS)
tasks = tasks_of(*LISTINGS)
