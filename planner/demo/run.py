"""The whole job with no AWS account: emulator, seed, real scanner over HTTP, plan, report."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import boto3

from planner.demo.bill import demo_reconciliation
from planner.demo.estate import REGIONS, ROLE_NAME, seed_demo_estate
from planner.emulator import emulator_environment, local_aws
from planner.files import atomic_open
from planner.inventory import save_inventory
from planner.plan import Plan, PlanSettings, build_plan
from planner.report.summary import summary, write_json
from planner.report.workbook import write_workbook
from planner.scan import run_scan
from planner.usage import load_usage
from pricing import load_price_book

# The demo's organization shares one free tier under consolidated billing.
DEMO_SETTINGS = PlanSettings(billing_scope="organization")


@dataclass
class DemoResult:
    plan: Plan
    summary: dict
    workbook: Path
    inventory: Path
    summary_json: Path
    usage: Path
    cur: Path | None = None  # the demo's bill (CUR 2.0), reconciled on its own sheet
    reconciliation: object = None

    @property
    def replan_command(self) -> str:
        """The `kmsplan plan` command that gives the same figures from the saved files."""
        return (f"kmsplan plan {self.inventory} --usage {self.usage} "
                f"--billing-scope {DEMO_SETTINGS.billing_scope}")


def demo_outputs(out: Path) -> tuple[Path, Path, Path, Path]:
    """The workbook, and beside it the inventory, usage file and JSON summary."""
    return (out, out.with_name(f"{out.stem}-inventory.json"),
            out.with_name(f"{out.stem}-usage.yaml"), out.with_name(f"{out.stem}-summary.json"))


def run_demo(out: Path, progress=None) -> DemoResult:
    """Serve, seed, scan, plan and write. Nothing is left running afterwards."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with emulator_environment(), local_aws() as endpoint:
        accounts = seed_demo_estate(endpoint)
        outcome = run_scan(boto3.Session(region_name=REGIONS[0]), regions=list(REGIONS),
                           accounts=accounts, role_name=ROLE_NAME, endpoint_url=endpoint,
                           progress=progress)
    inventory = outcome.inventory
    _, inventory_path, usage_path, summary_path = demo_outputs(out)
    save_inventory(inventory, inventory_path)
    # The usage file goes beside the inventory, so the user can edit it and plan again.
    text = (resources.files("planner") / "data" / "demo-usage.yaml").read_text("utf-8")
    with atomic_open(usage_path, "w", encoding="utf-8") as handle:
        handle.write(text)
    plan = build_plan(inventory, DEMO_SETTINGS, load_usage(usage_path), load_price_book())
    cur, reconciliation = demo_reconciliation(plan, out)
    write_workbook(plan, out, reconciliation=reconciliation)
    document = summary(plan)
    write_json(document, summary_path)
    return DemoResult(plan, document, out, inventory_path, summary_path, usage_path, cur,
                      reconciliation)
