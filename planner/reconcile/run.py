"""One reconciliation: the bill from one source, the plan built once, the comparison."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from planner.errors import InputError
from planner.plan import Plan
from planner.reconcile.bill import Bill
from planner.reconcile.compare import Reconciliation, reconcile
from planner.reconcile.reader import read_bill
from pricing import PriceBook

ClientFactory = Callable[..., object]  # (service_name, region_name=None) -> boto3 client


@dataclass
class ReconcileRequest:
    cur: str | None = None
    athena_table: str | None = None
    workgroup: str | None = None
    cost_explorer: bool = False
    month: str | None = None  # YYYY-MM; default: the latest month with KMS lines


def check_request(request: ReconcileRequest) -> None:
    given = [bool(request.cur), bool(request.athena_table), request.cost_explorer]
    if sum(given) != 1:
        raise InputError("reconcile: give one of --cur PATH, --athena DATABASE.TABLE or "
                         "--cost-explorer")
    if request.athena_table and not request.workgroup:
        raise InputError("reconcile: --athena needs --workgroup WORKGROUP")
    if request.workgroup and not request.athena_table:
        raise InputError("reconcile: --workgroup applies to --athena only")
    month = request.month
    if month is not None and not (len(month) == 7 and month[4] == "-"
                                  and month[:4].isdigit() and month[5:].isdigit()
                                  and 1 <= int(month[5:]) <= 12):
        raise InputError(f"--month: {month!r} is not a month such as 2026-10 (YYYY-MM)")


def load_bill(request: ReconcileRequest, book: PriceBook, client: ClientFactory | None,
              say: Callable[[str], None] = lambda text: None) -> tuple[Bill, bool]:
    """The bill, and whether its free tier lines stand apart from the request lines."""
    check_request(request)
    if request.cur:
        s3 = client("s3") if request.cur.startswith("s3://") else None
        return read_bill(request.cur, book, s3), True
    if request.athena_table:
        from planner.reconcile.athena import athena_bill

        return athena_bill(client("athena"), request.athena_table, request.workgroup,
                           request.month, book), True
    from planner.reconcile.costexplorer import cost_explorer_bill

    return cost_explorer_bill(client("ce", region_name="us-east-1"), request.month, book,
                              say), False


def run_reconcile(plan: Plan, request: ReconcileRequest, client: ClientFactory | None = None,
                  say: Callable[[str], None] = lambda text: None) -> Reconciliation:
    bill, free_apart = load_bill(request, plan.book, client, say)
    return reconcile(plan, bill, request.month, free_apart)
