"""EBS volumes and snapshots: each encryption state, a key pending deletion, the region setting."""

from __future__ import annotations

from planner.scan.keyref import AWS_ALIAS_PREFIX
from tests.scan.conftest import HOME, by_id, ebs_default_key, refuse


def _volume(ec2, **options):
    return ec2.create_volume(AvailabilityZone=f"{HOME}a", Size=8, **options)["VolumeId"]


def test_unencrypted_volume_is_none(aws_client, scan_estate):
    volume = _volume(aws_client("ec2"), VolumeType="gp3")
    found = by_id(scan_estate().inventory)[volume]
    assert (found.encryption, found.kms_key_arn, found.size_gb) == ("none", None, 8.0)
    assert found.details == {"volume_type": "gp3", "attached_instance_ids": [],
                             "state": "available"}


def test_default_key_volume_is_aws_managed(aws_client, scan_estate):
    volume = _volume(aws_client("ec2"), Encrypted=True)  # the emulator uses alias/aws/ebs
    inventory = scan_estate().inventory
    found = by_id(inventory)[volume]
    [key] = [k for k in inventory.keys if k.arn == found.kms_key_arn]
    assert found.encryption == "aws-managed"
    # The emulator says CUSTOMER for this key; its alias under alias/aws/ settles it.
    assert key.manager == "AWS" and key.aliases == [f"{AWS_ALIAS_PREFIX}ebs"]


def test_customer_key_volume_and_its_snapshot(aws_client, scan_estate):
    key = aws_client("kms").create_key()["KeyMetadata"]
    ec2 = aws_client("ec2")
    volume = _volume(ec2, Encrypted=True, KmsKeyId=key["Arn"])
    first = ec2.create_snapshot(VolumeId=volume)["SnapshotId"]
    snapshot = ec2.copy_snapshot(SourceSnapshotId=first, SourceRegion=HOME, Encrypted=True,
                                 KmsKeyId=key["Arn"])["SnapshotId"]
    found = by_id(scan_estate().inventory)
    # The emulator drops the key of a snapshot taken of an encrypted volume (AWS never does):
    # encrypted with KMS, key not named: its own rung, the key not guessed.
    assert found[first].encryption == "kms-key-unknown"
    assert found[first].kms_key_arn is None and found[first].error is None
    assert found[first].details["kms_key_raw"] is None
    # Snapshot ARNs have no account field.
    assert found[first].arn == f"arn:aws:ec2:{HOME}::snapshot/{first}"
    for resource_id in (volume, snapshot):
        assert found[resource_id].encryption == "customer-managed"
        assert found[resource_id].kms_key_arn == key["Arn"]
    assert found[snapshot].details == {"volume_id": volume, "source_volume_size_gb": 8.0}
    assert found[volume].arn.endswith(f":{found[volume].account}:volume/{volume}")
    assert found[snapshot].size_gb == 8.0


def test_volume_on_a_key_pending_deletion_keeps_its_key(aws_client, scan_estate):
    kms = aws_client("kms")
    key = kms.create_key()["KeyMetadata"]
    volume = _volume(aws_client("ec2"), Encrypted=True, KmsKeyId=key["Arn"])
    kms.schedule_key_deletion(KeyId=key["KeyId"], PendingWindowInDays=7)
    inventory = scan_estate().inventory
    found = by_id(inventory)[volume]
    [used] = [k for k in inventory.keys if k.arn == found.kms_key_arn]
    assert found.encryption == "customer-managed"
    assert used.state == "PendingDeletion"
    assert used.rotation_enabled is None  # not asked of a key that is being deleted


def test_attached_volume_names_its_instance(aws_client, scan_estate):
    ec2 = aws_client("ec2")
    image = ec2.register_image(Name="test-image", RootDeviceName="/dev/xvda",
                               BlockDeviceMappings=[{"DeviceName": "/dev/xvda",
                                                     "Ebs": {"VolumeSize": 8}}])["ImageId"]
    instance = ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1)["Instances"][0]
    volume = _volume(ec2)
    ec2.attach_volume(VolumeId=volume, InstanceId=instance["InstanceId"], Device="/dev/sdf")
    found = by_id(scan_estate().inventory)[volume]
    assert found.details["attached_instance_ids"] == [instance["InstanceId"]]
    assert found.details["state"] == "in-use"


def test_encryption_by_default_setting_per_region(aws_client, scan_estate):
    aws_client("ec2", "eu-west-1").enable_ebs_encryption_by_default()
    key_arn = f"arn:aws:kms:eu-west-1:123456789012:key/{'1' * 8}-1111-1111-1111-{'1' * 12}"
    outcome = scan_estate(regions=[HOME, "eu-west-1"], client_hook=ebs_default_key(key_arn))
    settings = outcome.inventory.settings
    by_region = {s.region: (s.ebs_encryption_by_default, s.ebs_default_key_arn) for s in settings}
    assert by_region == {HOME: (False, None), "eu-west-1": (True, key_arn)}


def test_refused_setting_is_null_not_false(aws_client, scan_estate):
    outcome = scan_estate(client_hook=refuse("GetEbsEncryptionByDefault"))
    [setting] = outcome.inventory.settings
    assert setting.ebs_encryption_by_default is None
    assert [(e.operation, e.code) for e in outcome.inventory.errors] == [
        ("GetEbsEncryptionByDefault", "AccessDenied")]

