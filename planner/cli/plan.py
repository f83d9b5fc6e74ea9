"""Plan the move to a target policy and key strategy, priced now and after."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from planner.cli.common import err, out, prepare_outputs, say, show, usd
from planner.errors import InputError

if TYPE_CHECKING:
    from planner.plan import PlanSettings

DEFAULT_OUT = Path("reports/plan.xlsx")
BILLING_SCOPES = ("auto", "account", "organization")


def make_settings(target: str | None, key_strategy: str, policy: Path | None, rotation: bool,
                  bucket_keys: bool, reencrypt_objects: bool, billing_scope: str
                  ) -> PlanSettings:
    from planner.plan import PlanSettings
    from planner.plan.strategy import WHERE_NEEDED, check_strategy, check_target, load_policy

    policy_target, service_targets, ebs_default_key = (
        load_policy(policy) if policy else (None, {}, WHERE_NEEDED))
    if billing_scope not in BILLING_SCOPES:
        raise InputError(f"--billing-scope: use one of {', '.join(BILLING_SCOPES)}, "
                         f"not {billing_scope!r}")
    return PlanSettings(
        target=check_target(policy_target or "customer-managed" if target is None else target),
        service_targets=tuple(sorted(service_targets.items())),
        key_strategy=check_strategy(key_strategy), rotation=rotation, bucket_keys=bucket_keys,
        reencrypt_objects=reencrypt_objects, billing_scope=billing_scope,
        ebs_default_key=ebs_default_key,
    )


def print_warnings(warnings: list[str]) -> None:
    for warning in warnings[:20]:
        err.print(f"warning: {warning}")
    if len(warnings) > 20:
        err.print(f"warning: ... and {len(warnings) - 20} more")


HEADLINE_ROWS = (
    ("Monthly now (month 1)", "monthly_now_usd"),
    ("Monthly now (steady, month 36)", "monthly_now_steady_usd"),
    ("Monthly after (month 1)", "monthly_after_usd"),
    ("Monthly after (steady, month 36)", "monthly_after_steady_usd"),
    ("Year 1: do nothing", "baseline_1y_usd"),
    ("Year 1: the plan, with one-time", "year_1_usd"),
    ("Year 1: difference", "delta_1y_usd"),
    ("3 years: do nothing", "baseline_3y_usd"),
    ("3 years: the plan, with one-time", "year_3_usd"),
    ("3 years: difference", "delta_3y_usd"),
    ("One-time", "one_time_usd"),
)


def print_summary(document: dict) -> None:
    from rich.table import Table

    table = Table(title="kmsplan plan", show_header=False)
    table.add_column("what")
    table.add_column("value", justify="right")
    for label, key in HEADLINE_ROWS:
        table.add_row(label, usd(Decimal(document[key])))
    for part, amount in document["one_time_parts"].items():
        if Decimal(amount):
            table.add_row(f"  one-time: {part.replace('_', ' ')}", usd(Decimal(amount)))
    table.add_row("New keys", str(document["new_keys"]))
    table.add_row("Free tier applied (requests)", f"{document['free_tier_requests_applied']:,}")
    idle = document["savings"] or {"counted": False, "idle_keys": 0, "monthly_usd": "0"}
    table.add_row(f"Idle keys ({'retired in after' if idle['counted'] else 'kept: an option'})",
                  f"{idle['idle_keys']}: {usd(Decimal(idle['monthly_usd']))} a month")
    for action, count in document["actions"].items():
        table.add_row(f"Action: {action}", f"{count:,}")
    show(table)
    if document["at_risk"]:
        listed = ", ".join(document["at_risk"][:10])
        out.print("AT RISK", style="bold red", end="")
        say(out, f": {len(document['at_risk'])} resource(s) use a key that "
                 f"is disabled, pending deletion or deleted: {listed}")


def plan(
    inventory: Annotated[Path, typer.Argument(
        metavar="INVENTORY.json", help="Inventory file written by kmsplan scan.")],
    target: Annotated[str | None, typer.Option(
        help="customer-managed (default), aws-managed or encrypted.")] = None,
    key_strategy: Annotated[str, typer.Option(
        help="account-region, service, resource or tag:KEY.")] = "account-region",
    policy: Annotated[Path | None, typer.Option(
        help="Policy file: target, and per-service targets.")] = None,
    usage: Annotated[Path | None, typer.Option(help="Usage file (YAML).")] = None,
    prices: Annotated[Path | None, typer.Option(help="A price book of your own.")] = None,
    inputs: Annotated[Path | None, typer.Option(
        metavar="WORKBOOK", help="A kmsplan workbook whose edited input cells (prices, usage "
                                 "defaults, labour, ...) re-plan this inventory.")] = None,
    rotation: Annotated[bool, typer.Option(
        "--rotation/--no-rotation", help="New keys rotate yearly.")] = True,
    bucket_keys: Annotated[bool, typer.Option(
        "--bucket-keys/--no-bucket-keys", help="Remediated buckets get S3 bucket keys.")] = True,
    reencrypt_objects: Annotated[bool, typer.Option(
        "--reencrypt-objects/--no-reencrypt-objects",
        help="Price re-encrypting existing objects with S3 Batch Operations.")] = True,
    billing_scope: Annotated[str, typer.Option(
        help="Where the free tier applies: account, organization, or auto (organization "
             "when the scan listed its accounts from AWS Organizations, else account).")
    ] = "auto",
    retire_idle_keys: Annotated[bool, typer.Option(
        "--retire-idle-keys/--keep-idle-keys",
        help="Count retiring idle keys in 'after' (default: shown as an option only).")]
    = False,
    out_path: Annotated[Path, typer.Option(
        "--out", metavar="WORKBOOK", help="Workbook to write ('-': stdout, not a terminal).")
    ] = DEFAULT_OUT,
    json_path: Annotated[Path | None, typer.Option(
        "--json", metavar="[PATH|-]",
        help="JSON summary to write; '-' or no value: stdout (the table goes to stderr).")
    ] = None,
    csv_dir: Annotated[Path | None, typer.Option(
        "--csv", metavar="DIR", help="Folder for the CSV tables, replaced as a whole set.")
    ] = None,
    fail_on: Annotated[list[str] | None, typer.Option(
        "--fail-on", metavar="CONDITION",
        help="Exit 3 (after writing the reports) when met: at-risk, unknown, "
             "coverage-below=PCT. Repeat or comma-separate.")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", help="No progress.")] = False,
    cur: Annotated[str | None, typer.Option(
        help="A Cost and Usage Report (file, folder or s3://): adds a Reconciliation sheet.")]
    = None,
    month: Annotated[str | None, typer.Option(help="With --cur: the month, YYYY-MM.")] = None,
) -> None:
    from planner.cli.progress import status
    from planner.files import atomic_folder, check_csv_folder
    from planner.plan.gates import findings, parse_gates
    from planner.report.summary import summary, write_csv, write_json
    from planner.report.tables import TABLES
    from planner.report.workbook import write_workbook

    if month and not cur:
        raise InputError("plan: --month applies to --cur only")
    gates = parse_gates(fail_on)
    settings = make_settings(target, key_strategy, policy, rotation, bucket_keys,
                             reencrypt_objects, billing_scope)
    settings = replace(settings, retire_idle_keys=retire_idle_keys)
    if out_path == DEFAULT_OUT:
        DEFAULT_OUT.parent.mkdir(parents=True, exist_ok=True)
    prepare_outputs({"--out": out_path, "--json": json_path},
                    inputs=(inventory, usage, policy, prices, inputs), binary=("--out",))
    check_csv_folder(csv_dir, (f"{name}.csv" for name in TABLES))
    with status("Planning", quiet):
        result = run_plan(inventory, settings, usage, prices, inputs)
    with status("Writing the workbook", quiet):
        write_workbook(result, out_path,
                       reconciliation=_reconciliation(result, cur, month))
    document = summary(result)
    if json_path:
        write_json(document, json_path)
    if csv_dir:
        with atomic_folder(csv_dir) as folder:
            write_csv(result, folder)
    print_warnings(result.warnings)
    print_summary(document)
    say(out, f"Workbook: {out_path}")
    met = findings(result, gates)
    for line in met:
        say(err, f"fail-on {line}")
    if met:
        raise typer.Exit(3)


def run_plan(inventory: Path, settings, usage: Path | None, prices: Path | None,
             inputs: Path | None = None):
    from planner.inventory import load_inventory
    from planner.plan import build_plan
    from planner.usage import load_usage
    from planner.workbook_inputs import apply_workbook_inputs
    from pricing import load_price_book

    book = load_price_book(prices)
    usage_model = load_usage(usage)
    if inputs is not None:
        usage_model, book = apply_workbook_inputs(inputs, usage_model, book)
    return build_plan(load_inventory(inventory), settings, usage_model, book)


def _reconciliation(result, cur: str | None, month: str | None):
    """`plan --cur`: the bill beside the plan, for the workbook's Reconciliation sheet."""
    if cur is None:
        return None
    import boto3

    from planner.reconcile import ReconcileRequest, run_reconcile

    reconciliation = run_reconcile(result, ReconcileRequest(cur=cur, month=month),
                                   lambda service, **kw: boto3.client(service, **kw))
    say(out, reconciliation.headline())
    return reconciliation

