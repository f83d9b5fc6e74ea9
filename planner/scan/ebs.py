"""EBS: volumes, the snapshots the account owns, and the region's encryption-by-default setting."""

from __future__ import annotations

from planner.inventory import RegionSettings, Resource
from planner.scan.common import (
    CALL_ERRORS,
    Scope,
    Step,
    Task,
    encrypted_with,
    gb,
    need,
    pages,
    scan_error,
    tag_dict,
)

SERVICE = "ebs"
OPERATIONS = {"ec2": ("DescribeVolumes", "DescribeSnapshots", "GetEbsEncryptionByDefault",
                      "GetEbsDefaultKmsKeyId")}


def tasks(scope: Scope) -> list[Task]:
    return [
        Task(scope, SERVICE, "DescribeVolumes", list_volumes),
        Task(scope, SERVICE, "DescribeSnapshots", list_snapshots),
        Task(scope, SERVICE, "GetEbsEncryptionByDefault", read_settings),
    ]


def _resource(scope: Scope, kind: str, item: dict, id_field: str, size_field: str) -> Resource:
    tags = tag_dict(item.get("Tags"))
    item_id = need(item, id_field)  # an item without its id: the listing is malformed
    # Snapshot ARNs have no account field: arn:aws:ec2:REGION::snapshot/ID.
    owner = "" if kind == "snapshot" else scope.account
    resource = Resource(
        account=scope.account, region=scope.region, service=SERVICE, resource_type=kind,
        resource_id=item_id,
        arn=f"arn:{scope.partition}:ec2:{scope.region}:{owner}:{kind}/{item_id}",
        name=tags.get("Name", item_id), tags=tags, size_gb=gb(item.get(size_field)),
    )
    if item.get("Encrypted"):
        encrypted_with(resource, item.get("KmsKeyId"))
    else:
        resource.encryption = "none"
    return resource


def list_volumes(scope: Scope) -> Step:
    found = []
    for volume in pages(scope.client("ec2"), "describe_volumes", "Volumes"):
        resource = _resource(scope, "volume", volume, "VolumeId", "Size")
        resource.details |= {
            "volume_type": volume.get("VolumeType"),
            "attached_instance_ids": [a["InstanceId"] for a in volume.get("Attachments") or []
                                      if isinstance(a, dict) and a.get("InstanceId")],
            "state": volume.get("State"),
        }
        found.append(resource)
    return Step(found=found)


def list_snapshots(scope: Scope) -> Step:
    found = []
    for snap in pages(scope.client("ec2"), "describe_snapshots", "Snapshots", OwnerIds=["self"]):
        resource = _resource(scope, "snapshot", snap, "SnapshotId", "VolumeSize")
        resource.details |= {
            "volume_id": snap.get("VolumeId"),
            "source_volume_size_gb": gb(snap.get("VolumeSize")),
        }
        found.append(resource)
    return Step(found=found)


def read_settings(scope: Scope) -> Step:
    """Encryption by default, and its key when it is on (the key matters only then)."""
    ec2 = scope.client("ec2")
    settings = RegionSettings(scope.account, scope.region)
    step = Step(found=[settings])
    try:
        settings.ebs_encryption_by_default = bool(
            need(ec2.get_ebs_encryption_by_default(), "EbsEncryptionByDefault")
        )
    except CALL_ERRORS as exc:
        step.errors.append(scan_error(scope, SERVICE, "GetEbsEncryptionByDefault", exc))
        return step
    if settings.ebs_encryption_by_default:
        try:
            settings.ebs_default_key_arn = need(ec2.get_ebs_default_kms_key_id(), "KmsKeyId")
        except CALL_ERRORS as exc:
            step.errors.append(scan_error(scope, SERVICE, "GetEbsDefaultKmsKeyId", exc))
    return step
