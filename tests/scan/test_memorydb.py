"""MemoryDB clusters: always encrypted, on MemoryDB's own key or a KMS key."""

from __future__ import annotations

from tests.scan.conftest import by_id


def test_owned_and_customer_keys(aws_client, scan_estate):
    key = aws_client("kms").create_key()["KeyMetadata"]
    memorydb = aws_client("memorydb")
    memorydb.create_cluster(ClusterName="owned", NodeType="db.t4g.small", ACLName="open-access")
    memorydb.create_cluster(ClusterName="customer", NodeType="db.t4g.small",
                            ACLName="open-access", KmsKeyId=key["Arn"])
    found = by_id(scan_estate().inventory)
    assert (found["owned"].encryption, found["owned"].kms_key_arn) == ("aws-owned", None)
    customer = found["customer"]
    assert (customer.encryption, customer.kms_key_arn) == ("customer-managed", key["Arn"])
    assert (customer.service, customer.resource_type) == ("memorydb", "memorydb-cluster")
    assert customer.details == {"node_type": "db.t4g.small", "shards": 1}
