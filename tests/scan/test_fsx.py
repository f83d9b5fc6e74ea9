"""FSx: every file system type, always encrypted; Lustre scratch on a key FSx owns."""

from __future__ import annotations

from tests.scan.conftest import by_id

SUBNET = ["subnet-0123456789abcdef0"]


def test_each_type_and_key(aws_client, scan_estate):
    key = aws_client("kms").create_key()["KeyMetadata"]
    fsx = aws_client("fsx")

    def create(kind, **options):
        return fsx.create_file_system(FileSystemType=kind, StorageCapacity=1200,
                                      SubnetIds=SUBNET, **options)["FileSystem"]["FileSystemId"]

    persistent = create("LUSTRE", KmsKeyId=key["Arn"],
                        LustreConfiguration={"DeploymentType": "PERSISTENT_2"})
    scratch = create("LUSTRE", LustreConfiguration={"DeploymentType": "SCRATCH_2"})
    windows = create("WINDOWS", KmsKeyId="alias/aws/fsx")
    ontap = create("ONTAP", KmsKeyId=key["KeyId"])
    found = by_id(scan_estate().inventory)
    assert (found[persistent].encryption, found[persistent].kms_key_arn) == (
        "customer-managed", key["Arn"])
    assert (found[scratch].encryption, found[scratch].kms_key_arn) == ("aws-owned", None)
    assert found[windows].encryption == "aws-managed"
    assert (found[ontap].encryption, found[ontap].kms_key_arn) == ("customer-managed", key["Arn"])
    assert found[scratch].details == {"file_system_type": "LUSTRE",
                                      "deployment_type": "SCRATCH_2"}
    assert (found[ontap].size_gb, found[ontap].resource_type) == (1200.0, "fsx-file-system")


def test_no_key_on_a_persistent_file_system_is_not_guessed(aws_client, scan_estate):
    """AWS names the aws/fsx key when none was given; the emulator names none."""
    fs_id = aws_client("fsx").create_file_system(
        FileSystemType="OPENZFS", StorageCapacity=64, SubnetIds=SUBNET)["FileSystem"][
        "FileSystemId"]
    found = by_id(scan_estate().inventory)[fs_id]
    assert found.encryption in ("unknown", "kms-key-unknown")  # the latter once issue 8 lands
