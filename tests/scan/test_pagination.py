"""Every listing reads all its pages. The emulator ignores page sizes on several calls, so the
pages here are botocore Stubber answers shaped like AWS's (each API's own page token)."""

from __future__ import annotations

from botocore.stub import Stubber

from planner.scan import dynamodb, ebs, kms, rds, s3, tags
from tests.scan.conftest import StubClients, raw_client, stub_scope


def _run(service: str, pages: list[tuple[str, dict]], task):
    client = raw_client(service)
    with Stubber(client) as stub:
        for operation, answer in pages:
            stub.add_response(operation, answer)
        step = task(stub_scope(StubClients(**{service: client})))
        stub.assert_no_pending_responses()
    return step


def _volume(volume_id):
    return {"VolumeId": volume_id, "Size": 1, "Encrypted": False, "VolumeType": "gp3",
            "State": "available", "Attachments": []}


def test_describe_volumes_follows_next_token():
    step = _run("ec2", [
        ("describe_volumes", {"Volumes": [_volume("vol-1"), _volume("vol-2")], "NextToken": "a"}),
        ("describe_volumes", {"Volumes": [_volume("vol-3")]}),
    ], ebs.list_volumes)
    assert [r.resource_id for r in step.found] == ["vol-1", "vol-2", "vol-3"]


def test_describe_snapshots_follows_next_token():
    snap = {"SnapshotId": "snap-1", "VolumeId": "vol-1", "VolumeSize": 4, "Encrypted": False}
    step = _run("ec2", [
        ("describe_snapshots", {"Snapshots": [snap], "NextToken": "a"}),
        ("describe_snapshots", {"Snapshots": [{**snap, "SnapshotId": "snap-2"}]}),
    ], ebs.list_snapshots)
    assert [r.resource_id for r in step.found] == ["snap-1", "snap-2"]


def test_list_keys_follows_next_marker():
    arn = "arn:aws:kms:us-east-1:111122223333:key/"
    step = _run("kms", [
        ("list_keys", {"Keys": [{"KeyId": "a", "KeyArn": arn + "a"}], "Truncated": True,
                       "NextMarker": "m"}),
        ("list_keys", {"Keys": [{"KeyId": "b", "KeyArn": arn + "b"}], "Truncated": False}),
    ], kms.list_keys)
    assert len(step.more) == 2  # one DescribeKey task per key, from both pages


def test_list_aliases_follows_next_marker():
    step = _run("kms", [
        ("list_aliases", {"Aliases": [{"AliasName": "alias/a", "TargetKeyId": "a"}],
                          "Truncated": True, "NextMarker": "m"}),
        ("list_aliases", {"Aliases": [{"AliasName": "alias/b", "TargetKeyId": "b"}],
                          "Truncated": False}),
    ], kms.list_aliases)
    assert [a.name for a in step.found] == ["alias/a", "alias/b"]


def test_list_tables_follows_last_evaluated_table_name():
    step = _run("dynamodb", [
        ("list_tables", {"TableNames": ["aaa", "bbb"], "LastEvaluatedTableName": "bbb"}),
        ("list_tables", {"TableNames": ["ccc"]}),
    ], dynamodb.list_tables)
    assert len(step.more) == 3


def test_list_buckets_follows_continuation_token():
    step = _run("s3", [
        ("list_buckets", {"Buckets": [{"Name": "a"}], "ContinuationToken": "t"}),
        ("list_buckets", {"Buckets": [{"Name": "b"}]}),
    ], s3.list_buckets)
    assert len(step.more) == 2


def test_describe_db_instances_follows_marker():
    def instance(name):
        return {"DBInstanceIdentifier": name, "DBInstanceArn": f"arn:aws:rds:::db:{name}",
                "StorageEncrypted": False, "AllocatedStorage": 5, "Engine": "mysql"}

    listing = rds.LISTINGS[0]
    step = _run("rds", [
        ("describe_db_instances", {"DBInstances": [instance("a")], "Marker": "m"}),
        ("describe_db_instances", {"DBInstances": [instance("b")]}),
    ], rds._lister(listing))
    assert [r.resource_id for r in step.found] == ["a", "b"]


def test_get_resources_follows_pagination_token():
    step = _run("resourcegroupstaggingapi", [
        ("get_resources", {"ResourceTagMappingList": [
            {"ResourceARN": "arn:aws:s3:::a", "Tags": [{"Key": "k", "Value": "1"}]}],
            "PaginationToken": "p"}),
        ("get_resources", {"ResourceTagMappingList": [
            {"ResourceARN": "arn:aws:s3:::b", "Tags": [{"Key": "k", "Value": "2"}]}],
            "PaginationToken": ""}),
    ], tags.read_tags)
    assert [(t.arn, t.tags) for t in step.found] == [("arn:aws:s3:::a", {"k": "1"}),
                                                     ("arn:aws:s3:::b", {"k": "2"})]
