"""The three billing exports kmsplan reads, told apart by their columns.

Column names follow the published dictionaries: the legacy Cost and Usage Report
(`lineItem/UsageType`, ...), CUR 2.0 in Data Exports (`line_item_usage_type`, ...), and FOCUS
1.x with AWS columns (`ChargeCategory`, `x_UsageType`, ...). Each format maps the few columns
the reconciliation needs to one set of field names; nothing else is read.
"""

from __future__ import annotations

from dataclasses import dataclass

from planner.errors import InputError

# The fields every format must provide; `resource` (the key ARN) only when the export
# includes resource ids, and the region column when there is one, are optional.
FIELDS = ("product", "line_type", "start", "account", "usage_type", "quantity", "cost",
          "description")


@dataclass(frozen=True)
class Format:
    name: str
    columns: dict[str, str]  # field -> column name in the export
    product_value: str  # what `product` holds on KMS lines
    optional: dict[str, str]  # field -> column read when present (charge class, region)

    def missing(self, present: set[str]) -> list[str]:
        return [column for column in self.columns.values() if column not in present]


LEGACY = Format(
    name="legacy CUR",
    columns={"product": "lineItem/ProductCode", "line_type": "lineItem/LineItemType",
             "start": "lineItem/UsageStartDate", "account": "lineItem/UsageAccountId",
             "usage_type": "lineItem/UsageType", "quantity": "lineItem/UsageAmount",
             "cost": "lineItem/UnblendedCost", "description": "lineItem/LineItemDescription"},
    product_value="awskms",
    optional={"resource": "lineItem/ResourceId", "region": "product/regionCode"},
)
CUR2 = Format(
    name="CUR 2.0",
    columns={"product": "line_item_product_code", "line_type": "line_item_line_item_type",
             "start": "line_item_usage_start_date", "account": "line_item_usage_account_id",
             "usage_type": "line_item_usage_type", "quantity": "line_item_usage_amount",
             "cost": "line_item_unblended_cost",
             "description": "line_item_line_item_description"},
    product_value="awskms",
    optional={"resource": "line_item_resource_id", "region": "product_region_code"},
)
# FOCUS: ListCost is the charge at list price (what the plan prices); BilledCost less ListCost
# on usage lines is the negotiated discount, shown as its own line.
FOCUS = Format(
    name="FOCUS",
    columns={"product": "x_ServiceCode", "line_type": "ChargeCategory",
             "start": "ChargePeriodStart", "account": "SubAccountId",
             "usage_type": "x_UsageType", "quantity": "ConsumedQuantity", "cost": "ListCost",
             "description": "ChargeDescription"},
    product_value="awskms",
    optional={"resource": "ResourceId", "region": "RegionId", "charge_class": "ChargeClass",
              "billed": "BilledCost"},
)
FORMATS = (LEGACY, CUR2, FOCUS)

# Line item types that are KMS usage, or a discount on it; every other type (Credit, Refund,
# Tax, SavingsPlan*, Fee, ...) is left out of the comparison and counted.
USAGE_TYPES = frozenset({"Usage"})
DISCOUNT_TYPES = frozenset({"EdpDiscount", "PrivateRateDiscount", "BundledDiscount",
                            "Discount"})


def detect(columns: list[str] | set[str], where: str) -> Format:
    """The format whose columns `columns` has; InputError naming what is missing if none."""
    present = set(columns)
    best = None
    for fmt in FORMATS:
        missing = fmt.missing(present)
        if not missing:
            return fmt
        if len(missing) < len(fmt.columns) and (best is None or len(missing) < len(best[1])):
            best = (fmt, missing)
    if best is None:
        raise InputError(f"{where}: not a Cost and Usage Report (legacy, CUR 2.0) or FOCUS "
                         "export: none of their columns are there")
    fmt, missing = best
    raise InputError(f"{where}: a {fmt.name} export without the column(s) "
                     f"{', '.join(missing)}; include them in the export")
