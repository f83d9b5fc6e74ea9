"""A plan as plain tables (header + rows): shared by the CSV files and the workbook."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from planner.coverage import coverage_by
from planner.plan.actions import ACTIONS
from planner.plan.model import Plan

MAX_TAG_COLUMNS = 10


def tag_columns(plan: Plan) -> list[str]:
    """The most common tag keys, one column each (cost centres, owners, teams)."""
    counts: Counter = Counter(k for p in plan.resources for k in (p.resource.tags or {}))
    return [k for k, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
            [:MAX_TAG_COLUMNS]]


def resources_table(plan: Plan) -> tuple[list[str], list[list]]:
    tags = tag_columns(plan)
    header = ["account", "region", "service", "resource_type", "resource_id", "name",
              "encryption", "key_now", "target", "action", "state_after", "key_after",
              "bucket_key_after", "at_risk", "downtime", "controls", "kms_requests_now",
              "kms_requests_after", "monthly_requests_now_usd", "monthly_requests_after_usd",
              "one_time_usd", "quantities", "sources", "error", *(f"tag:{t}" for t in tags)]
    rows = []
    for p in plan.all_actions:
        r = p.resource
        action = ACTIONS[p.action]
        rows.append([
            r.account, r.region, r.service, r.resource_type, r.resource_id, r.name,
            r.encryption, p.key_now or "", p.target, p.action, p.state_after, p.key_after or "",
            "" if p.bucket_key_after is None else p.bucket_key_after, p.at_risk,
            action.downtime, " ".join(action.controls), p.priced_now, p.priced_after,
            p.request_cost_now, p.request_cost_after, p.one_time_cost,
            "; ".join(f"{k}={v}" for k, v in p.figures.items()),
            "; ".join(f"{k}: {v}" for k, v in p.sources.items()), r.error or "",
            *((r.tags or {}).get(t, "") for t in tags),
        ])
    return header, rows


def keys_table(plan: Plan) -> tuple[list[str], list[list]]:
    header = ["key", "account", "region", "label", "status", "manager", "state", "spec",
              "rotation", "rotations_billed_now", "resources_now", "resources_after",
              "monthly_now_usd", "monthly_after_usd", "rotations_now", "rotations_source"]
    rows = []
    for k in plan.keys:
        rows.append([
            k.ref, k.account, k.region, k.label, k.status, k.manager, k.state, k.spec,
            k.rotation, sum(1 for line in k.lines_now if line.price_entry == "rotation_month"),
            k.resources_now, k.resources_after,
            sum((line.cost for line in k.lines_now), Decimal(0)),
            sum((line.cost for line in k.lines_after), Decimal(0)),
            k.rotations_now, k.rotations_source,
        ])
    return header, rows


def requests_table(plan: Plan) -> tuple[list[str], list[list]]:
    header = ["phase", "billing_scope", "key", "account", "region", "request_class", "requests",
              "free_tier_requests", "billed_requests", "unit_price_usd_per_10k", "cost_usd",
              "source"]
    rows = [[row.phase, row.scope, row.key_ref, row.account, row.region, row.request_class,
             row.requests, row.free, row.requests - row.free, row.line.unit_price,
             row.line.cost, row.source] for row in plan.requests]
    return header, rows


def remediation_table(plan: Plan) -> tuple[list[str], list[list]]:
    header = ["action", "service", "resources", "downtime", "controls", "one_time_usd",
              "summary"]
    counts: Counter = Counter()
    costs: dict = {}
    for p in plan.all_actions:
        key = (p.action, p.resource.service)
        counts[key] += 1
        costs[key] = costs.get(key, Decimal(0)) + p.one_time_cost
    rows = []
    for (action, service), count in sorted(counts.items()):
        a = ACTIONS[action]
        rows.append([action, service, count, a.downtime, " ".join(a.controls),
                     costs[(action, service)], a.summary])
    return header, rows


def forecast_table(plan: Plan) -> tuple[list[str], list[list]]:
    header = ["month", "label", "keys_now_usd", "requests_now_usd", "total_now_usd",
              "keys_after_usd", "requests_after_usd", "one_time_usd", "total_after_usd",
              "storage_after_usd"]
    rows = [[m.month, m.label, m.keys_now, m.requests_now, m.now, m.keys_after,
             m.requests_after, m.one_time, m.after, m.storage_after] for m in plan.forecast]
    return header, rows


def coverage_table(plan: Plan) -> tuple[list[str], list[list]]:
    header = ["account", "region", "service", "encryption", "resources"]
    nested = coverage_by(plan.inventory.resources, "account", "region", "service")
    rows = [[account, region, service, state, count]
            for account, regions in nested.items() for region, services in regions.items()
            for service, states in services.items() for state, count in states.items()]
    return header, rows


TABLES = {
    "resources": resources_table,
    "keys": keys_table,
    "requests": requests_table,
    "remediation": remediation_table,
    "forecast": forecast_table,
    "coverage": coverage_table,
}
