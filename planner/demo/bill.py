"""The demo's bill: a CUR 2.0 (Parquet) month for the demo estate, then its reconciliation.

Billed figures follow the plan's "now" with the kinds of variance a real bill shows: each
key's requests off the estimate by a steady -15%..+15% (from its ARN, so every run is the
same), Secrets Manager calls on the same keys and an application's GenerateDataKeyPair
calls that the plan does not estimate, a key in a region the demo does not scan, the free
tier as its own $0 line, and a credit that the comparison leaves out.
Key-months are billed a line per day, as fractions, like the real report's hourly lines.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from planner.files import atomic_path
from planner.plan import Plan
from planner.plan.keys import scan_time
from planner.reconcile.bill import KEY_USAGE_SUFFIX
from planner.reconcile.compare import Reconciliation, reconcile
from planner.reconcile.formats import CUR2
from planner.reconcile.reader import read_bill
from pricing.costs import REQUEST_CLASSES, REQUESTS_PER_UNIT

UNSCANNED_REGION = "ca-central-1"
FREE_TIER = "$0.00 per request - Monthly Global Free Tier for KMS requests (20,000 requests)"


def _variance(arn: str) -> Decimal:
    """A steady factor between 0.85 and 1.15 for a key."""
    step = int(hashlib.sha256(arn.encode()).hexdigest()[:4], 16) % 31  # 0..30
    return Decimal(85 + step) / 100


def _month(plan: Plan) -> tuple[str, int]:
    """The last whole month before the scan, and its days."""
    first = scan_time(plan.inventory).date().replace(day=1)
    start = (first - dt.timedelta(days=1)).replace(day=1)
    return start.strftime("%Y-%m"), calendar.monthrange(start.year, start.month)[1]


def _lines(plan: Plan) -> list[dict]:
    month, days = _month(plan)
    book = plan.book
    rows: list[dict] = []

    def add(account, usage_type, resource, quantity, cost, line_type="Usage", text="", day=1):
        rows.append({"account": account, "usage_type": usage_type, "resource": resource,
                     "quantity": quantity, "cost": cost, "line_type": line_type,
                     "description": text or usage_type, "start": f"{month}-{day:02d}"})

    for key in plan.keys:
        if key.status != "existing" or not key.lines_now:
            continue
        key_months = sum((line.quantity for line in key.lines_now), Decimal(0))
        cost = sum((line.cost for line in key.lines_now), Decimal(0))
        for day in range(1, days + 1):
            add(key.account, f"{key.region}{KEY_USAGE_SUFFIX}", key.ref, key_months / days,
                cost / days, day=day)
    free_account = None
    for row in plan.requests:
        if row.phase != "now":
            continue
        entry = REQUEST_CLASSES[row.request_class][0]
        suffix = book.entries[entry].usage_type_suffix or "-KMS-Requests"
        billed = (Decimal(row.requests - row.free) * _variance(row.key_ref)).to_integral()
        price = row.line.unit_price
        add(row.scope if row.scope != "organization" else row.account,
            f"{row.region}{suffix}", row.key_ref, billed, billed / REQUESTS_PER_UNIT * price)
        free_account = free_account or row.account
        if row.request_class == "symmetric" and row.requests:
            # Secrets Manager and CloudTrail calls on the same key, which the plan does not
            # estimate: a tenth more, on one day.
            extra = Decimal(row.requests // 10)
            add(row.account, f"{row.region}-KMS-Requests", row.key_ref, extra,
                extra / REQUESTS_PER_UNIT * price, text="Secrets Manager, CloudTrail", day=2)
    customer = [k for k in plan.keys if k.status == "existing" and k.manager == "CUSTOMER"
                and k.lines_now]
    if customer:  # an application's GenerateDataKeyPair calls: no scanned resource makes them
        key = customer[0]
        suffix = book.entries["requests_gdkp_ecc"].usage_type_suffix
        add(key.account, f"{key.region}{suffix}", key.ref, Decimal(40_000),
            Decimal(4) * book.value("requests_gdkp_ecc", key.region), text="Lambda", day=3)
    free = plan.free_tier_now
    if free and free_account:
        add(free_account, f"{plan.inventory.regions[0]}-KMS-Requests", "", Decimal(free),
            Decimal(0), text=FREE_TIER)
    accounts = plan.inventory.accounts or ["123456789012"]
    stray = f"arn:aws:kms:{UNSCANNED_REGION}:{accounts[0]}:key/0000demo-0000-4000-8000-stray"
    for day in range(1, days + 1):
        add(accounts[0], f"{UNSCANNED_REGION}{KEY_USAGE_SUFFIX}", stray, Decimal(1) / days,
            book.value("key_month", UNSCANNED_REGION) / days, day=day)
    add(accounts[0], "", "", Decimal(0), Decimal("-1.00"), "Credit", "AWS promotional credit")
    return rows


def write_demo_cur(plan: Plan, path: Path) -> Path:
    """The month's KMS lines as a CUR 2.0 Parquet file (CUR2's column names)."""
    rows = _lines(plan)
    names = CUR2.columns
    table = pa.table({
        names["product"]: pa.array(["awskms"] * len(rows)),
        names["line_type"]: pa.array([r["line_type"] for r in rows]),
        names["start"]: pa.array([dt.datetime.fromisoformat(r["start"] + "T00:00:00+00:00")
                                  for r in rows], pa.timestamp("ms", "UTC")),
        names["account"]: pa.array([r["account"] for r in rows]),
        names["usage_type"]: pa.array([r["usage_type"] for r in rows]),
        CUR2.optional["resource"]: pa.array([r["resource"] for r in rows]),
        names["quantity"]: pa.array([float(r["quantity"]) for r in rows], pa.float64()),
        names["cost"]: pa.array([float(r["cost"]) for r in rows], pa.float64()),
        names["description"]: pa.array([r["description"] for r in rows]),
    })
    with atomic_path(path) as tmp:
        pq.write_table(table, tmp)
    return path


def demo_reconciliation(plan: Plan, out: Path) -> tuple[Path, Reconciliation]:
    """Write the demo's CUR beside its workbook and reconcile the plan with it."""
    path = write_demo_cur(plan, out.with_name(f"{out.stem}-cur.parquet"))
    return path, reconcile(plan, read_bill(str(path), plan.book))
