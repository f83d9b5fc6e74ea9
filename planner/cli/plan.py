"""Plan the move to a target policy and key strategy, priced now and after."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from planner.cli.common import err, out, usd
from planner.errors import InputError
from planner.files import check_writable
from planner.inventory import load_inventory
from planner.plan import PlanSettings, build_plan
from planner.plan.strategy import check_strategy, check_target, load_policy
from planner.report.summary import summary, write_csv, write_json
from planner.report.workbook import write_workbook
from planner.usage import load_usage
from pricing import load_price_book

DEFAULT_OUT = Path("reports/plan.xlsx")
BILLING_SCOPES = ("account", "organization")


def make_settings(target: str | None, key_strategy: str, policy: Path | None, rotation: bool,
                  bucket_keys: bool, reencrypt_objects: bool, billing_scope: str
                  ) -> PlanSettings:
    policy_target, service_targets = load_policy(policy) if policy else (None, {})
    if billing_scope not in BILLING_SCOPES:
        raise InputError(f"--billing-scope: use one of {', '.join(BILLING_SCOPES)}, "
                         f"not {billing_scope!r}")
    return PlanSettings(
        target=check_target(policy_target or "customer-managed" if target is None else target),
        service_targets=tuple(sorted(service_targets.items())),
        key_strategy=check_strategy(key_strategy), rotation=rotation, bucket_keys=bucket_keys,
        reencrypt_objects=reencrypt_objects, billing_scope=billing_scope,
    )


def print_warnings(warnings: list[str]) -> None:
    for warning in warnings[:20]:
        err.print(f"warning: {warning}")
    if len(warnings) > 20:
        err.print(f"warning: ... and {len(warnings) - 20} more")


def print_summary(document: dict) -> None:
    table = Table(title="kmsplan plan", show_header=False)
    table.add_column("what")
    table.add_column("value", justify="right")
    for label, key in (("Monthly now", "monthly_now_usd"), ("Monthly after", "monthly_after_usd"),
                       ("One-time", "one_time_usd"), ("Year 1 (after, with one-time)",
                                                      "year_1_usd"),
                       ("3 years (after, with one-time)", "year_3_usd")):
        table.add_row(label, usd(Decimal(document[key])))
    table.add_row("New keys", str(document["new_keys"]))
    table.add_row("Free tier applied (requests)", f"{document['free_tier_requests_applied']:,}")
    for action, count in document["actions"].items():
        table.add_row(f"Action: {action}", f"{count:,}")
    out.print(table)
    if document["at_risk"]:
        listed = ", ".join(document["at_risk"][:10])
        out.print(Text.assemble(
            ("AT RISK", "bold red"), f": {len(document['at_risk'])} resource(s) use a key that "
            f"is disabled, pending deletion or deleted: {listed}"))


def plan(
    inventory: Annotated[Path, typer.Argument(help="Inventory file written by kmsplan scan.")],
    target: Annotated[str | None, typer.Option(
        help="customer-managed (default), aws-managed or encrypted.")] = None,
    key_strategy: Annotated[str, typer.Option(
        help="account-region, service, resource or tag:KEY.")] = "account-region",
    policy: Annotated[Path | None, typer.Option(
        help="Policy file: target, and per-service targets.")] = None,
    usage: Annotated[Path | None, typer.Option(help="Usage file (YAML).")] = None,
    prices: Annotated[Path | None, typer.Option(help="A price book of your own.")] = None,
    rotation: Annotated[bool, typer.Option(
        "--rotation/--no-rotation", help="New keys rotate yearly.")] = True,
    bucket_keys: Annotated[bool, typer.Option(
        "--bucket-keys/--no-bucket-keys", help="Remediated buckets get S3 bucket keys.")] = True,
    reencrypt_objects: Annotated[bool, typer.Option(
        "--reencrypt-objects/--no-reencrypt-objects",
        help="Price re-encrypting existing objects with S3 Batch Operations.")] = True,
    billing_scope: Annotated[str, typer.Option(
        help="Where the free tier applies: account or organization.")] = "account",
    out_path: Annotated[Path, typer.Option("--out", help="Workbook to write.")] = DEFAULT_OUT,
    json_path: Annotated[Path | None, typer.Option("--json", help="JSON summary to write.")]
    = None,
    csv_dir: Annotated[Path | None, typer.Option("--csv", help="Folder for CSV tables.")] = None,
) -> None:
    settings = make_settings(target, key_strategy, policy, rotation, bucket_keys,
                             reencrypt_objects, billing_scope)
    if out_path == DEFAULT_OUT:
        DEFAULT_OUT.parent.mkdir(parents=True, exist_ok=True)
    check_writable(out_path, json_path)
    book = load_price_book(prices)
    usage_model = load_usage(usage)
    result = build_plan(load_inventory(inventory), settings, usage_model, book)
    write_workbook(result, out_path)
    document = summary(result)
    if json_path:
        write_json(document, json_path)
    if csv_dir:
        write_csv(result, csv_dir)
    print_warnings(result.warnings)
    print_summary(document)
    out.print(f"Workbook: {out_path}")
