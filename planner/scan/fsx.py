"""FSx: Windows File Server, Lustre, NetApp ONTAP and OpenZFS file systems.

Every FSx file system is encrypted at rest, under a key chosen at creation (it cannot change).
DescribeFileSystems names the key (KmsKeyId, the aws/fsx key when the creator gave none),
except on Lustre scratch file systems, which are encrypted with keys FSx owns.
"""

from __future__ import annotations

from planner.inventory import Resource
from planner.scan.common import Scope, gb, tag_dict
from planner.scan.listing import Listing, at_rest, new_resource, operations_of, tasks_of

SERVICE = "fsx"
SCRATCH = ("SCRATCH_1", "SCRATCH_2")


def read_file_system(scope: Scope, item: dict) -> Resource:
    fs_id = item["FileSystemId"]
    kind = item.get("FileSystemType")
    deployment = (item.get("LustreConfiguration") or {}).get("DeploymentType")
    tags = tag_dict(item.get("Tags"))
    arn = item.get("ResourceARN") or (
        f"arn:{scope.partition}:fsx:{scope.region}:{scope.account}:file-system/{fs_id}")
    resource = new_resource(
        scope, SERVICE, "fsx-file-system", fs_id, arn, name=tags.get("Name", fs_id), tags=tags,
        size_gb=gb(item.get("StorageCapacity")),  # GiB, as EBS and RDS report theirs
        details={"file_system_type": kind, "deployment_type": deployment},
    )
    unnamed = "aws-owned" if deployment in SCRATCH else "kms"
    return at_rest(resource, True, item.get("KmsKeyId"), unnamed)


LISTINGS = (Listing(SERVICE, "fsx", "DescribeFileSystems", "FileSystems", read_file_system),)
OPERATIONS = operations_of(*LISTINGS)
tasks = tasks_of(*LISTINGS)
