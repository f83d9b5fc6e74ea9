"""Secrets Manager: aws/secretsmanager by default, or a customer key; AccessDenied."""

from __future__ import annotations

from tests.scan.conftest import by_id, refuse


def _seed(aws_client):
    key = aws_client("kms").create_key()["KeyMetadata"]
    secrets = aws_client("secretsmanager")
    secrets.create_secret(Name="default", SecretString="x")
    secrets.create_secret(Name="customer", SecretString="x", KmsKeyId=key["Arn"],
                          Tags=[{"Key": "team", "Value": "pay"}])
    return key


def test_each_key_type(aws_client, scan_estate):
    key = _seed(aws_client)
    found = by_id(scan_estate(services=["secretsmanager"]).inventory)
    # No KmsKeyId in ListSecrets: the AWS managed key, resolved through its alias.
    assert found["default"].encryption == "aws-managed"
    assert (found["customer"].encryption, found["customer"].kms_key_arn) == (
        "customer-managed", key["Arn"])
    assert found["customer"].tags == {"team": "pay"}
    assert found["customer"].arn.startswith("arn:aws:secretsmanager:us-east-1:123456789012:"
                                            "secret:customer-")


def test_a_refused_listing_is_recorded_and_other_services_still_read(aws_client, scan_estate):
    _seed(aws_client)
    aws_client("sns").create_topic(Name="still-read")
    outcome = scan_estate(services=["secretsmanager", "sns"],
                          client_hook=refuse("ListSecrets"))
    assert [r.resource_id for r in outcome.inventory.resources] == ["still-read"]
    assert [(e.service, e.operation, e.code) for e in outcome.inventory.errors
            if e.service != "kms"] == [
        ("secretsmanager", "ListSecrets", "AccessDenied")]
