"""KMS request volumes: estimated per resource from usage figures, or measured per key.

A resource's traffic is the count of KMS-calling events it would cause without an S3 bucket
key; a bucket key removes `bucket_key_request_reduction` of it. Only resources on a KMS key
(AWS managed or customer managed) make billed requests: SSE-S3 and AWS owned keys are free.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from planner.inventory import STORE_RESOURCE_TYPES
from planner.usage import DEFAULT, TYPE_FIELDS, Usage

KMS_STATES = frozenset({"aws-managed", "customer-managed"})

# resource type -> the usage figures whose sum (times a factor) is its monthly traffic
TRAFFIC_FIGURES = {
    "bucket": ("monthly_get_requests", "monthly_put_requests"),
    "volume": ("monthly_attach_events",),
    "db-instance": ("monthly_start_events",),
    "db-cluster": ("monthly_start_events",),
    "table": ("active_connections",),
}
# Messaging, secrets and logs: every usage figure of these types is KMS-calling traffic.
TRAFFIC_FIGURES |= {rtype: TYPE_FIELDS[rtype] for rtype in (
    "queue", "topic", "stream", "log-group", "secret", "repository", "function")}
# Services that cache a data key per principal and call KMS again when it expires.
DATA_KEY_TYPES = frozenset({"queue", "topic", "stream", "log-group"})
SECONDS_A_MONTH = 30 * 24 * 3600  # 2,592,000: the 30-day month the other defaults use
# What a built-in default of these types assumes (the report shows it beside "default").
ASSUMED = {
    "queue": "a producer and a consumer, each a data key per reuse period (SQS guide)",
    "topic": "two publishing principals, a data key each per 5 minutes (as SQS)",
    "stream": "a producer and a consumer, KMS about every 5 minutes each (Kinesis guide)",
    "log-group": "one writer, a data key per 5 minutes (CloudWatch Logs publishes no rate)",
    "secret": "one Decrypt per GetSecretValue, one reader refreshing hourly",
    "repository": "one KMS call per image layer pulled or pushed",
    "function": "one Decrypt of the environment per new execution environment",
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
    if resource.resource_type in ASSUMED:
        for name in names:
            if sources[name] == DEFAULT:
                sources[name] = f"{DEFAULT}, assumed: {ASSUMED[resource.resource_type]}"
    if resource.resource_type in DATA_KEY_TYPES:
        factor, basis = data_keys_per_principal(resource, usage)
        figures["data_keys_per_principal"], sources["data_keys_per_principal"] = factor, basis
        total *= factor
    return total


def data_keys_per_principal(resource, usage: Usage) -> tuple[int, str]:
    """KMS calls a month per active principal, and where the figure came from: SQS reuses a
    data key for the queue's reuse period (seconds); SNS, Kinesis and CloudWatch Logs (and a
    queue not yet on KMS) by the usage parameter."""
    reuse = (resource.details or {}).get("data_key_reuse_seconds")
    if resource.resource_type == "queue" and isinstance(reuse, int) and reuse > 0:
        return SECONDS_A_MONTH // reuse, f"inventory: 2,592,000 s / {reuse} s data key reuse"
    name = "data_key_requests_per_principal_month"
    return usage.parameter(name), f"parameter {name}: {usage.parameters[name][1]}"


def monthly_requests(base: int, kms: bool, bucket_key: bool | None, reduction: Decimal) -> int:
    """Billed KMS requests a month for `base` traffic in a given encryption state."""
    if not kms or not base:
        return 0
    if bucket_key:
        return int((base * (1 - reduction)).to_integral_value(rounding=ROUND_HALF_UP))
    return base
