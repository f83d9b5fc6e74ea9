"""The JSON summary (contract: ../shared/reference/contracts.md) and CSV tables."""

from __future__ import annotations

import csv
import json
from collections import Counter
from decimal import Decimal
from pathlib import Path

from planner.coverage import coverage_by
from planner.files import atomic_open
from planner.plan.model import Plan
from planner.report.safety import safe_text
from planner.report.savings import savings_document
from planner.report.tables import TABLES
from pricing.present import allocate_cents, round_cents


def money(amount: Decimal) -> str:
    return f"{round_cents(amount):.2f}"


def summary(plan: Plan) -> dict:
    actions = Counter(p.action for p in plan.all_actions)
    s = plan.settings
    return {
        "schema": "kmsplan.summary/1",
        "monthly_now_usd": money(plan.monthly_now),
        "monthly_after_usd": money(plan.monthly_after),
        "one_time_usd": money(plan.one_time),
        "year_1_usd": money(plan.year_total(1)),
        "year_3_usd": money(plan.year_total(3)),
        "free_tier_requests_applied": plan.free_tier_after,
        "free_tier_requests_applied_now": plan.free_tier_now,
        "new_keys": plan.new_keys,
        "resources": len(plan.resources),
        "coverage": coverage_by(plan.inventory.resources, "service"),
        "actions": dict(sorted(actions.items())),
        "at_risk": [p.resource.resource_id for p in plan.at_risk],
        "warnings": plan.warnings,
        "savings": savings_document(plan),
        "settings": {
            "target": s.target, "service_targets": dict(s.service_targets),
            "key_strategy": s.key_strategy, "rotation": s.rotation,
            "bucket_keys": s.bucket_keys, "reencrypt_objects": s.reencrypt_objects,
            "billing_scope": s.billing_scope,
        },
        "price_book": {"path": plan.book.path, "read_on": plan.book.read_on},
        "usage_file": plan.usage_path,
        "inventory": {"scanned_at": plan.inventory.scanned_at,
                      "accounts": plan.inventory.accounts, "regions": plan.inventory.regions,
                      "scan_errors": len(plan.inventory.errors)},
    }


def write_json(document: dict, path: str | Path) -> None:
    with atomic_open(path, "w", encoding="utf-8") as handle:
        json.dump(document, handle, indent=2)
        handle.write("\n")


def _cell(value: object) -> object:
    if isinstance(value, str):
        return safe_text(value)
    if isinstance(value, Decimal):
        return f"{value:f}" if value == value.to_integral() else f"{value.normalize():f}"
    return value


def _money_in_cents(header: list[str], rows: list[list]) -> None:
    """Money columns (named *_usd) in cents, each column still adding up to its total."""
    for column, name in enumerate(header):
        if name.endswith("_usd") and rows:
            cents = allocate_cents([row[column] for row in rows])
            for row, value in zip(rows, cents, strict=True):
                row[column] = f"{value:.2f}"


def write_csv(plan: Plan, folder: str | Path) -> list[Path]:
    """One CSV per table; money in cents; text a spreadsheet could take for a formula is
    guarded."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, build in TABLES.items():
        header, rows = build(plan)
        _money_in_cents(header, rows)
        target = folder / f"{name}.csv"
        with atomic_open(target, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows([_cell(v) for v in row] for row in rows)
        written.append(target)
    return written
