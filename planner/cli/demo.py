"""The whole job on a built-in demo estate: no AWS account, nothing left running."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from planner.cli.common import out, prepare_outputs, say
from planner.errors import InputError

DEFAULT_OUT = Path("reports/demo.xlsx")


def demo(
    out_path: Annotated[Path, typer.Option(
        "--out", metavar="WORKBOOK",
        help="Workbook to write; the inventory, usage file and summary go beside it.")
    ] = DEFAULT_OUT,
    quiet: Annotated[bool, typer.Option(help="No progress.")] = False,
) -> None:
    from planner.cli.plan import print_summary
    from planner.cli.progress import progress_bar
    from planner.cli.scan import print_unreadable
    from planner.demo.run import demo_outputs, run_demo
    from planner.files import is_stdout

    if is_stdout(out_path):
        raise InputError("--out -: the demo writes four files beside its workbook; name a file")
    if out_path == DEFAULT_OUT:
        DEFAULT_OUT.parent.mkdir(parents=True, exist_ok=True)
    # Every output is checked before the emulator starts: none is lost after the work.
    prepare_outputs(dict(zip(("--out", "inventory", "usage file", "summary"),
                             demo_outputs(out_path), strict=True)), binary=("--out",))
    say(out, "Starting a local AWS emulator and seeding the demo estate "
             "(2 accounts, 3 regions)...")
    with progress_bar("Demo", quiet, waiting="seeding the emulator") as progress:
        result = run_demo(out_path, progress)
    inventory = result.plan.inventory
    say(out, f"Scanned {len(inventory.resources)} resources and {len(inventory.keys)} keys "
             f"in {len(inventory.accounts)} accounts and {len(inventory.regions)} regions.")
    print_unreadable(inventory)
    print_summary(result.summary)
    if result.reconciliation is not None:
        say(out, f"Bill (CUR 2.0): {result.cur}: {result.reconciliation.headline()}")
    say(out, f"Workbook: {result.workbook}")
    say(out, f"Inventory: {result.inventory}  Summary: {result.summary_json}")
    say(out, f"Plan it again, or change the usage file and see: {result.replan_command}")
