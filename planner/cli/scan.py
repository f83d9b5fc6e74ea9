"""Scan AWS accounts read-only (S3, EBS, RDS/Aurora, DynamoDB, KMS) and write the inventory."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Annotated

import boto3
import typer
from botocore.exceptions import BotoCoreError

from planner.cli import interrupts
from planner.cli.common import endpoint_url as endpoint_url_option
from planner.cli.common import err, fail, out
from planner.cli.progress import progress_bar
from planner.errors import InputError
from planner.inventory import Inventory, save_inventory
from planner.scan import run_scan
from planner.scan.runner import ScanInterrupted
from planner.scan.scanner import DEFAULT_WORKERS
from planner.scan.sessions import CONNECT_TIMEOUT, READ_TIMEOUT, read_accounts_file

REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d+$")


def parse_regions(text: str | None) -> list[str] | None:
    if text is None:
        return None
    names = [name.strip() for name in text.split(",") if name.strip()]
    if names == ["all"]:
        return names
    for name in names:
        if not REGION.match(name):
            raise InputError(f"--regions: {name!r} is not a region name (or use 'all')")
    if not names:
        raise InputError("--regions: give region names separated by commas, or 'all'")
    return list(dict.fromkeys(names))


def print_unreadable(inventory: Inventory) -> None:
    """What the scan could not read: failed calls and resources left unknown, on stderr."""
    unknown = Counter(r.error.split(":")[0] for r in inventory.resources
                      if r.encryption == "unknown" and r.error)
    if not inventory.errors and not unknown:
        return
    counts = Counter((e.account, e.region, e.service, e.operation, e.code)
                     for e in inventory.errors)
    err.print(f"Could not read ({len(inventory.errors)} failed calls, "
              f"{sum(unknown.values())} resources left 'unknown'):")
    for (account, region, service, operation, code), count in sorted(counts.items()):
        err.print(f"  {account} {region} {service} {operation}: {code} x{count}")
    for code, count in sorted(unknown.items()):
        err.print(f"  resources unknown with {code}: {count}")


def scan(
    out_path: Annotated[Path, typer.Option("--out", help="Inventory JSON to write.")],
    profile: Annotated[
        str | None, typer.Option("--profile", help="AWS profile (default: the standard chain).")
    ] = None,
    regions: Annotated[
        str | None,
        typer.Option("--regions", help="Regions, comma-separated, or 'all' (the enabled ones). "
                     "Default: the profile's region."),
    ] = None,
    accounts: Annotated[
        Path | None, typer.Option("--accounts", help="File of account ids to scan, one a line.")
    ] = None,
    org: Annotated[
        bool, typer.Option("--org", help="Scan every active account of the AWS Organization.")
    ] = False,
    role_name: Annotated[
        str | None,
        typer.Option("--role-name", help="Role assumed in each account other than the caller's."),
    ] = None,
    endpoint_url: Annotated[
        str | None,
        typer.Option("--endpoint-url", envvar="AWS_ENDPOINT_URL", callback=endpoint_url_option,
                     help="Send every call to this endpoint (a local AWS emulator)."),
    ] = None,
    workers: Annotated[
        int, typer.Option("--workers", min=1, max=256, help="Calls in flight at once.")
    ] = DEFAULT_WORKERS,
    quiet: Annotated[bool, typer.Option("--quiet", help="No progress bar.")] = False,
    connect_timeout: Annotated[float, typer.Option(
        "--connect-timeout", help="Seconds to open a connection, per attempt of each call.")
    ] = CONNECT_TIMEOUT,
    read_timeout: Annotated[float, typer.Option(
        "--read-timeout", help="Seconds to wait for an answer, per attempt of each call; a "
        "region silent past its retries is given up (unknown).")] = READ_TIMEOUT,
) -> None:
    region_list = parse_regions(regions)
    account_list = read_accounts_file(accounts) if accounts else None
    try:
        session = boto3.Session(profile_name=profile)
    except BotoCoreError as exc:  # ProfileNotFound: a name the user can fix
        raise InputError(f"--profile: {exc}") from None
    try:
        with progress_bar("Scanning", quiet) as report:
            outcome = run_scan(session, regions=region_list, accounts=account_list, org=org,
                               role_name=role_name, endpoint_url=endpoint_url, workers=workers,
                               progress=report, connect_timeout=connect_timeout,
                               read_timeout=read_timeout)
    except ScanInterrupted as exc:  # say what was dropped before typer hides it
        interrupts.stop(exc)
    inventory = outcome.inventory
    save_inventory(inventory, out_path)
    if not quiet:
        out.print(f"{len(inventory.resources)} resources and {len(inventory.keys)} keys in "
                  f"{len(inventory.accounts)} account(s), {len(inventory.regions)} region(s): "
                  f"{out_path}")
    print_unreadable(inventory)
    if outcome.nothing_read:
        fail("nothing could be read; see the errors in the inventory", 1)
