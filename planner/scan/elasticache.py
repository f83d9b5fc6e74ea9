"""ElastiCache: replication groups (Redis OSS and Valkey) and serverless caches.

DescribeReplicationGroups answers AtRestEncryptionEnabled and, under a KMS key, KmsKeyId.
Encrypted without a KmsKeyId is ElastiCache's default: a key the service owns. Serverless
caches are always encrypted (DescribeServerlessCaches: KmsKeyId, or none for the owned key).
Encryption at rest is chosen at creation: a new key means a backup restored into a new cache.
"""

from __future__ import annotations

from planner.inventory import Resource
from planner.scan.common import Scope
from planner.scan.listing import Listing, at_rest, new_resource, operations_of, tasks_of

SERVICE = "elasticache"


def read_group(scope: Scope, item: dict) -> Resource:
    group_id = item["ReplicationGroupId"]
    arn = item.get("ARN") or (f"arn:{scope.partition}:elasticache:{scope.region}:"
                              f"{scope.account}:replicationgroup:{group_id}")
    resource = new_resource(
        scope, SERVICE, "replication-group", group_id, arn,
        details={"engine": item.get("Engine"), "node_type": item.get("CacheNodeType"),
                 "members": len(item.get("MemberClusters", []))},
    )
    return at_rest(resource, bool(item.get("AtRestEncryptionEnabled")), item.get("KmsKeyId"),
                   "aws-owned")


def read_serverless(scope: Scope, item: dict) -> Resource:
    name = item["ServerlessCacheName"]
    arn = item.get("ARN") or (f"arn:{scope.partition}:elasticache:{scope.region}:"
                              f"{scope.account}:serverlesscache:{name}")
    resource = new_resource(scope, SERVICE, "serverless-cache", name, arn,
                            details={"engine": item.get("Engine")})
    return at_rest(resource, True, item.get("KmsKeyId"), "aws-owned")


LISTINGS = (Listing(SERVICE, "elasticache", "DescribeReplicationGroups", "ReplicationGroups",
                    read_group),
            Listing(SERVICE, "elasticache", "DescribeServerlessCaches", "ServerlessCaches",
                    read_serverless))
OPERATIONS = operations_of(*LISTINGS)
tasks = tasks_of(*LISTINGS)
