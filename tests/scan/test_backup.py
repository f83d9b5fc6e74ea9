"""AWS Backup vaults: the vault key (AWS managed or customer), or a key AWS Backup owns."""

from __future__ import annotations

from botocore.stub import Stubber

from planner.scan import backup
from tests.scan.conftest import StubClients, by_id, raw_client, stub_scope


def test_vault_keys(aws_client, scan_estate):
    key = aws_client("kms").create_key()["KeyMetadata"]
    vaults = aws_client("backup")
    vaults.create_backup_vault(BackupVaultName="managed", EncryptionKeyArn="alias/aws/backup")
    vaults.create_backup_vault(BackupVaultName="customer", EncryptionKeyArn=key["Arn"],
                               BackupVaultTags={"team": "platform"})
    found = by_id(scan_estate().inventory)
    assert found["managed"].encryption == "aws-managed"
    customer = found["customer"]
    assert (customer.encryption, customer.kms_key_arn) == ("customer-managed", key["Arn"])
    assert (customer.service, customer.resource_type) == ("backup", "backup-vault")
    assert customer.tags == {"team": "platform"}  # from the Resource Groups Tagging API
    assert customer.details == {"recovery_points": 0, "locked": False,
                                "vault_type": "BACKUP_VAULT"}


def test_an_air_gapped_vault_on_a_key_aws_backup_owns():
    """Shape from the AWS Backup API reference (ListBackupVaults, EncryptionKeyType)."""
    client = raw_client("backup")
    with Stubber(client) as stub:
        stub.add_response("list_backup_vaults", {"BackupVaultList": [{
            "BackupVaultName": "vault", "VaultType": "LOGICALLY_AIR_GAPPED_BACKUP_VAULT",
            "BackupVaultArn": "arn:aws:backup:us-east-1:111122223333:backup-vault:vault",
            "EncryptionKeyType": "AWS_OWNED_KMS_KEY", "NumberOfRecoveryPoints": 12,
            "Locked": True}]})
        step = backup.LISTINGS[0].run(stub_scope(StubClients(backup=client)))
    [vault] = step.found
    assert (vault.encryption, vault.kms_key_arn) == ("aws-owned", None)
    assert vault.details == {"recovery_points": 12, "locked": True,
                             "vault_type": "LOGICALLY_AIR_GAPPED_BACKUP_VAULT"}
