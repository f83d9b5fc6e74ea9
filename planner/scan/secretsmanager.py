"""Secrets Manager: secrets. Always encrypted: under aws/secretsmanager (the AWS managed key)
unless the secret names a customer key.

ListSecrets carries each secret's KmsKeyId (absent: aws/secretsmanager) and tags, so one
listing call per page reads every secret; no call per secret.
"""

from __future__ import annotations

from planner.inventory import Resource
from planner.scan.common import KMS_PENDING, Scope, Step, Task, pages, tag_dict

SERVICE = "secretsmanager"
OPERATIONS = {"secretsmanager": ("ListSecrets",)}
AWS_MANAGED_ALIAS = "alias/aws/secretsmanager"


def tasks(scope: Scope) -> list[Task]:
    return [Task(scope, SERVICE, "ListSecrets", list_secrets)]


def list_secrets(scope: Scope) -> Step:
    found = []
    for secret in pages(scope.client("secretsmanager"), "list_secrets", "SecretList"):
        name = secret["Name"]
        found.append(Resource(
            account=scope.account, region=scope.region, service=SERVICE,
            resource_type="secret", resource_id=name, name=name,
            arn=secret.get("ARN") or f"arn:{scope.partition}:secretsmanager:{scope.region}:"
                                      f"{scope.account}:secret:{name}",
            tags=tag_dict(secret.get("Tags")), encryption=KMS_PENDING,
            kms_key_arn=secret.get("KmsKeyId") or AWS_MANAGED_ALIAS,
            details={"rotation_enabled": bool(secret.get("RotationEnabled", False))},
        ))
    return Step(found=found)
