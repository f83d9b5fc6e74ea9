"""Reconcile the plan's monthly "now" with the bill: a Cost and Usage Report (legacy, CUR 2.0
or FOCUS; a file, a folder or s3://bucket/prefix), Athena over it, or Cost Explorer."""

from __future__ import annotations

import json
import sys
from decimal import Decimal
from pathlib import Path
from typing import Annotated

import boto3
import typer
from botocore.exceptions import BotoCoreError, ClientError

from planner.cli.common import endpoint_url as endpoint_url_option
from planner.cli.common import err, fail, out, usd
from planner.cli.plan import BILLING_SCOPES, make_settings
from planner.files import atomic_open, check_writable
from planner.inventory import load_inventory
from planner.plan import build_plan
from planner.reconcile import ReconcileRequest, run_reconcile
from planner.reconcile.document import reconcile_document, write_reconcile_csv
from planner.report.workbook import write_workbook
from planner.usage import load_usage
from pricing import load_price_book


def reconcile(
    inventory: Annotated[Path, typer.Argument(help="Inventory file written by kmsplan scan.")],
    cur: Annotated[str | None, typer.Option(
        help="A CUR / Data Exports / FOCUS file, folder, or s3://bucket/prefix.")] = None,
    athena: Annotated[str | None, typer.Option(
        help="Aggregate in Athena over DATABASE.TABLE (a CUR table) instead.")] = None,
    workgroup: Annotated[str | None, typer.Option(help="The Athena workgroup.")] = None,
    cost_explorer: Annotated[bool, typer.Option(
        "--cost-explorer", help="Use Cost Explorer (no per-key detail; $0.01 a request).")]
    = False,
    month: Annotated[str | None, typer.Option(
        help="The billing month, YYYY-MM (default: the latest with KMS lines).")] = None,
    usage: Annotated[Path | None, typer.Option(help="Usage file (YAML).")] = None,
    prices: Annotated[Path | None, typer.Option(help="A price book of your own.")] = None,
    billing_scope: Annotated[str, typer.Option(
        help=f"Where the free tier applies: {' or '.join(BILLING_SCOPES)}.")] = "account",
    out_path: Annotated[Path | None, typer.Option(
        "--out", help="Workbook to write (the plan's sheets and Reconciliation).")] = None,
    json_path: Annotated[str | None, typer.Option(
        "--json", help="Write the kmsplan.reconcile/1 document to PATH, or stdout with -.")]
    = None,
    csv_dir: Annotated[Path | None, typer.Option(
        "--csv", help="Folder for reconciliation.csv.")] = None,
    profile: Annotated[str | None, typer.Option(help="The AWS profile to use.")] = None,
    region: Annotated[str | None, typer.Option(help="The region for S3 and Athena.")] = None,
    endpoint_url: Annotated[str | None, typer.Option(
        callback=endpoint_url_option, help="Send every AWS call to this endpoint.")] = None,
) -> None:
    request = ReconcileRequest(cur=cur, athena_table=athena, workgroup=workgroup,
                               cost_explorer=cost_explorer, month=month)
    check_writable(out_path, None if json_path in (None, "-") else json_path)
    settings = make_settings(None, "account-region", None, True, True, True, billing_scope)
    plan = build_plan(load_inventory(inventory), settings, load_usage(usage),
                      load_price_book(prices))
    session = None

    def client(service: str, region_name: str | None = None):
        nonlocal session
        session = session or boto3.Session(profile_name=profile,
                                           region_name=region or "us-east-1")
        return session.client(service, region_name=region_name, endpoint_url=endpoint_url)

    def say(text: str) -> None:
        err.print(text, markup=False, highlight=False, soft_wrap=True)

    try:
        result = run_reconcile(plan, request, client, say)
    except ClientError as exc:
        error = exc.response["Error"]
        fail(f"{exc.operation_name}: {error.get('Code')}: {error.get('Message', '')}", 1)
    except BotoCoreError as exc:
        fail(f"AWS: {exc}", 1)
    document = reconcile_document(result)
    for warning in result.warnings:
        say(f"warning: {warning}")
    if out_path:
        write_workbook(plan, out_path, reconciliation=result)
    if json_path == "-":
        sys.stdout.write(json.dumps(document, indent=2) + "\n")
    elif json_path:
        with atomic_open(json_path, "w", encoding="utf-8") as handle:
            json.dump(document, handle, indent=2)
            handle.write("\n")
    if csv_dir:
        write_reconcile_csv(result, csv_dir)
    if json_path == "-":
        return
    _print(document, out_path)


def _print(document: dict, out_path: Path | None) -> None:
    def say(text: str) -> None:
        out.print(text, markup=False, highlight=False, soft_wrap=True)

    say(f"{document['format']} {document['month']}: billed {usd(Decimal(document['billed_usd']))}"
        f" (at list; discounts {usd(Decimal(document['discounts_usd']))}), plan's monthly now "
        f"{usd(Decimal(document['planned_now_usd']))}, variance "
        f"{usd(Decimal(document['variance_usd']))}")
    say(document["headline"])
    for line_type, excluded in document["excluded"].items():
        say(f"left out: {excluded['lines']} {line_type} line(s), "
            f"{usd(Decimal(excluded['usd']))}")
    if out_path:
        say(f"Workbook: {out_path}")

