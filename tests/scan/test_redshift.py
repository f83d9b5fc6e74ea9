"""Redshift provisioned clusters: unencrypted, on Redshift's own key, on a KMS key."""

from __future__ import annotations

from tests.scan.conftest import by_id

CLUSTER = {"NodeType": "ra3.xlplus", "MasterUsername": "admin",
           "MasterUserPassword": "Not-a-secret-1", "ClusterType": "multi-node",
           "NumberOfNodes": 2}


def test_each_encryption_state(aws_client, scan_estate):
    key = aws_client("kms").create_key()["KeyMetadata"]
    redshift = aws_client("redshift")
    redshift.create_cluster(ClusterIdentifier="plain", **CLUSTER)
    redshift.create_cluster(ClusterIdentifier="owned", Encrypted=True, **CLUSTER)
    redshift.create_cluster(ClusterIdentifier="managed", Encrypted=True,
                            KmsKeyId="alias/aws/redshift", **CLUSTER)
    redshift.create_cluster(ClusterIdentifier="customer", Encrypted=True, KmsKeyId=key["Arn"],
                            Tags=[{"Key": "team", "Value": "bi"}], **CLUSTER)
    found = by_id(scan_estate().inventory)
    assert found["plain"].encryption == "none"
    # Encrypted with no KmsKeyId: Redshift's default, a key the service owns.
    assert (found["owned"].encryption, found["owned"].kms_key_arn) == ("aws-owned", None)
    assert found["managed"].encryption == "aws-managed"
    customer = found["customer"]
    assert (customer.encryption, customer.kms_key_arn) == ("customer-managed", key["Arn"])
    assert customer.arn == "arn:aws:redshift:us-east-1:123456789012:cluster:customer"
    assert (customer.tags, customer.details) == ({"team": "bi"},
                                                 {"node_type": "ra3.xlplus", "nodes": 2})
