"""DocumentDB and Neptune clusters through the RDS API, and never twice (not in RDS too)."""

from __future__ import annotations

from botocore.stub import Stubber

from planner.scan import rds_engines
from tests.scan.conftest import StubClients, by_id, raw_client, stub_scope

PASSWORD = {"MasterUsername": "admin", "MasterUserPassword": "not-a-secret-1"}


def test_neptune_clusters_are_neptune_not_rds(aws_client, scan_estate):
    key = aws_client("kms").create_key()["KeyMetadata"]
    rds = aws_client("rds")
    rds.create_db_cluster(DBClusterIdentifier="graph", Engine="neptune", StorageEncrypted=True,
                          KmsKeyId=key["Arn"])
    rds.create_db_cluster(DBClusterIdentifier="graph-plain", Engine="neptune")
    rds.create_db_cluster(DBClusterIdentifier="aurora", Engine="aurora-postgresql", **PASSWORD)
    inventory = scan_estate().inventory
    found = by_id(inventory)
    graph = found["graph"]
    assert (graph.service, graph.resource_type) == ("neptune", "neptune-cluster")
    assert (graph.encryption, graph.kms_key_arn) == ("customer-managed", key["Arn"])
    assert found["graph-plain"].encryption == "none"
    # Each cluster once: the RDS scan leaves the Neptune engine to the Neptune scan.
    clusters = sorted((r.service, r.resource_id) for r in inventory.resources
                      if r.resource_type != "db-cluster-snapshot")  # Aurora's automated one
    assert clusters == [("neptune", "graph"), ("neptune", "graph-plain"), ("rds", "aurora")]


def _cluster(identifier: str, engine: str, **fields) -> dict:
    """A DBCluster as the DocumentDB/RDS API reference describes it."""
    return {"DBClusterIdentifier": identifier, "Engine": engine,
            "DBClusterArn": f"arn:aws:rds:us-east-1:111122223333:cluster:{identifier}",
            "DBClusterMembers": [{"DBInstanceIdentifier": f"{identifier}-1",
                                  "IsClusterWriter": True}], **fields}


def test_documentdb_asks_for_its_engine_only():
    """The emulator cannot create DocumentDB clusters: the call and answer follow AWS's API."""
    client = raw_client("rds")
    key = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    with Stubber(client) as stub:
        stub.add_response("describe_db_clusters", {"DBClusters": [
            _cluster("docs", "docdb", StorageEncrypted=True, KmsKeyId=key),
            _cluster("docs-plain", "docdb", StorageEncrypted=False)]},
            {"Filters": [{"Name": "engine", "Values": ["docdb"]}]})
        step = rds_engines.DOCDB.run(stub_scope(StubClients(rds=client)))
        stub.assert_no_pending_responses()
    docs, plain = step.found
    assert (docs.service, docs.resource_type, docs.kms_key_arn) == ("docdb", "docdb-cluster", key)
    assert docs.details == {"engine": "docdb", "members": ["docs-1"]}
    assert plain.encryption == "none"


def test_an_engine_the_filter_should_have_left_out_is_skipped():
    client = raw_client("rds")
    with Stubber(client) as stub:
        stub.add_response("describe_db_clusters", {"DBClusters": [
            _cluster("aurora", "aurora-mysql", StorageEncrypted=False)]})
        step = rds_engines.NEPTUNE.run(stub_scope(StubClients(rds=client)))
    assert step.found == []
