"""ECR: repositories. AES256 (S3-managed keys: an AWS owned key, free) or KMS, set when the
repository is created and fixed for its life.

DescribeRepositories carries each repository's encryptionConfiguration, so the listing alone
reads them all. KMS and KMS_DSSE name the key in kmsKey; AWS fills in the ARN of the AWS
managed key aws/ecr when none was given at creation.
"""

from __future__ import annotations

from planner.inventory import Resource
from planner.scan.common import Scope, Step, Task, encrypted_with, pages

SERVICE = "ecr"
OPERATIONS = {"ecr": ("DescribeRepositories",)}
KMS_TYPES = ("KMS", "KMS_DSSE")


def tasks(scope: Scope) -> list[Task]:
    return [Task(scope, SERVICE, "DescribeRepositories", list_repositories)]


def list_repositories(scope: Scope) -> Step:
    found = []
    for repo in pages(scope.client("ecr"), "describe_repositories", "repositories"):
        name = repo["repositoryName"]
        config = repo.get("encryptionConfiguration") or {}
        kind = config.get("encryptionType", "AES256")
        resource = Resource(
            account=scope.account, region=scope.region, service=SERVICE,
            resource_type="repository", resource_id=name, name=name,
            arn=repo.get("repositoryArn") or f"arn:{scope.partition}:ecr:{scope.region}:"
                                             f"{scope.account}:repository/{name}",
            details={"encryption_type": kind, "uri": repo.get("repositoryUri")},
        )
        if kind in KMS_TYPES:
            encrypted_with(resource, config.get("kmsKey"))
        else:
            resource.encryption = "aws-owned"
        found.append(resource)
    return Step(found=found)
