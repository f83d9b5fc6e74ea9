"""EFS: file systems. Encryption at rest is chosen at creation and cannot change.

DescribeFileSystems answers Encrypted and, when encrypted, KmsKeyId (the key ARN; AWS names
aws/elasticfilesystem when the creator gave none). Tags and metered size come in the listing.
"""

from __future__ import annotations

from planner.inventory import Resource
from planner.scan.common import Scope, tag_dict
from planner.scan.listing import Listing, at_rest, new_resource, operations_of, tasks_of

SERVICE = "efs"


def read_file_system(scope: Scope, item: dict) -> Resource:
    fs_id = item["FileSystemId"]
    arn = item.get("FileSystemArn") or (
        f"arn:{scope.partition}:elasticfilesystem:{scope.region}:{scope.account}:"
        f"file-system/{fs_id}")
    size = (item.get("SizeInBytes") or {}).get("Value")
    resource = new_resource(
        scope, SERVICE, "efs-file-system", fs_id, arn,
        name=item.get("Name") or fs_id, tags=tag_dict(item.get("Tags")),
        size_gb=None if size is None else size / 1e9,
        details={"performance_mode": item.get("PerformanceMode"),
                 "mount_targets": item.get("NumberOfMountTargets")},
    )
    return at_rest(resource, bool(item.get("Encrypted")), item.get("KmsKeyId"))


LISTINGS = (Listing(SERVICE, "efs", "DescribeFileSystems", "FileSystems", read_file_system),)
OPERATIONS = operations_of(*LISTINGS)
tasks = tasks_of(*LISTINGS)
