"""Redshift: provisioned clusters and Redshift Serverless namespaces.

DescribeClusters answers Encrypted and KmsKeyId. An encrypted cluster with no KmsKeyId is on
the key Redshift owns (its default for new clusters since 2025); a cluster can move to another
key in place (ModifyCluster), a resize-like migration. A namespace is always encrypted:
ListNamespaces names its kmsKeyId, "AWS_OWNED_KMS_KEY" for the key Redshift owns.
"""

from __future__ import annotations

from planner.inventory import Resource
from planner.scan.common import Scope, tag_dict
from planner.scan.listing import Listing, at_rest, new_resource, operations_of, tasks_of

SERVICE = "redshift"
OWNED = "AWS_OWNED_KMS_KEY"  # a namespace's kmsKeyId on the key Redshift owns


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


def read_namespace(scope: Scope, item: dict) -> Resource:
    name = item["namespaceName"]
    arn = item.get("namespaceArn") or (
        f"arn:{scope.partition}:redshift-serverless:{scope.region}:{scope.account}:"
        f"namespace/{item.get('namespaceId', name)}")
    resource = new_resource(scope, SERVICE, "redshift-namespace", name, arn,
                            details={"status": item.get("status")})
    key = item.get("kmsKeyId")
    return at_rest(resource, True, None if key == OWNED else key, "aws-owned")


LISTINGS = (Listing(SERVICE, "redshift", "DescribeClusters", "Clusters", read_cluster),
            Listing(SERVICE, "redshift-serverless", "ListNamespaces", "namespaces",
                    read_namespace))
OPERATIONS = operations_of(*LISTINGS)
tasks = tasks_of(*LISTINGS)
