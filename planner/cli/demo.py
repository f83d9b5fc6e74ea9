"""The whole job on a built-in demo estate: no AWS account, nothing left running."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from planner.cli.common import out
from planner.cli.plan import print_summary
from planner.cli.progress import progress_bar
from planner.cli.scan import print_unreadable
from planner.demo.run import run_demo


def demo(
    out_path: Annotated[Path, typer.Option("--out", help="Workbook to write.")]
    = Path("reports/demo.xlsx"),
    quiet: Annotated[bool, typer.Option(help="No progress bar.")] = False,
) -> None:
    out.print("Starting a local AWS emulator and seeding the demo estate "
              "(2 accounts, 3 regions)...")
    with progress_bar("Scanning the demo estate", quiet) as progress:
        result = run_demo(out_path, progress)
    inventory = result.plan.inventory
    out.print(f"Scanned {len(inventory.resources)} resources and {len(inventory.keys)} keys "
              f"in {len(inventory.accounts)} accounts and {len(inventory.regions)} regions.")
    print_unreadable(inventory)
    print_summary(result.summary)
    if result.reconciliation is not None:
        out.print(f"Bill (CUR 2.0): {result.cur}: {result.reconciliation.headline()}",
                  markup=False, highlight=False)
    out.print(f"Workbook: {result.workbook}")
    out.print(f"Inventory: {result.inventory}  Summary: {result.summary_json}")
    out.print(f"Plan it again, or change the usage file and see: {result.replan_command}")
