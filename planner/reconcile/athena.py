"""The reconciliation's aggregation as one Athena query over a CUR table, for reports too big
for one machine. The columns are those of the CUR's Athena integration and of CUR 2.0
(line_item_usage_type, ...); Athena groups, and the rows go through the same BillBuilder as a
file's groups. Sums are taken as decimals, so the money stays exact.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation

from planner.errors import InputError
from planner.measure.athena import TABLE_NAME, result_rows, run_query
from planner.reconcile.bill import Bill, BillBuilder
from pricing import PriceBook

MONTH = re.compile(r"^\d{4}-\d{2}$")
COLUMNS = ("month", "line_type", "account", "usage_type", "resource", "free", "quantity",
           "cost", "lines")


def reconcile_query(table: str, month: str | None) -> str:
    if not TABLE_NAME.match(table):
        raise InputError(f"--athena: {table!r} is not DATABASE.TABLE (letters, digits, _)")
    if month is not None and not MONTH.match(month):
        raise InputError(f"--month: {month!r} is not YYYY-MM")
    month_sql = "substr(CAST(line_item_usage_start_date AS varchar), 1, 7)"
    where = "line_item_product_code = 'awskms'"
    if month:
        where += f" AND {month_sql} = '{month}'"
    # The table name and month are checked against the patterns above: no user text is quoted.
    return (
        f"SELECT {month_sql} AS month, line_item_line_item_type AS line_type,"  # noqa: S608
        " line_item_usage_account_id AS account, line_item_usage_type AS usage_type,"
        " coalesce(line_item_resource_id, '') AS resource,"
        " strpos(lower(coalesce(line_item_line_item_description, '')), 'free tier') > 0"
        " AS free,"
        " sum(CAST(line_item_usage_amount AS decimal(30, 12))) AS quantity,"
        " sum(CAST(line_item_unblended_cost AS decimal(30, 12))) AS cost,"
        f" count(*) AS lines FROM {table} WHERE {where} GROUP BY 1, 2, 3, 4, 5, 6"
    )


def _decimal(text: str | None, column: str) -> Decimal:
    try:
        return Decimal(text or "0")
    except InvalidOperation:
        raise InputError(f"Athena: {column} {text!r} is not a number") from None


def athena_bill(athena, table: str, workgroup: str, month: str | None, book: PriceBook,
                sleep: Callable[[float], None] | None = None) -> Bill:
    query = reconcile_query(table, month)
    options = {"sleep": sleep} if sleep else {}
    query_id = run_query(athena, query, table, workgroup, **options)
    bill = Bill(source=f"Athena {table}", format="CUR table (Athena)")
    builder = BillBuilder(bill, book)
    for row in result_rows(athena, query_id):
        missing = [name for name in COLUMNS if name not in row]
        if missing:
            raise InputError(f"Athena {table}: the result has no column {missing[0]}")
        builder.add(month=row["month"] or "", line_type=row["line_type"] or "",
                    account=row["account"] or "", usage_type=row["usage_type"] or "",
                    resource=row["resource"] or None, region=None,
                    free=row["free"] == "true", quantity=_decimal(row["quantity"], "quantity"),
                    cost=_decimal(row["cost"], "cost"), lines=int(row["lines"] or 0))
    return bill
