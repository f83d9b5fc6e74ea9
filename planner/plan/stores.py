"""The plan for storage and database services (EFS, FSx, DocumentDB, Neptune, Redshift,
ElastiCache, MemoryDB, OpenSearch, AWS Backup): the action per resource type, each
service's AWS managed key, and the one-time copy costs beyond snapshot storage.

Actions and their controls are in planner/plan/actions.py; how each service uses KMS and
why a path is in place or a migration: docs/plan.md.
"""

from __future__ import annotations

from decimal import Decimal

from pricing import CostLine, PriceBook

REMEDIATION = {
    "efs-file-system": "efs-copy-to-new-file-system",
    "fsx-file-system": "fsx-restore-to-new-file-system",
    "docdb-cluster": "docdb-restore-encrypted",
    "neptune-cluster": "neptune-restore-encrypted",
    "redshift-cluster": "redshift-modify-encryption",
    "redshift-namespace": "redshift-serverless-update-key",
    "replication-group": "elasticache-restore-encrypted",
    "serverless-cache": "elasticache-serverless-restore",
    "memorydb-cluster": "memorydb-restore-encrypted",
    "opensearch-domain": "opensearch-new-domain",
    "backup-vault": "backup-new-vault",
}
# An unencrypted resource that can be encrypted in place (a key change still migrates).
FROM_NONE = {"opensearch-domain": "opensearch-enable-encryption"}

AWS_MANAGED_ALIAS = {"efs": "aws/elasticfilesystem", "fsx": "aws/fsx", "docdb": "aws/rds",
                     "neptune": "aws/rds", "redshift": "aws/redshift", "opensearch": "aws/es",
                     "backup": "aws/backup"}
# No AWS managed key: encryption is a key the service owns, or a customer managed key.
NO_AWS_MANAGED_KEY = frozenset({"elasticache", "memorydb"})

# action -> (price entry per GB copied, line name): copies made once, beyond storage kept.
COPY_PER_GB = {"efs-copy-to-new-file-system": ("datasync_gb", "DataSync copy (data copied)")}


def action_for(resource_type: str, encryption: str) -> str:
    if encryption == "none" and resource_type in FROM_NONE:
        return FROM_NONE[resource_type]
    return REMEDIATION[resource_type]


def copy_lines(book: PriceBook, action: str, resource) -> list[CostLine]:
    """One-off per-GB copy charges of a migration (the size is the inventory's)."""
    if action not in COPY_PER_GB or not resource.size_gb:
        return []
    entry, name = COPY_PER_GB[action]
    price = book.entry(entry, resource.region)
    return [CostLine(name, price.unit, Decimal(str(resource.size_gb)), price.value, entry,
                     price.source)]
