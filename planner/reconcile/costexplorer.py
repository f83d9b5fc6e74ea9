"""The bill from Cost Explorer (GetCostAndUsage): per linked account and usage type, monthly.

Two queries for the month: KMS usage (record type Usage) grouped by LINKED_ACCOUNT and
USAGE_TYPE, and every KMS record type, to count what was left out (credits, refunds, taxes,
Savings Plans) and show discounts apart. Cost Explorer names no key, so the comparison is
per account, region and charge; and it folds free requests into the request lines, so there
is no free tier line. Each request costs $0.01 (Cost Explorer pricing); pages are followed
with NextPageToken (GetCostAndUsage has no boto3 paginator).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal, InvalidOperation

from planner.errors import InputError
from planner.reconcile.bill import Bill, BillBuilder
from pricing import PriceBook

SERVICE = "AWS Key Management Service"
USAGE_RECORD = "Usage"
METRICS = ["UnblendedCost", "UsageQuantity"]
REQUEST_PRICE_NOTE = "Cost Explorer: each GetCostAndUsage request costs $0.01"


def month_period(month: str | None, today: dt.date | None = None) -> tuple[str, str, str]:
    """(YYYY-MM, first day, first day of the next month); default: the last whole month."""
    if month is None:
        first_this = (today or dt.datetime.now(dt.UTC).date()).replace(day=1)
        start = (first_this - dt.timedelta(days=1)).replace(day=1)
    else:
        start = dt.date(int(month[:4]), int(month[5:7]), 1)
    end = (start + dt.timedelta(days=32)).replace(day=1)
    return start.strftime("%Y-%m"), start.isoformat(), end.isoformat()


def _pages(client, request: dict, count: list[int]):
    token = None
    while True:
        page = client.get_cost_and_usage(**request, **({"NextPageToken": token} if token else {}))
        count[0] += 1
        yield page
        token = page.get("NextPageToken")
        if not token:
            return


def _amount(metrics: dict, name: str) -> Decimal:
    try:
        return Decimal(str(metrics.get(name, {}).get("Amount", "0")))
    except InvalidOperation:
        raise InputError(f"Cost Explorer: {name} is not a number: "
                         f"{metrics.get(name)!r}") from None


def cost_explorer_bill(client, month: str | None, book: PriceBook,
                       say: Callable[[str], None] = lambda text: None) -> Bill:
    month, start, end = month_period(month)
    say(f"{REQUEST_PRICE_NOTE}; this reconciliation makes at least 2.")
    service = {"Dimensions": {"Key": "SERVICE", "Values": [SERVICE]}}
    period = {"TimePeriod": {"Start": start, "End": end}, "Granularity": "MONTHLY",
              "Metrics": METRICS}
    bill = Bill(source="Cost Explorer", format="Cost Explorer", resource_ids=False)
    builder = BillBuilder(bill, book)
    requests = [0]
    usage = {**period, "Filter": {"And": [service, {"Dimensions": {
        "Key": "RECORD_TYPE", "Values": [USAGE_RECORD]}}]},
        "GroupBy": [{"Type": "DIMENSION", "Key": "LINKED_ACCOUNT"},
                    {"Type": "DIMENSION", "Key": "USAGE_TYPE"}]}
    for page in _pages(client, usage, requests):
        for result in page.get("ResultsByTime", []):
            for group in result.get("Groups", []):
                keys = group.get("Keys", [])
                if len(keys) != 2:
                    raise InputError("Cost Explorer: a group without account and usage type")
                metrics = group.get("Metrics", {})
                builder.add(month=month, line_type=USAGE_RECORD, account=keys[0],
                            usage_type=keys[1], resource=None, region=None, free=False,
                            quantity=_amount(metrics, "UsageQuantity"),
                            cost=_amount(metrics, "UnblendedCost"), lines=1)
    kinds = {**period, "Filter": service, "GroupBy": [{"Type": "DIMENSION",
                                                       "Key": "RECORD_TYPE"}]}
    for page in _pages(client, kinds, requests):
        for result in page.get("ResultsByTime", []):
            for group in result.get("Groups", []):
                record_type = (group.get("Keys") or ["(none)"])[0]
                if record_type == USAGE_RECORD:
                    continue
                cost = _amount(group.get("Metrics", {}), "UnblendedCost")
                line_type = "EdpDiscount" if "Discount" in record_type else record_type
                builder.add(month=month, line_type=line_type, account="all accounts",
                            usage_type="", resource=None, region=None, free=False,
                            quantity=Decimal(0), cost=cost, lines=1)
    say(f"Cost Explorer: {requests[0]} requests made (${Decimal(requests[0]) / 100:.2f})")
    return bill
