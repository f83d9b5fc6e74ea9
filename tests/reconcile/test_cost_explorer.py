"""Cost Explorer through the local emulator: moto serves GetCostAndUsage from results queued
on /moto-api/static/ce/cost-and-usage-results, one per distinct request, in order."""

from __future__ import annotations

import json
import urllib.request

import boto3
import pytest

from planner.cli import main
from planner.inventory import save_inventory
from planner.reconcile.compare import reconcile
from planner.reconcile.costexplorer import cost_explorer_bill, month_period
from planner.reconcile.document import reconcile_document
from tests.plan.helpers import plan_for, write_usage
from tests.reconcile import scenario

ACCOUNT, OTHER = "111111111111", "222222222222"


def group(keys, quantity, cost):
    return {"Keys": keys, "Metrics": {"UnblendedCost": {"Amount": cost, "Unit": "USD"},
                                      "UsageQuantity": {"Amount": quantity, "Unit": "N/A"}}}


def month_result(groups):
    return {"ResultsByTime": [{"TimePeriod": {"Start": "2026-10-01", "End": "2026-11-01"},
                               "Total": {}, "Groups": groups, "Estimated": False}],
            "DimensionValueAttributes": []}


USAGE = month_result([
    group([ACCOUNT, "us-east-1-KMS-Keys"], "2", "2"),
    group([ACCOUNT, "us-east-1-KMS-Requests"], "1020000", "3"),
    group([ACCOUNT, "us-east-1-KMS-Requests-Asymmetric"], "20000", "0.3"),
    group([OTHER, "eu-west-1-KMS-Keys"], "1", "1"),
])
RECORD_TYPES = month_result([
    group(["Usage"], "1040003", "6.3"), group(["Credit"], "0", "-2"),
    group(["Tax"], "0", "0.5"), group(["Enterprise Discount Program Discount"], "0", "-0.25"),
])


@pytest.fixture
def ce(fresh_aws):
    body = json.dumps({"results": [USAGE, RECORD_TYPES]}).encode()
    request = urllib.request.Request(f"{fresh_aws}/moto-api/static/ce/cost-and-usage-results",
                                     data=body, method="POST")
    urllib.request.urlopen(request).close()
    client = boto3.client("ce", region_name="us-east-1", endpoint_url=fresh_aws)
    sent = []
    client.meta.events.register("provide-client-params.ce.GetCostAndUsage",
                                lambda params, **_: sent.append(params))
    return client, sent, fresh_aws


def test_cost_explorer_per_account_and_usage_type(ce, tmp_path):
    client, sent, _ = ce
    said = []
    plan = plan_for(scenario.inventory(), write_usage(tmp_path, scenario.USAGE))
    bill = cost_explorer_bill(client, "2026-10", plan.book, said.append)
    document = reconcile_document(reconcile(plan, bill, "2026-10", free_tier_apart=False))
    assert sent[0]["TimePeriod"] == {"Start": "2026-10-01", "End": "2026-11-01"}
    assert sent[0]["Granularity"] == "MONTHLY"
    assert [g["Key"] for g in sent[0]["GroupBy"]] == ["LINKED_ACCOUNT", "USAGE_TYPE"]
    assert sent[0]["Filter"]["And"][0] == {"Dimensions": {
        "Key": "SERVICE", "Values": ["AWS Key Management Service"]}}
    assert any("costs $0.01" in text for text in said)
    # Billed 2 + 3 + 0.30 + 1 = $6.30; the plan $5.15 explains keys 2 + requests 3 +
    # asymmetric 0.15 = $5.15, 5.15 / 6.30 = 0.81746 -> 0.8175. The rest: the other account's
    # key in an unscanned region $1.00, asymmetric requests under-estimated $0.15.
    assert (document["billed_usd"], document["planned_now_usd"]) == ("6.3", "5.15")
    assert document["explained_share"] == "0.8175"
    assert document["unexplained_usd"]["unscanned"] == "1"
    assert document["unexplained_usd"]["under"] == "0.15"
    assert document["discounts_usd"] == "-0.25"
    assert document["excluded"] == {"Credit": {"lines": 1, "usd": "-2"},
                                    "Tax": {"lines": 1, "usd": "0.5"}}
    lines = {(r["account"], r["region"], r["charge"]): r for r in document["lines"]}
    # No key ARNs in Cost Explorer: K1 and K2 are one planned line of 2 key-months.
    assert lines[(ACCOUNT, "us-east-1", "key_month")]["key_arn"] is None
    assert lines[(ACCOUNT, "us-east-1", "key_month")]["planned_usd"] == "2"
    # Free requests are inside the request line: planned 1,020,000, not 1,000,000.
    assert lines[(ACCOUNT, "us-east-1", "requests_symmetric")]["planned_quantity"] == "1020000"
    assert lines[(OTHER, "eu-west-1", "key_month")]["note"] == "region not scanned"


def test_the_default_month_is_the_last_whole_one():
    import datetime as dt

    assert month_period(None, dt.date(2026, 12, 4)) == ("2026-11", "2026-11-01", "2026-12-01")
    assert month_period("2026-12") == ("2026-12", "2026-12-01", "2027-01-01")


def test_reconcile_cost_explorer_from_the_command_line(ce, tmp_path, capsys):
    _, _, endpoint = ce
    inventory = tmp_path / "inventory.json"
    save_inventory(scenario.inventory(), inventory)
    with pytest.raises(SystemExit) as exited:
        main(["reconcile", str(inventory), "--cost-explorer", "--month", "2026-10",
              "--usage", str(write_usage(tmp_path, scenario.USAGE)),
              "--endpoint-url", endpoint, "--json", "-"])
    assert exited.value.code == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["explained_share"] == "0.8175"
    assert "each GetCostAndUsage request costs $0.01" in captured.err


def test_every_page_is_read(fresh_aws, tmp_path):
    # GetCostAndUsage has no paginator: the reader follows NextPageToken itself. Moto hands
    # out one queued result per distinct request, and the token makes the second distinct.
    first = month_result(USAGE["ResultsByTime"][0]["Groups"][:2])
    first["NextPageToken"] = "page-2"
    second = month_result(USAGE["ResultsByTime"][0]["Groups"][2:])
    body = json.dumps({"results": [first, second, RECORD_TYPES]}).encode()
    urllib.request.urlopen(urllib.request.Request(
        f"{fresh_aws}/moto-api/static/ce/cost-and-usage-results", data=body,
        method="POST")).close()
    client = boto3.client("ce", region_name="us-east-1", endpoint_url=fresh_aws)
    said = []
    plan = plan_for(scenario.inventory(), write_usage(tmp_path, scenario.USAGE))
    bill = cost_explorer_bill(client, "2026-10", plan.book, said.append)
    document = reconcile_document(reconcile(plan, bill, "2026-10", free_tier_apart=False))
    assert document["billed_usd"] == "6.3"  # both pages: 2 + 3 + 0.30 + 1
    assert said[-1] == "Cost Explorer: 3 requests made ($0.03)"
