"""Re-plan a saved inventory under other assumptions, side by side. No re-scan."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from planner.cli.common import out, prepare_outputs, say, show, usd
from planner.cli.plan import make_settings, print_warnings
from planner.errors import InputError

DEFAULT_OUT = Path("reports/whatif.xlsx")
MONEY_ROWS = (("Monthly now (month 1)", "monthly_now"),
              ("Monthly after (month 1)", "monthly_after"),
              ("Monthly after (steady, month 36)", "monthly_after_steady"),
              ("One-time", "one_time"), ("Year 1: do nothing", "baseline_1y"),
              ("Year 1: the plan", "year_1"), ("Year 1: difference", "delta_1y"),
              ("3 years: do nothing", "baseline_3y"), ("3 years: the plan", "year_3"),
              ("3 years: difference", "delta_3y"))


def whatif(
    inventory: Annotated[Path, typer.Argument(
        metavar="INVENTORY.json", help="Inventory file written by kmsplan scan.")],
    scenarios: Annotated[Path | None, typer.Option(help="Scenarios file (YAML).")] = None,
    vary: Annotated[list[str] | None, typer.Option(
        metavar="NAME=V1,V2",
        help="Sweep one setting: NAME=V1,V2 (target, key-strategy, rotation, bucket-keys, "
             "billing-scope, reencrypt-objects, retire-idle-keys).")] = None,
    target: Annotated[str | None, typer.Option(help="Base target.")] = None,
    key_strategy: Annotated[str, typer.Option(help="Base key strategy.")] = "account-region",
    policy: Annotated[Path | None, typer.Option(help="Base policy file.")] = None,
    usage: Annotated[Path | None, typer.Option(help="Base usage file.")] = None,
    prices: Annotated[Path | None, typer.Option(help="Base price book.")] = None,
    inputs: Annotated[Path | None, typer.Option(
        metavar="WORKBOOK", help="A kmsplan plan workbook whose edited input cells make the "
                                 "base.")] = None,
    billing_scope: Annotated[str, typer.Option(
        help="Base billing scope: auto, account or organization.")] = "auto",
    out_path: Annotated[Path, typer.Option(
        "--out", metavar="WORKBOOK", help="Workbook to write ('-': stdout, not a terminal).")
    ] = DEFAULT_OUT,
    json_path: Annotated[Path | None, typer.Option(
        "--json", metavar="[PATH|-]",
        help="JSON to write; '-' or no value: stdout (the table goes to stderr).")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", help="No progress.")] = False,
) -> None:
    from rich.table import Table

    from planner.cli.progress import status
    from planner.inventory import load_inventory
    from planner.plan import build_plan
    from planner.report.summary import summary, write_json
    from planner.report.workbook import write_scenarios_workbook
    from planner.usage import load_usage
    from planner.whatif import (
        ScenarioResult,
        comparison_row,
        describe_changes,
        load_scenarios,
        scenario_runs,
        vary_scenarios,
    )
    from planner.workbook_inputs import apply_workbook_inputs
    from pricing import load_price_book

    chosen = load_scenarios(scenarios) if scenarios else []
    for spec in vary or []:
        chosen += vary_scenarios(spec)
    if not chosen:
        raise InputError("whatif: give --scenarios FILE or --vary NAME=V1,V2")
    if out_path == DEFAULT_OUT:
        DEFAULT_OUT.parent.mkdir(parents=True, exist_ok=True)
    prepare_outputs({"--out": out_path, "--json": json_path},
                    inputs=(inventory, scenarios, policy, usage, prices, inputs),
                    binary=("--out",))
    base = make_settings(target, key_strategy, policy, True, True, True, billing_scope)
    base_usage, base_book = load_usage(usage), load_price_book(prices)
    if inputs is not None:
        base_usage, base_book = apply_workbook_inputs(inputs, base_usage, base_book)
    runs = scenario_runs(base, base_usage, base_book, chosen, str(scenarios or "--vary"))
    loaded = load_inventory(inventory)
    rows, documents, warnings = [], [], []
    scenario_of = {run[0].name: run[0] for run in runs}

    def plans():  # one at a time: the workbook writer lets each go before the next
        for scenario, settings, usage_, book in runs:
            yield scenario.name, build_plan(loaded, settings, usage_, book)

    def collect(name, plan) -> None:
        scenario = scenario_of[name]
        rows.append(comparison_row(ScenarioResult(scenario, plan)))
        documents.append({**summary(plan), "name": name,
                          "changes": describe_changes(scenario)})
        if not warnings:
            warnings.append(plan.warnings)

    with status("Planning each scenario and writing the workbook", quiet):
        write_scenarios_workbook(
            plans(), out_path, on_plan=collect,
            changes={name: describe_changes(s) for name, s in scenario_of.items()})
    print_warnings(warnings[0])
    if json_path:
        write_json({"schema": "kmsplan.whatif/1", "scenarios": documents}, json_path)
    # One column per scenario: the figures stay whole however many there are.
    table = Table(title="kmsplan whatif: one column per scenario")
    table.add_column("", no_wrap=True)
    for row in rows:
        table.add_column(row["name"], justify="right")
    for label, key in MONEY_ROWS:
        table.add_row(label, *(usd(row[key]) for row in rows))
    table.add_row("New keys", *(str(row["new_keys"]) for row in rows))
    table.add_row("What changed", *(row["changes"] for row in rows))
    show(table)
    say(out, f"Workbook: {out_path}")


