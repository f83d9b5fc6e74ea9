"""The remediation catalogue: what each action does, whether it stops anything, what it clears.

Paths follow ../shared/reference/services-and-kms.md; controls are AWS Security Hub controls
and AWS Config managed rules.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Action:
    name: str
    summary: str
    downtime: str  # "none", or what stops
    controls: tuple[str, ...] = ()


ACTIONS = {a.name: a for a in (
    Action("keep", "Already at target: nothing to do.", "none"),
    Action("investigate", "Encryption could not be read: fix access and scan again.", "unknown"),
    Action("restore-key", "The resource's key is disabled or pending deletion: cancel the "
           "deletion or re-enable the key now, or the data becomes unreadable.", "none",
           ("KMS.3",)),
    Action("key-deleted", "The resource's key is not in its account's key catalogue: it was "
           "deleted, and data encrypted under it cannot be decrypted. Confirm with the key's "
           "owner, recover the data from a copy under another key, and re-create the "
           "resource.", "the data may already be unreadable", ("KMS.3",)),
    Action("s3-set-default-sse-kms", "Set the bucket's default encryption to SSE-KMS with the "
           "target key (bucket key on); re-encrypt existing objects with an S3 Batch "
           "Operations copy.", "none", ("S3.17", "s3-default-encryption-kms")),
    Action("s3-set-default-sse-s3", "Set the bucket's default encryption to SSE-S3.", "none"),
    Action("ebs-copy-and-swap", "Snapshot the volume, create an encrypted volume from it with "
           "the target key, stop the instance, swap the volumes, start it.",
           "instance stop while the volumes are swapped", ("EC2.3", "encrypted-volumes")),
    Action("ebs-snapshot-copy", "Copy the snapshot encrypted with the target key (a full, "
           "non-incremental copy), then delete the original.", "none"),
    Action("ebs-enable-default-encryption", "Turn on EBS encryption by default in the region "
           "and set its default key to the target key; existing volumes are not changed.",
           "none", ("EC2.7", "ec2-ebs-encryption-by-default")),
    Action("rds-snapshot-copy-restore", "Snapshot the instance, copy the snapshot with the "
           "target key, restore a new instance from the copy, cut over, retire the old one.",
           "writes stop from the final snapshot until cut-over",
           ("RDS.3", "rds-storage-encrypted")),
    Action("aurora-restore-encrypted", "Snapshot the cluster and restore it into a new cluster "
           "encrypted with the target key, cut over, retire the old one.",
           "writes stop from the final snapshot until cut-over", ("RDS.27",)),
    Action("covered-by-cluster", "An Aurora member instance: its cluster's action covers it.",
           "with its cluster"),
    Action("rds-snapshot-copy", "Copy the DB snapshot with the target key, then delete the "
           "original.", "none", ("RDS.4",)),
    Action("expires-with-source", "An automated snapshot: it ages out once its source is "
           "re-created encrypted; nothing to do.", "none"),
    Action("dynamodb-update-sse", "Switch the table's encryption key in place "
           "(UpdateTable SSESpecification).", "none", ("dynamodb-table-encrypted-kms",)),
    Action("s3-set-default-dsse-kms", "A DSSE-KMS bucket: set its default encryption to "
           "DSSE-KMS (dual-layer, kept) with the target key; S3 Bucket Keys do not apply to "
           "DSSE, so every request calls KMS. Re-encrypt existing objects with an S3 Batch "
           "Operations copy.", "none", ("S3.17", "s3-default-encryption-kms")),
    Action("sqs-set-kms-key", "Set the queue's KMS key (SetQueueAttributes KmsMasterKeyId); "
           "messages already queued stay readable under the old key until consumed. Producers "
           "and consumers need kms:GenerateDataKey and kms:Decrypt on the key.", "none",
           ("SQS.1",)),
    Action("sqs-enable-sse-sqs", "Turn on SSE-SQS (SetQueueAttributes SqsManagedSseEnabled "
           "true): the queue's own key, free; new messages are encrypted.", "none", ("SQS.1",)),
    Action("sns-set-kms-key", "Set the topic's KMS key (SetTopicAttributes KmsMasterKeyId); "
           "publishers, and AWS services that publish to it, need kms:GenerateDataKey and "
           "kms:Decrypt in the key policy.", "none", ("sns-encrypted-kms",)),
    Action("kinesis-start-encryption", "Start server-side encryption with the target key "
           "(StartStreamEncryption); records already in the stream stay as they are until "
           "they expire. Producers need kms:GenerateDataKey on the key.", "none",
           ("Kinesis.1", "kinesis-stream-encrypted")),
    Action("secretsmanager-update-key", "Point the secret at the target key (UpdateSecret "
           "KmsKeyId) and write a new version (PutSecretValue or a rotation) so the current "
           "value is re-encrypted; readers need kms:Decrypt on the key.", "none",
           ("secretsmanager-using-cmk",)),
    Action("logs-associate-key", "Associate the target key with the log group "
           "(AssociateKmsKey); events ingested from then on use it, older events keep their "
           "encryption. The key policy must allow the CloudWatch Logs service principal.",
           "none", ("cloudwatch-log-group-encrypted",)),
    Action("ecr-recreate-repository", "A repository's encryption is fixed at creation: "
           "create a repository with the target key, copy the images (pull and push, or "
           "replication), repoint pushes and pulls, delete the old repository.",
           "pushes and pulls move to the new repository at cut-over",
           ("ecr-repository-cmk-encryption-enabled",)),
    Action("lambda-set-kms-key", "Set the function's KMS key for environment variables "
           "(UpdateFunctionConfiguration KMSKeyArn); the execution role needs kms:Decrypt on "
           "the key.", "none"),
    Action("retire-key", "An idle customer managed key (no reference, grant, replica or use "
           "since the threshold): disable it, watch CloudTrail for DisabledException failures "
           "for the waiting period, re-enable it if any appear, else schedule its deletion "
           "with the longest window (30 days).", "none while idle; anything still using it "
           "fails while it is disabled"),
    # Storage and database services (planner/plan/stores.py maps resource types to these).
    Action("efs-copy-to-new-file-system", "EFS encryption is fixed at creation: create a "
           "file system encrypted with the target key, copy the data with AWS DataSync (or "
           "restore an AWS Backup recovery point into it), move the mount targets and "
           "clients, delete the old file system.",
           "writes stop for the final sync and the remount", ("EFS.1", "efs-encrypted-check")),
    Action("fsx-restore-to-new-file-system", "FSx encryption is fixed at creation: back up "
           "the file system, restore the backup into a new file system with the target key, "
           "repoint clients (DNS, shares, mounts), delete the old one.",
           "writes stop from the final backup until cut-over"),
    Action("docdb-restore-encrypted", "Snapshot the DocumentDB cluster, restore the snapshot "
           "into a new cluster encrypted with the target key, cut over, retire the old one.",
           "writes stop from the final snapshot until cut-over",
           ("DocumentDB.1", "docdb-cluster-encrypted")),
    Action("neptune-restore-encrypted", "Snapshot the Neptune cluster, restore the snapshot "
           "into a new cluster encrypted with the target key, cut over, retire the old one.",
           "writes stop from the final snapshot until cut-over",
           ("Neptune.1", "neptune-cluster-encrypted")),
    Action("redshift-modify-encryption", "Change the cluster's encryption in place "
           "(ModifyCluster Encrypted and KmsKeyId): Redshift migrates the data to the new key, "
           "a resize-like operation.", "the cluster is read-only while the data migrates",
           ("Redshift.10", "redshift-cluster-kms-enabled")),
    Action("redshift-serverless-update-key", "Change the namespace's key in place "
           "(UpdateNamespace kmsKeyId); Redshift Serverless re-encrypts the data.", "none"),
    Action("elasticache-serverless-restore", "A serverless cache's key is fixed at creation: "
           "snapshot the cache, create a serverless cache with the target key from the "
           "snapshot, repoint clients, delete the old one.",
           "writes after the snapshot are lost unless paused until cut-over"),
    Action("elasticache-restore-encrypted", "Encryption at rest is fixed at creation: back up "
           "the replication group, create a new one with at-rest encryption under the target "
           "key seeded from the backup, repoint clients, delete the old one.",
           "writes after the backup are lost unless paused until cut-over",
           ("ElastiCache.4", "elasticache-repl-grp-encrypted-at-rest")),
    Action("memorydb-restore-encrypted", "The cluster's key is fixed at creation: snapshot the "
           "cluster, restore the snapshot into a new cluster with the target key, repoint "
           "clients, delete the old one.",
           "writes after the snapshot are lost unless paused until cut-over"),
    Action("opensearch-enable-encryption", "Turn on encryption at rest in place with the "
           "target key (UpdateDomainConfig EncryptionAtRestOptions; OpenSearch 1.x or "
           "Elasticsearch 6.7 and later, a blue/green deployment). Older domains need a new "
           "domain and a snapshot restore.", "none (blue/green deployment)",
           ("Opensearch.1", "opensearch-encrypted-at-rest")),
    Action("opensearch-new-domain", "A domain's key never changes: create a domain encrypted "
           "with the target key, restore a manual snapshot (or reindex) into it, switch "
           "clients, delete the old domain.", "writes stop from the final snapshot until "
           "cut-over", ("Opensearch.1", "opensearch-encrypted-at-rest")),
    Action("backup-new-vault", "A vault's key is fixed: create a vault with the target key, "
           "point the backup plans at it, copy the recovery points to keep (StartCopyJob), "
           "let the old ones expire.", "none", ("backup-recovery-point-encrypted",)),
)}
