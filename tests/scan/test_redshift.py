"""Redshift provisioned clusters: unencrypted, on Redshift's own key, on a KMS key."""

from __future__ import annotations

from botocore.stub import Stubber

from planner.scan import redshift
from tests.scan.conftest import StubClients, by_id, raw_client, stub_scope

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


def test_size_from_the_storage_capacity():
    """The emulator reports 0 MB; AWS gives TotalStorageCapacityInMegaBytes (Cluster shape)."""
    client = raw_client("redshift")
    with Stubber(client) as stub:
        stub.add_response("describe_clusters", {"Clusters": [{
            "ClusterIdentifier": "big", "NodeType": "ra3.4xlarge", "NumberOfNodes": 4,
            "Encrypted": True, "TotalStorageCapacityInMegaBytes": 2_500_000}]})
        step = redshift.LISTINGS[0].run(stub_scope(StubClients(redshift=client)))
    [cluster] = step.found
    # 2,500,000 MB / 1,000 = 2,500 GB; encrypted with no KmsKeyId: Redshift's own key.
    assert (cluster.size_gb, cluster.encryption, cluster.kms_key_arn) == (
        2500.0, "aws-owned", None)
