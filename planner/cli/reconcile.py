"""Reconcile the plan's monthly "now" with the bill: a Cost and Usage Report (legacy, CUR 2.0
or FOCUS; a file, a folder or s3://bucket/prefix), Athena over it, or Cost Explorer."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Annotated

import typer

from planner.cli.common import aws_failure, err, fail, out, prepare_outputs, say, usd
from planner.cli.common import endpoint_url as endpoint_url_option
from planner.cli.plan import BILLING_SCOPES, make_settings
from planner.errors import InputError


def reconcile(
    inventory: Annotated[Path, typer.Argument(
        metavar="INVENTORY.json", help="Inventory file written by kmsplan scan.")],
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
        help=f"Where the free tier applies: {', '.join(BILLING_SCOPES)}.")] = "auto",
    out_path: Annotated[Path | None, typer.Option(
        "--out", metavar="WORKBOOK",
        help="Workbook to write (the plan's sheets and Reconciliation).")] = None,
    json_path: Annotated[Path | None, typer.Option(
        "--json", metavar="[PATH|-]",
        help="Write the kmsplan.reconcile/1 document; '-' or no value: stdout.")] = None,
    csv_dir: Annotated[Path | None, typer.Option(
        "--csv", metavar="DIR", help="Folder to write reconciliation.csv in.")] = None,
    profile: Annotated[str | None, typer.Option(help="The AWS profile to use.")] = None,
    region: Annotated[str | None, typer.Option(help="The region for S3 and Athena.")] = None,
    endpoint_url: Annotated[str | None, typer.Option(
        callback=endpoint_url_option, help="Send every AWS call to this endpoint.")] = None,
) -> None:
    import boto3

    from planner.files import is_stdout
    from planner.inventory import load_inventory
    from planner.plan import build_plan
    from planner.reconcile import ReconcileRequest, run_reconcile
    from planner.reconcile.document import CSV_NAME, reconcile_document, write_reconcile_csv
    from planner.report.summary import write_json
    from planner.report.workbook import write_workbook
    from planner.scan.common import CALL_ERRORS
    from planner.usage import load_usage
    from pricing import load_price_book

    request = ReconcileRequest(cur=cur, athena_table=athena, workgroup=workgroup,
                               cost_explorer=cost_explorer, month=month)
    local_cur = cur if cur and not cur.startswith("s3://") else None
    if csv_dir is not None and csv_dir.exists() and not csv_dir.is_dir():
        raise InputError(f"--csv: {csv_dir} is not a folder")
    # The file itself when the folder is there, else the new folder (its parent is checked).
    csv_path = csv_dir / CSV_NAME if csv_dir and csv_dir.is_dir() else csv_dir
    prepare_outputs({"--out": out_path, "--json": json_path, "--csv": csv_path},
                    inputs=(inventory, usage, prices, local_cur), binary=("--out",))
    settings = make_settings(None, "account-region", None, True, True, True, billing_scope)
    plan = build_plan(load_inventory(inventory), settings, load_usage(usage),
                      load_price_book(prices))
    session = None

    def client(service: str, region_name: str | None = None):
        nonlocal session
        session = session or boto3.Session(profile_name=profile,
                                           region_name=region or "us-east-1")
        return session.client(service, region_name=region_name, endpoint_url=endpoint_url)

    try:
        result = run_reconcile(plan, request, client, lambda text: say(err, text))
    except CALL_ERRORS as exc:  # an HTML or XML error page is reduced to its HTTP status
        fail(aws_failure(exc), 1)
    document = reconcile_document(result)
    for warning in result.warnings:
        say(err, f"warning: {warning}")
    if out_path:
        write_workbook(plan, out_path, reconciliation=result)
    if json_path:
        write_json(document, json_path)
    if csv_dir:
        write_reconcile_csv(result, csv_dir)
    if is_stdout(json_path):
        return
    _print(document, out_path)


def _print(document: dict, out_path: Path | None) -> None:
    def said(text: str) -> None:
        say(out, text)

    said(f"{document['format']} {document['month']}: billed "
         f"{usd(Decimal(document['billed_usd']))} (at list; discounts "
         f"{usd(Decimal(document['discounts_usd']))}), plan's monthly now "
         f"{usd(Decimal(document['planned_now_usd']))}, variance "
         f"{usd(Decimal(document['variance_usd']))}")
    said(document["headline"])
    for line_type, excluded in document["excluded"].items():
        said(f"left out: {excluded['lines']} {line_type} line(s), "
             f"{usd(Decimal(excluded['usd']))}")
    if out_path:
        said(f"Workbook: {out_path}")

