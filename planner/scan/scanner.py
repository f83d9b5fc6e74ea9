"""The scan as one library call: sessions and scope in, an Inventory out.

    from planner.scan import scan
    inventory = scan(boto3.Session(), regions=["us-east-1", "eu-west-1"],
                     accounts=["111111111111", "222222222222"], role_name="Audit",
                     endpoint_url="http://127.0.0.1:5000")
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime

import boto3

from planner import __version__
from planner.errors import InputError
from planner.inventory import ORGANIZATIONS, Inventory, ScanError
from planner.scan import sessions
from planner.scan.assemble import assemble
from planner.scan.common import CALL_ERRORS, Scope, Task, error_code
from planner.scan.registry import chosen
from planner.scan.runner import Progress, ScanInterrupted, run_tasks

DEFAULT_WORKERS = 16
DEFAULT_MAX_ATTEMPTS = 8
MAX_TIMEOUT = 900


@dataclass
class ScanOutcome:
    inventory: Inventory
    tasks_ok: int
    tasks_failed: int

    @property
    def nothing_read(self) -> bool:
        """Not one listing was answered: the inventory says nothing about the estate."""
        return self.tasks_ok == 0


@dataclass
class _Account:
    account: str
    clients: sessions.Clients | None
    regions: list[str]


def _setup_error(account: str, region: str, service: str, operation: str, exc) -> ScanError:
    code, message = error_code(exc)
    return ScanError(account, region, service, operation, code, message)


def run_scan(
    session: boto3.Session,
    *,
    regions: Sequence[str] | None = None,
    accounts: Sequence[str] | None = None,
    org: bool = False,
    role_name: str | None = None,
    endpoint_url: str | None = None,
    workers: int = DEFAULT_WORKERS,
    progress: Progress | None = None,
    client_hook: Callable | None = None,
    max_attempts: int = DEFAULT_MAX_ATTEMPTS,
    services: Sequence[str] | None = None,
    connect_timeout: float = sessions.CONNECT_TIMEOUT,
    read_timeout: float = sessions.READ_TIMEOUT,
) -> ScanOutcome:
    """Scan the accounts (default: the caller's) in the regions (default: the session's;
    ["all"]: every region enabled for each account). `client_hook` is called with each
    botocore client the scan makes (to register event handlers: call counting, tests).
    `services`: the names to scan (default: every one; KMS and tags are always read).
    Timeouts are in seconds, per attempt of every call (max_attempts attempts at most)."""
    to_scan = chosen(services)
    if workers < 1:
        raise InputError("--workers: must be at least 1")
    for option, seconds in (("--connect-timeout", connect_timeout),
                            ("--read-timeout", read_timeout)):
        if not 0 < seconds <= MAX_TIMEOUT:
            raise InputError(f"{option}: must be more than 0 and at most {MAX_TIMEOUT} seconds")
    wanted = list(regions or [session.region_name or "us-east-1"])
    home = "us-east-1" if wanted == ["all"] else wanted[0]
    config = sessions.retry_config(workers, max_attempts, connect_timeout, read_timeout)
    base = sessions.Clients(session, endpoint_url, config, client_hook)
    errors: list[ScanError] = []
    scanned_at = datetime.now(UTC).isoformat(timespec="seconds")
    try:
        caller, partition = sessions.caller_identity(base, home)
    except CALL_ERRORS as exc:
        errors.append(_setup_error("unknown", home, "sts", "GetCallerIdentity", exc))
        inventory = Inventory(scanned_at, __version__, [], [], errors=errors,
                              services=[s.name for s in to_scan])
        return ScanOutcome(inventory, 0, 1)
    targets = list(dict.fromkeys(accounts or [caller]))
    accounts_from = None
    if org:
        try:
            targets = list(dict.fromkeys([*(accounts or []), *sessions.org_accounts(base, home)]))
            accounts_from = ORGANIZATIONS  # one payer: the free tier is shared (billing scope)
        except CALL_ERRORS as exc:
            errors.append(_setup_error(caller, home, "organizations", "ListAccounts", exc))
            targets = list(dict.fromkeys(accounts or [caller]))
    if any(a != caller for a in targets) and not role_name:
        raise InputError("--role-name: required to scan accounts other than the caller's "
                         f"({caller})")

    def prepare(account: str) -> tuple[_Account, list[ScanError]]:
        clients = base
        if account != caller:
            try:
                clients = base.assume(account, role_name, partition, home)
            except CALL_ERRORS as exc:
                return _Account(account, None, []), [
                    _setup_error(account, home, "sts", "AssumeRole", exc)]
        found = wanted
        if wanted == ["all"]:
            try:
                found = sessions.enabled_regions(clients, home)
            except CALL_ERRORS as exc:
                return _Account(account, None, []), [
                    _setup_error(account, home, "ec2", "DescribeRegions", exc)]
        return _Account(account, clients, list(found)), []

    pool = ThreadPoolExecutor(max_workers=workers)
    try:
        prepared = list(pool.map(prepare, targets))
    except KeyboardInterrupt:  # do not wait for an AssumeRole in flight (see runner.py)
        pool.shutdown(wait=False, cancel_futures=True)
        raise ScanInterrupted(len(targets), 0) from None
    pool.shutdown(wait=True)
    tasks: list[Task] = []
    setup_ok = 0
    for target, failures in prepared:
        errors.extend(failures)
        if target.clients is None:
            continue
        setup_ok += 1
        in_scope = tuple(target.regions)
        for service in to_scan:
            if service.account_tasks is not None:
                tasks += service.account_tasks(
                    Scope(target.account, home, partition, in_scope, target.clients))
            for region in target.regions:
                tasks += service.region_tasks(
                    Scope(target.account, region, partition, in_scope, target.clients))
    result = run_tasks(tasks, workers, progress)
    errors.extend(result.errors)
    scanned = {(target.account, region) for target, _ in prepared if target.clients is not None
               for region in target.regions}
    inventory = assemble(result.found, errors, partition, scanned)
    inventory.scanned_at = scanned_at
    inventory.accounts = targets
    inventory.accounts_from = accounts_from
    inventory.regions = sorted({r for target, _ in prepared for r in target.regions} or wanted)
    inventory.services = [service.name for service in to_scan]
    return ScanOutcome(inventory, result.tasks_ok, result.tasks_failed + len(targets) - setup_ok)


def scan(session: boto3.Session, **options) -> Inventory:
    """The inventory of a scan (see run_scan for the options)."""
    return run_scan(session, **options).inventory
