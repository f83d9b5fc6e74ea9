"""ElastiCache replication groups: no encryption at rest, the service's key, a KMS key."""

from __future__ import annotations

from tests.scan.conftest import by_id


def test_each_encryption_state(aws_client, scan_estate):
    key = aws_client("kms").create_key()["KeyMetadata"]
    cache = aws_client("elasticache")

    def group(name, **options):
        cache.create_replication_group(ReplicationGroupId=name, ReplicationGroupDescription=name,
                                       Engine="redis", CacheNodeType="cache.t3.micro", **options)

    group("plain")
    group("owned", AtRestEncryptionEnabled=True)
    group("customer", AtRestEncryptionEnabled=True, KmsKeyId=key["KeyId"])
    found = by_id(scan_estate().inventory)
    assert found["plain"].encryption == "none"
    assert (found["owned"].encryption, found["owned"].kms_key_arn) == ("aws-owned", None)
    customer = found["customer"]
    assert (customer.encryption, customer.kms_key_arn) == ("customer-managed", key["Arn"])
    assert (customer.service, customer.resource_type) == ("elasticache", "replication-group")
    assert customer.arn == "arn:aws:elasticache:us-east-1:123456789012:replicationgroup:customer"
    assert customer.details == {"engine": "redis", "node_type": "cache.t3.micro", "members": 1}
