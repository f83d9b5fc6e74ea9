"""Scan AWS accounts read-only (20 data-store services and KMS; see --services) and write the
inventory."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from planner.cli import interrupts
from planner.cli.common import endpoint_url as endpoint_url_option
from planner.cli.common import err, fail, out, prepare_outputs, say
from planner.cli.regions import parse_region_list
from planner.errors import InputError

if TYPE_CHECKING:
    from planner.inventory import Inventory

# planner.scan.scanner.DEFAULT_WORKERS, not imported here: it would import boto3 for --help.
DEFAULT_WORKERS = 16
# planner.scan.sessions.CONNECT_TIMEOUT and READ_TIMEOUT, for the same reason.
CONNECT_TIMEOUT, READ_TIMEOUT = 10, 60
# planner.scan.registry.choosable(), for the same reason (a test keeps the two equal).
SERVICE_NAMES = ("s3", "ebs", "rds", "dynamodb", "efs", "fsx", "docdb", "neptune", "redshift",
                 "elasticache", "memorydb", "opensearch", "backup", "sqs", "sns", "kinesis",
                 "secretsmanager", "logs", "ecr", "lambda")


def parse_regions(text: str | None) -> list[str] | None:
    """Names checked against botocore's partition data; 'all' is the account's enabled
    regions (found by the scan)."""
    if text is None:
        return None
    return parse_region_list(text, "--regions", allow_all=True)


def parse_services(text: str | None) -> list[str] | None:
    """--services as names, checked against the registry before anything is read or written."""
    if text is None:
        return None
    from planner.scan.registry import chosen

    names = list(dict.fromkeys(name.strip() for name in text.split(",") if name.strip()))
    chosen(names)  # InputError (exit 2) with the list of names
    return names


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


NOT_IN_AN_ORGANIZATION = "AWSOrganizationsNotInUseException"


def print_no_organization(inventory: Inventory) -> None:
    """--org where the caller's account belongs to no organization: say so in words."""
    for error in inventory.errors:
        if (error.service, error.operation) == ("organizations", "ListAccounts"):
            if error.code == NOT_IN_AN_ORGANIZATION:
                say(err, f"note: --org: account {error.account} is not in an AWS Organization "
                         f"({error.code}); scanned the caller's account (and --accounts) only")
            else:
                say(err, f"note: --org: could not list the organization's accounts "
                         f"({error.code}); scanned the caller's account (and --accounts) only")


def scan(
    out_path: Annotated[Path, typer.Option(
        "--out", metavar="INVENTORY.json", help="Inventory JSON to write ('-': stdout).")],
    profile: Annotated[
        str | None, typer.Option("--profile", help="AWS profile (default: the standard chain).")
    ] = None,
    regions: Annotated[
        str | None,
        typer.Option("--regions", metavar="REGION,...|all",
                     help="Regions, comma-separated, or 'all' (the enabled ones). "
                     "Default: the profile's region."),
    ] = None,
    accounts: Annotated[
        Path | None, typer.Option("--accounts", metavar="FILE",
                                  help="File of account ids to scan, one a line.")
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
    services: Annotated[
        str | None,
        typer.Option("--services", help="Services to scan, comma-separated (default: all): "
                     f"{','.join(SERVICE_NAMES)}. KMS keys are always read."),
    ] = None,
    connect_timeout: Annotated[float, typer.Option(
        "--connect-timeout", help="Seconds to open a connection, per attempt of each call.")
    ] = CONNECT_TIMEOUT,
    read_timeout: Annotated[float, typer.Option(
        "--read-timeout", help="Seconds to wait for an answer, per attempt of each call; a "
        "region silent past its retries is given up (unknown).")] = READ_TIMEOUT,
) -> None:
    import boto3
    from botocore.exceptions import BotoCoreError

    from planner.cli.progress import progress_bar
    from planner.inventory import save_inventory
    from planner.scan import run_scan
    from planner.scan.sessions import read_accounts_file

    region_list = parse_regions(regions)
    service_list = parse_services(services)
    prepare_outputs({"--out": out_path}, inputs=(accounts,))
    account_list = read_accounts_file(accounts) if accounts else None
    try:
        session = boto3.Session(profile_name=profile)
    except BotoCoreError as exc:  # ProfileNotFound: a name the user can fix
        raise InputError(f"--profile: {exc}") from None
    from planner.scan.runner import ScanInterrupted

    try:
        with progress_bar("Scanning", quiet, waiting="listing") as report:
            outcome = run_scan(session, regions=region_list, accounts=account_list, org=org,
                               role_name=role_name, endpoint_url=endpoint_url, workers=workers,
                               progress=report, services=service_list,
                               connect_timeout=connect_timeout, read_timeout=read_timeout)
    except ScanInterrupted as exc:  # say what was dropped before typer hides it
        interrupts.stop(exc)
    inventory = outcome.inventory
    if outcome.nothing_read:
        # An inventory of nothing would plan as a clean $0 budget: write none (and leave an
        # earlier file at that path as it was).
        fail(f"nothing could be read ({named_errors(inventory)}); no inventory written", 1)
    save_inventory(inventory, out_path)
    if not quiet:
        say(out, f"{len(inventory.resources)} resources and {len(inventory.keys)} keys in "
                 f"{len(inventory.accounts)} account(s), {len(inventory.regions)} region(s): "
                 f"{out_path}")
    print_unreadable(inventory)
    if org:
        print_no_organization(inventory)


def named_errors(inventory: Inventory, shown: int = 3) -> str:
    """'sts GetCallerIdentity: ExpiredToken, ...': the errors a message points to, by name."""
    calls = list(dict.fromkeys(f"{e.service} {e.operation}: {e.code}" for e in inventory.errors))
    more = f" and {len(calls) - shown} more" if len(calls) > shown else ""
    return ", ".join(calls[:shown]) + more if calls else "no call was answered"
