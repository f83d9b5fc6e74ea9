"""`kmsplan scan --services`: only the chosen services are called (KMS and tags always),
the names are in --help, and an unknown name is one clear error with exit status 2."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from planner.cli import app, main
from planner.inventory import SERVICES
from planner.scan.registry import choosable
from tests.scan.conftest import HOME, CallLog

ALL = ("s3,ebs,rds,dynamodb,efs,fsx,docdb,neptune,redshift,elasticache,memorydb,opensearch,"
       "backup,sqs,sns,kinesis,secretsmanager,logs,ecr,lambda")


def test_only_the_chosen_services_are_called(aws_client, scan_estate):
    aws_client("s3").create_bucket(Bucket="chosen")
    aws_client("sqs").create_queue(QueueName="chosen-queue")
    aws_client("sns").create_topic(Name="not-chosen")
    log = CallLog()
    outcome = scan_estate(services=["s3", "sqs"], client_hook=log)
    assert sorted(r.resource_id for r in outcome.inventory.resources) == [
        "chosen", "chosen-queue"]
    # s3 is also the client of bucket storage metrics (cloudwatch); sts sets the scan up.
    assert {service for service, _ in log.calls} == {
        "sts", "kms", "resourcegroupstaggingapi", "s3", "cloudwatch", "sqs"}


def test_the_cli_option_scans_the_chosen_services(aws_client, fresh_aws, tmp_path):
    aws_client("sqs").create_queue(QueueName="by-cli")
    aws_client("s3").create_bucket(Bucket="left-out")
    out = tmp_path / "inventory.json"
    result = CliRunner().invoke(app, ["scan", "--services", "sqs", "--regions", HOME,
                                      "--out", str(out)],
                                env={"AWS_ENDPOINT_URL": fresh_aws, "AWS_DEFAULT_REGION": HOME})
    assert result.exit_code == 0, result.output
    written = json.loads(out.read_text())
    assert [r["resource_id"] for r in written["resources"]] == ["by-cli"]
    # The inventory says what was read, so the plan knows what it did not see.
    assert written["services"] == ["kms", "tags", "sqs"]


def test_a_full_scan_records_every_service_the_registry_knows(scan_estate):
    names = ALL.split(",")  # registry order: tags sits between backup and sqs
    assert scan_estate().inventory.services == ["kms", *names[:13], "tags", *names[13:]]


def test_the_registry_and_the_inventory_know_the_same_services():
    # The plan judges "every service scanned" from planner.inventory.SERVICES, without
    # importing the scanner: the two lists must not drift apart.
    assert set(choosable()) == set(SERVICES)


def test_help_lists_the_services():
    result = CliRunner().invoke(app, ["scan", "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    # Rich may wrap the help inside a box: compare without spaces and box edges.
    assert ALL in "".join(ch for ch in result.output if not ch.isspace() and ch != "│")


@pytest.mark.parametrize("value, named", [("s3,sq", "unknown service 'sq'"),
                                          ("kms", "unknown service 'kms'"),
                                          (",", "name at least one service")])
def test_an_unknown_service_exits_2_with_the_list(capsys, tmp_path, value, named):
    out = tmp_path / "inventory.json"
    with pytest.raises(SystemExit) as stopped:
        main(["scan", "--services", value, "--out", str(out)])
    assert stopped.value.code == 2
    assert capsys.readouterr().err == f"kmsplan: error: --services: {named}; choose from {ALL}\n"
    assert not out.exists()
