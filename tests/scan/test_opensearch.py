"""OpenSearch domains: encryption at rest off, on the AWS managed key, on a customer key;
DescribeDomains in batches of five; a refused DescribeDomains leaves its domains unknown."""

from __future__ import annotations

from botocore.stub import Stubber

from planner.scan import opensearch
from tests.scan.conftest import CallLog, StubClients, by_id, raw_client, refuse, stub_scope


def test_each_encryption_state(aws_client, scan_estate):
    key = aws_client("kms").create_key()["KeyMetadata"]
    domains = aws_client("opensearch")
    domains.create_domain(DomainName="plain")
    domains.create_domain(DomainName="managed", EncryptionAtRestOptions={
        "Enabled": True, "KmsKeyId": "alias/aws/es"})
    domains.create_domain(DomainName="customer", EncryptionAtRestOptions={
        "Enabled": True, "KmsKeyId": key["Arn"]},
        EBSOptions={"EBSEnabled": True, "VolumeSize": 100},
        ClusterConfig={"InstanceType": "r6g.large.search", "InstanceCount": 3})
    found = by_id(scan_estate().inventory)
    assert (found["plain"].encryption, found["plain"].kms_key_arn) == ("none", None)
    assert found["managed"].encryption == "aws-managed"
    customer = found["customer"]
    assert (customer.encryption, customer.kms_key_arn) == ("customer-managed", key["Arn"])
    assert customer.arn == "arn:aws:es:us-east-1:123456789012:domain/customer"
    # 100 GB of EBS on each of 3 data nodes = 300 GB.
    assert customer.size_gb == 300.0


def test_domains_are_described_five_at_a_time(aws_client, scan_estate):
    domains = aws_client("opensearch")
    for i in range(7):
        domains.create_domain(DomainName=f"domain-{i}")
    log = CallLog()
    inventory = scan_estate(client_hook=log).inventory
    assert len([r for r in inventory.resources if r.service == "opensearch"]) == 7
    # 7 domains: one listing, then ceil(7 / 5) = 2 DescribeDomains calls.
    calls = [op for service, op in log.calls if service == "opensearch"]
    assert sorted(calls) == ["DescribeDomains", "DescribeDomains", "ListDomainNames"]


def test_a_refused_describe_leaves_each_domain_unknown(aws_client, scan_estate):
    aws_client("opensearch").create_domain(DomainName="hidden")
    outcome = scan_estate(client_hook=refuse("DescribeDomains"))
    hidden = by_id(outcome.inventory)["hidden"]
    assert (hidden.encryption, hidden.error) == ("unknown", "AccessDenied: refused by the test")
    assert [(e.service, e.operation, e.code) for e in outcome.inventory.errors] == [
        ("opensearch", "DescribeDomains", "AccessDenied")]


def test_a_domain_missing_from_the_answer_stays_unknown():
    """Shape from the OpenSearch API reference (DescribeDomains, DomainStatusList)."""
    client = raw_client("opensearch")
    key = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    status = {"DomainId": "111122223333/logs", "DomainName": "logs",
              "ARN": "arn:aws:es:us-east-1:111122223333:domain/logs",
              "ClusterConfig": {"InstanceCount": 2},
              "EBSOptions": {"EBSEnabled": True, "VolumeSize": 50},
              "EncryptionAtRestOptions": {"Enabled": True, "KmsKeyId": key}}
    with Stubber(client) as stub:
        stub.add_response("describe_domains", {"DomainStatusList": [status]},
                          {"DomainNames": ["logs", "gone"]})
        step = opensearch.read_domains(stub_scope(StubClients(opensearch=client)),
                                       ["logs", "gone"])
    logs, gone = step.found
    # 50 GB on each of 2 nodes = 100 GB; the key stays pending until the catalogue settles it.
    assert (logs.kms_key_arn, logs.size_gb, logs.error) == (key, 100.0, None)
    assert (gone.encryption, gone.error) == (
        "unknown", "DomainNotDescribed: DescribeDomains did not answer this domain")
