"""AWS Backup: backup vaults. A vault's key is fixed at creation: EncryptionKeyArn (aws/backup
when the creator gave none). Logically air-gapped vaults may use a key AWS Backup owns
(EncryptionKeyType AWS_OWNED_KMS_KEY). Recovery points of services with their own encryption
(EBS, RDS, ...) keep their source's key; the vault key covers the fully managed ones."""

from __future__ import annotations

from planner.inventory import Resource
from planner.scan.common import Scope, encrypted_with
from planner.scan.listing import Listing, new_resource, operations_of, tasks_of

SERVICE = "backup"


def read_vault(scope: Scope, item: dict) -> Resource:
    name = item["BackupVaultName"]
    arn = item.get("BackupVaultArn") or (
        f"arn:{scope.partition}:backup:{scope.region}:{scope.account}:backup-vault:{name}")
    resource = new_resource(
        scope, SERVICE, "backup-vault", name, arn,
        details={"recovery_points": item.get("NumberOfRecoveryPoints"),
                 "locked": bool(item.get("Locked", False)),
                 "vault_type": item.get("VaultType", "BACKUP_VAULT")},
    )
    key = item.get("EncryptionKeyArn")
    if not key and item.get("EncryptionKeyType") == "AWS_OWNED_KMS_KEY":
        resource.encryption = "aws-owned"
    else:
        encrypted_with(resource, key)
    return resource


LISTINGS = (Listing(SERVICE, "backup", "ListBackupVaults", "BackupVaultList", read_vault),)
OPERATIONS = operations_of(*LISTINGS)
tasks = tasks_of(*LISTINGS)
