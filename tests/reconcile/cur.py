"""Billing exports for tests, built to the published column dictionaries.

Legacy CUR: "Line item details" (lineItem/...), identity/, bill/, product/ and pricing/
columns, CSV gz. CUR 2.0 (Data Exports): the same fields in snake case, Parquet (dates as
timestamps, amounts as doubles, as AWS writes them) or CSV gz. FOCUS 1.0 with AWS columns:
ChargeCategory, ChargeClass, ListCost, BilledCost, ConsumedQuantity, x_ServiceCode,
x_UsageType, ... Each line is given once, as a dict of the fields below, and written in any
of the three shapes.
"""

from __future__ import annotations

import csv
import gzip
import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

PAYER = "999999999999"
ACCOUNT = "111111111111"
KMS = "awskms"


def line(usage_type: str, quantity: str, cost: str, *, start: str = "2026-10-01T00:00:00Z",
         resource: str = "", line_type: str = "Usage", account: str = ACCOUNT,
         description: str = "", product: str = KMS, billed: str | None = None,
         operation: str = "", region: str | None = None) -> dict:
    """One line item. `billed`: FOCUS BilledCost when it differs from the list cost."""
    return {"usage_type": usage_type, "quantity": quantity, "cost": cost, "start": start,
            "resource": resource, "line_type": line_type, "account": account,
            "description": description or f"{usage_type} {line_type}", "product": product,
            "billed": cost if billed is None else billed, "operation": operation,
            "region": region}


def hourly(usage_type: str, hours: int, per_hour: str, cost_per_hour: str, resource: str,
           first: str = "2026-10-01T00:00:00Z", **fields) -> list[dict]:
    """Key-month lines as KMS bills them: one per hour, a fraction of a key-month each."""
    start = datetime.fromisoformat(first)
    return [line(usage_type, per_hour, cost_per_hour, resource=resource,
                 start=(start + timedelta(hours=h)).strftime("%Y-%m-%dT%H:%M:%SZ"), **fields)
            for h in range(hours)]


