"""Redshift Serverless namespaces and ElastiCache serverless caches. The emulator serves
neither API (planner/emulator_gaps.py answers it as an account with none), so their answers
here are Stubber pages shaped like the API references, through the scan's listing code."""

from __future__ import annotations

from botocore.stub import Stubber

from planner.scan import elasticache, redshift
from tests.scan.conftest import StubClients, raw_client, refuse, stub_scope

KEY = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def _namespace(name: str, key: str) -> dict:
    return {"namespaceName": name, "namespaceId": f"{name}-id", "status": "AVAILABLE",
            "namespaceArn": f"arn:aws:redshift-serverless:us-east-1:111122223333:namespace/"
                            f"{name}-id", "kmsKeyId": key}


def test_namespaces_on_the_owned_key_and_a_kms_key_over_two_pages():
    client = raw_client("redshift-serverless")
    with Stubber(client) as stub:
        stub.add_response("list_namespaces", {"namespaces": [
            _namespace("owned", "AWS_OWNED_KMS_KEY")], "nextToken": "page-2"})
        stub.add_response("list_namespaces", {"namespaces": [_namespace("customer", KEY)]},
                          {"nextToken": "page-2"})
        step = redshift.LISTINGS[1].run(stub_scope(StubClients(**{"redshift-serverless":
                                                                   client})))
        stub.assert_no_pending_responses()
    owned, customer = step.found
    assert (owned.resource_type, owned.encryption, owned.kms_key_arn) == (
        "redshift-namespace", "aws-owned", None)
    # A key ARN is settled after the scan (customer or AWS managed: the catalogue says).
    assert (customer.service, customer.encryption, customer.kms_key_arn) == (
        "redshift", "kms", KEY)
    assert customer.arn == ("arn:aws:redshift-serverless:us-east-1:111122223333:namespace/"
                            "customer-id")
    assert customer.details == {"status": "AVAILABLE"}


def test_serverless_caches():
    client = raw_client("elasticache")
    with Stubber(client) as stub:
        stub.add_response("describe_serverless_caches", {"ServerlessCaches": [
            {"ServerlessCacheName": "owned", "Engine": "valkey",
             "ARN": "arn:aws:elasticache:us-east-1:111122223333:serverlesscache:owned"},
            {"ServerlessCacheName": "customer", "Engine": "redis", "KmsKeyId": KEY,
             "ARN": "arn:aws:elasticache:us-east-1:111122223333:serverlesscache:customer"}]})
        step = elasticache.LISTINGS[1].run(stub_scope(StubClients(elasticache=client)))
    owned, customer = step.found
    assert (owned.resource_type, owned.encryption, owned.details) == (
        "serverless-cache", "aws-owned", {"engine": "valkey"})
    assert (customer.encryption, customer.kms_key_arn) == ("kms", KEY)


def test_the_emulator_answers_an_account_with_none(scan_estate):
    outcome = scan_estate()
    assert outcome.inventory.errors == []
    assert [r for r in outcome.inventory.resources
            if r.resource_type in ("redshift-namespace", "serverless-cache")] == []


def test_refused_listings_are_recorded(scan_estate):
    for operation, service in (("ListNamespaces", "redshift"),
                               ("DescribeServerlessCaches", "elasticache")):
        [error] = scan_estate(client_hook=refuse(operation)).inventory.errors
        assert (error.service, error.operation, error.code) == (service, operation,
                                                                "AccessDenied")
