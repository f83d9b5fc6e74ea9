"""ECR: AES256, KMS with the AWS managed key, KMS with a customer key; AccessDenied."""

from __future__ import annotations

from botocore.stub import Stubber

from planner.scan import ecr
from planner.scan.common import KMS_PENDING
from tests.scan.conftest import StubClients, assert_listing_refused, by_id, raw_client, stub_scope


def test_aes256_and_a_customer_key(aws_client, scan_estate):
    key = aws_client("kms").create_key()["KeyMetadata"]
    repos = aws_client("ecr")
    repos.create_repository(repositoryName="plain")
    repos.create_repository(repositoryName="customer", encryptionConfiguration={
        "encryptionType": "KMS", "kmsKey": key["Arn"]})
    found = by_id(scan_estate(services=["ecr"]).inventory)
    assert (found["plain"].encryption, found["plain"].kms_key_arn) == ("aws-owned", None)
    assert (found["customer"].encryption, found["customer"].kms_key_arn) == (
        "customer-managed", key["Arn"])
    assert found["plain"].details["encryption_type"] == "AES256"


def test_a_refused_listing_is_recorded(aws_client, scan_estate):
    aws_client("ecr").create_repository(repositoryName="hidden")
    assert_listing_refused(scan_estate, "ecr", "DescribeRepositories")


def test_kms_without_a_named_key_is_the_aws_managed_key_arn():
    """AWS answers KMS repositories created without a key with the ARN of the AWS managed key
    aws/ecr (ECR API reference, EncryptionConfiguration). The emulator instead creates a new
    key with no alias, which the scan would take for a customer key."""
    client = raw_client("ecr")
    managed = "arn:aws:kms:us-east-1:111122223333:key/0b0b0b0b-1111-2222-3333-444444444444"
    with Stubber(client) as stub:
        stub.add_response("describe_repositories", {"repositories": [{
            "repositoryName": "kms", "repositoryArn":
                "arn:aws:ecr:us-east-1:111122223333:repository/kms",
            "encryptionConfiguration": {"encryptionType": "KMS", "kmsKey": managed}}]})
        [repo] = ecr.list_repositories(stub_scope(StubClients(ecr=client))).found
    assert (repo.encryption, repo.kms_key_arn) == (KMS_PENDING, managed)