def _end(start: str) -> str:
    return (datetime.fromisoformat(start) + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")


def _region(item: dict) -> str:
    """product/regionCode: given, or the usage type's prefix."""
    if item["region"] is not None:
        return item["region"]
    usage_type = item["usage_type"]
    return usage_type.split("-KMS-")[0] if "-KMS-" in usage_type else ""


LEGACY_COLUMNS = [
    "identity/LineItemId", "identity/TimeInterval", "bill/PayerAccountId",
    "bill/BillingPeriodStartDate", "lineItem/UsageAccountId", "lineItem/LineItemType",
    "lineItem/UsageStartDate", "lineItem/UsageEndDate", "lineItem/ProductCode",
    "lineItem/UsageType", "lineItem/Operation", "lineItem/ResourceId", "lineItem/UsageAmount",
    "lineItem/UnblendedRate", "lineItem/UnblendedCost", "lineItem/BlendedCost",
    "lineItem/LineItemDescription", "product/ProductName", "product/regionCode",
    "pricing/unit",
]


def _legacy_row(i: int, item: dict) -> list:
    return [f"li-{i}", f"{item['start']}/{_end(item['start'])}", PAYER,
            item["start"][:8] + "01T00:00:00Z", item["account"], item["line_type"],
            item["start"], _end(item["start"]), item["product"], item["usage_type"],
            item["operation"], item["resource"], item["quantity"], "", item["cost"],
            item["cost"], item["description"], "AWS Key Management Service",
            _region(item), ""]


CUR2_COLUMNS = [
    "identity_line_item_id", "identity_time_interval", "bill_payer_account_id",
    "bill_billing_period_start_date", "line_item_usage_account_id", "line_item_line_item_type",
    "line_item_usage_start_date", "line_item_usage_end_date", "line_item_product_code",
    "line_item_usage_type", "line_item_operation", "line_item_resource_id",
    "line_item_usage_amount", "line_item_unblended_rate", "line_item_unblended_cost",
    "line_item_blended_cost", "line_item_line_item_description", "product_region_code",
    "pricing_unit",
]

FOCUS_COLUMNS = [
    "BillingAccountId", "SubAccountId", "ChargeCategory", "ChargeClass", "ChargePeriodStart",
    "ChargePeriodEnd", "BillingPeriodStart", "ProviderName", "ServiceName", "x_ServiceCode",
    "x_UsageType", "x_Operation", "ResourceId", "ConsumedQuantity", "ConsumedUnit",
    "PricingQuantity", "ListCost", "BilledCost", "EffectiveCost", "ChargeDescription",
    "RegionId",
]
FOCUS_CATEGORY = {"Usage": "Usage", "Credit": "Credit", "Tax": "Tax", "Refund": "Credit"}


def _focus_row(item: dict) -> list:
    category = FOCUS_CATEGORY[item["line_type"]]
    charge_class = "Correction" if item["line_type"] == "Refund" else ""
    return [PAYER, item["account"], category, charge_class, item["start"], _end(item["start"]),
            item["start"][:8] + "01T00:00:00Z", "AWS",
            "AWS Key Management Service" if item["product"] == KMS else item["product"],
            item["product"], item["usage_type"], item["operation"], item["resource"],
            item["quantity"], "", item["quantity"], item["cost"], item["billed"],
            item["billed"], item["description"], _region(item)]


def _write_csv_gz(path: Path, columns: list[str], rows) -> Path:
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(columns)
    writer.writerows(rows)
    path.write_bytes(gzip.compress(text.getvalue().encode()))
    return path


def legacy_csv(path: Path, items: list[dict]) -> Path:
    # EdpDiscount lines are line items of their own in the legacy and 2.0 reports.
    return _write_csv_gz(path, LEGACY_COLUMNS,
                         (_legacy_row(i, item) for i, item in enumerate(items)))


def _cur2_row(i: int, item: dict) -> list:
    legacy = _legacy_row(i, item)
    return legacy[:17] + legacy[18:]  # no product/ProductName among the 2.0 columns here


def cur2_csv(path: Path, items: list[dict]) -> Path:
    return _write_csv_gz(path, CUR2_COLUMNS, (_cur2_row(i, item) for i, item in enumerate(items)))


def _time(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def _parquet(path: Path, columns: list[str], rows: list[list], times: set, numbers: set):
    table = pa.table({
        name: (pa.array([_time(r[k]) for r in rows], pa.timestamp("ms", "UTC")) if name in times
               else pa.array([float(r[k]) if r[k] else None for r in rows], pa.float64())
               if name in numbers else pa.array([r[k] for r in rows], pa.string()))
        for k, name in enumerate(columns)
    })
    pq.write_table(table, path, row_group_size=64)  # several row groups, read in batches
    return path


def cur2_parquet(path: Path, items: list[dict]) -> Path:
    return _parquet(path, CUR2_COLUMNS, [_cur2_row(i, item) for i, item in enumerate(items)],
                    {"line_item_usage_start_date", "line_item_usage_end_date"},
                    {"line_item_usage_amount", "line_item_unblended_cost",
                     "line_item_blended_cost", "line_item_unblended_rate"})


def focus_csv(path: Path, items: list[dict]) -> Path:
    # FOCUS has no discount line items: the discount is BilledCost below ListCost.
    usage = [item for item in items if item["line_type"] != "EdpDiscount"]
    return _write_csv_gz(path, FOCUS_COLUMNS, (_focus_row(item) for item in usage))


def focus_parquet(path: Path, items: list[dict]) -> Path:
    usage = [item for item in items if item["line_type"] != "EdpDiscount"]
    return _parquet(path, FOCUS_COLUMNS, [_focus_row(item) for item in usage],
                    {"ChargePeriodStart", "ChargePeriodEnd"},
                    {"ConsumedQuantity", "PricingQuantity", "ListCost", "BilledCost",
                     "EffectiveCost"})
