"""The same comparison from Athena (the emulator's queued query results) and from CUR objects
in S3 (the emulator's S3, read over HTTP)."""

from __future__ import annotations

import json
import urllib.request

import boto3
import pytest

from planner.errors import InputError
from planner.reconcile.athena import athena_bill, reconcile_query
from planner.reconcile.compare import reconcile
from planner.reconcile.document import reconcile_document
from planner.reconcile.reader import read_bill
from tests.plan.helpers import plan_for, write_usage
from tests.reconcile import cur, scenario


@pytest.fixture
def plan(tmp_path):
    return plan_for(scenario.inventory(), write_usage(tmp_path, scenario.USAGE))


def varchar(values):
    return {"Data": [{"VarCharValue": str(v)} for v in values]}


def test_athena_rows_give_the_hand_worked_comparison(fresh_aws, plan):
    header = ["month", "line_type", "account", "usage_type", "resource", "free", "quantity",
              "cost", "lines"]
    a = cur.ACCOUNT
    rows = [  # what the query groups the scenario's October lines into
        ["2026-10", "Usage", a, "us-east-1-KMS-Keys", scenario.K1.arn, "false",
         "0.999999990000", "0.999999990000", 730],
        ["2026-10", "Usage", a, "us-east-1-KMS-Keys", scenario.K2.arn, "false",
         "0.999999990000", "0.999999990000", 730],
        ["2026-10", "Usage", a, "us-east-1-KMS-Requests", scenario.K1.arn, "false", "1000000",
         "3.000000000000", 10],
        ["2026-10", "Usage", a, "us-east-1-KMS-Requests", "", "true", "20000", "0", 1],
        ["2026-10", "Usage", a, "us-east-1-KMS-Requests-Asymmetric", scenario.K2.arn, "false",
         "20000", "0.3", 2],
        ["2026-10", "Usage", a, "us-east-1-KMS-Requests-GenerateDatakeyPair-RSA",
         scenario.K1.arn, "false", "100", "0.12", 1],
        ["2026-10", "Usage", a, "eu-west-1-KMS-Keys", scenario.K3_ARN, "false", "0.99999999",
         "0.99999999", 730],
        ["2026-10", "Usage", a, "eu-west-1-KMS-Requests", scenario.K3_ARN, "false", "50000",
         "0.15", 1],
        ["2026-10", "Credit", a, "us-east-1-KMS-Requests", "", "false", "0", "-2", 1],
        ["2026-10", "Tax", a, "us-east-1-KMS-Requests", "", "false", "0", "0.5", 1],
        ["2026-10", "EdpDiscount", a, "us-east-1-KMS-Requests", "", "false", "0", "-0.25", 1],
    ]
    queued = {"account_id": "123456789012", "region": "us-east-1", "results": [
        {"rows": [varchar(header)] + [varchar(r) for r in rows], "column_info": []}]}
    request = urllib.request.Request(f"{fresh_aws}/moto-api/static/athena/query-results",
                                     data=json.dumps(queued).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    urllib.request.urlopen(request).close()
    athena = boto3.client("athena", region_name="us-east-1", endpoint_url=fresh_aws)
    sent = []
    athena.meta.events.register("provide-client-params.athena.StartQueryExecution",
                                lambda params, **_: sent.append(params))
    bill = athena_bill(athena, "cur.kms", "primary", "2026-10", plan.book, sleep=lambda s: None)
    document = reconcile_document(reconcile(plan, bill, "2026-10"))
    assert "line_item_product_code = 'awskms'" in sent[0]["QueryString"]
    assert sent[0]["QueryExecutionContext"] == {"Database": "cur"}
    assert (document["billed_usd"], document["planned_now_usd"], document["explained_share"]) \
        == ("6.56999997", "5.15", "0.7839")
    assert document["discounts_usd"] == "-0.25"
    assert set(document["excluded"]) == {"Credit", "Tax"}


def test_athena_names_are_checked_before_any_query():
    with pytest.raises(InputError, match="not DATABASE.TABLE"):
        reconcile_query("cur; DROP TABLE x", None)
    with pytest.raises(InputError, match="not YYYY-MM"):
        reconcile_query("cur.kms", "2026-10' OR '1'='1")


def test_cur_objects_in_s3_are_read_through_the_emulator(fresh_aws, plan, tmp_path):
    s3 = boto3.client("s3", region_name="us-east-1", endpoint_url=fresh_aws)
    s3.create_bucket(Bucket="billing")
    items = scenario.items()
    for index, part in enumerate((items[:900], items[900:])):
        path = cur.cur2_parquet(tmp_path / f"part-{index}.parquet", part)
        s3.upload_file(str(path), "billing", f"cur/kms/data/BILLING_PERIOD=2026-10/{path.name}")
    s3.put_object(Bucket="billing", Key="cur/kms/metadata/manifest.json", Body=b"{}")
    bill = read_bill("s3://billing/cur/kms/", plan.book, s3)
    assert reconcile_document(reconcile(plan, bill))["billed_usd"] == "6.56999997"
    with pytest.raises(InputError, match="no such bucket"):
        read_bill("s3://nobody-has-this/cur/", plan.book, s3)
