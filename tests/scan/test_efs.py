"""EFS: file systems unencrypted, on the AWS managed key, on a customer key."""

from __future__ import annotations

from botocore.stub import Stubber

from planner.scan import efs
from tests.scan.conftest import StubClients, by_id, raw_client, stub_scope


def test_each_encryption_state(aws_client, scan_estate):
    key = aws_client("kms").create_key()["KeyMetadata"]
    client = aws_client("efs")
    plain = client.create_file_system(CreationToken="plain")["FileSystemId"]
    managed = client.create_file_system(CreationToken="managed", Encrypted=True,
                                        KmsKeyId="alias/aws/elasticfilesystem")["FileSystemId"]
    customer = client.create_file_system(CreationToken="customer", Encrypted=True,
                                         KmsKeyId=key["KeyId"],
                                         Tags=[{"Key": "Name", "Value": "shared"}])["FileSystemId"]
    found = by_id(scan_estate().inventory)
    assert (found[plain].encryption, found[plain].kms_key_arn) == ("none", None)
    assert found[managed].encryption == "aws-managed"
    # A bare key id given at creation resolves to the key's ARN.
    assert (found[customer].encryption, found[customer].kms_key_arn) == (
        "customer-managed", key["Arn"])
    assert (found[customer].service, found[customer].resource_type) == ("efs", "efs-file-system")
    assert (found[customer].name, found[customer].tags) == ("shared", {"Name": "shared"})


def test_encrypted_without_a_key_in_the_answer_is_not_guessed(aws_client, scan_estate):
    """The emulator names no key when none was given (AWS names aws/elasticfilesystem)."""
    fs_id = aws_client("efs").create_file_system(CreationToken="x", Encrypted=True)[
        "FileSystemId"]
    found = by_id(scan_estate().inventory)[fs_id]
    assert found.encryption in ("unknown", "kms-key-unknown")  # the latter once issue 8 lands
    assert found.kms_key_arn is None


def test_size_from_the_metered_bytes():
    """Shape from the EFS API reference (DescribeFileSystems, SizeInBytes.Value in bytes)."""
    client = raw_client("efs")
    arn = "arn:aws:elasticfilesystem:us-east-1:111122223333:file-system/fs-0123abcd"
    key = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    with Stubber(client) as stub:
        stub.add_response("describe_file_systems", {"FileSystems": [{
            "OwnerId": "111122223333", "CreationToken": "t", "FileSystemId": "fs-0123abcd",
            "FileSystemArn": arn, "CreationTime": "2024-01-01T00:00:00Z",
            "LifeCycleState": "available", "NumberOfMountTargets": 2,
            "SizeInBytes": {"Value": 2_500_000_000}, "PerformanceMode": "generalPurpose",
            "Encrypted": True, "KmsKeyId": key, "Tags": []}]})
        step = efs.LISTINGS[0].run(stub_scope(StubClients(efs=client)))
    [fs] = step.found
    # 2,500,000,000 bytes / 10^9 = 2.5 GB; the key stays pending until the catalogue settles it.
    assert (fs.size_gb, fs.kms_key_arn, fs.arn) == (2.5, key, arn)
    assert fs.details == {"performance_mode": "generalPurpose", "mount_targets": 2}
