"""KMS request volumes: estimated per resource from usage figures, or measured per key.

A resource's traffic is the count of KMS-calling events it would cause without an S3 bucket
key; a bucket key removes `bucket_key_request_reduction` of it. Only resources on a KMS key
(AWS managed or customer managed) make billed requests: SSE-S3 and AWS owned keys are free.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from planner.inventory import STORE_RESOURCE_TYPES
from planner.usage import DEFAULT, Usage

KMS_STATES = frozenset({"aws-managed", "customer-managed"})

# resource type -> the usage figures whose sum (times a factor) is its monthly traffic
TRAFFIC_FIGURES = {
    "bucket": ("monthly_get_requests", "monthly_put_requests"),
    "volume": ("monthly_attach_events",),
    "db-instance": ("monthly_start_events",),
    "db-cluster": ("monthly_start_events",),
    "table": ("active_connections",),
}
TRAFFIC_FIGURES.update({rtype: ("monthly_kms_requests",) for rtype in STORE_RESOURCE_TYPES})


def traffic(resource, usage: Usage, figures: dict, sources: dict) -> int:
    """KMS-calling events a month without a bucket key; records figures and their sources."""
    names = TRAFFIC_FIGURES.get(resource.resource_type, ())
    if resource.resource_type == "db-instance" and (resource.details or {}).get("cluster_id"):
        sources["traffic"] = "counted at the Aurora cluster"
        return 0
    total = 0
    for name in names:
        found = usage.quantity(resource, name)
        value, source = found if found is not None else (0, DEFAULT)
        figures[name] = value
        sources[name] = source
        total += value
    if resource.resource_type == "table":
        total *= usage.parameter("table_decrypts_per_connection_month")
    return total


def monthly_requests(base: int, kms: bool, bucket_key: bool | None, reduction: Decimal) -> int:
    """Billed KMS requests a month for `base` traffic in a given encryption state."""
    if not kms or not base:
        return 0
    if bucket_key:
        return int((base * (1 - reduction)).to_integral_value(rounding=ROUND_HALF_UP))
    return base
