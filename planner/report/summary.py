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
from pricing.present import round_cents


def money(amount: Decimal) -> str:
    return f"{round_cents(amount):.2f}"


def one_time_parts(plan: Plan) -> dict[str, str]:
    """Each part of the one-time cost in cents, adding up exactly to `one_time_usd`: every
    part rounded on its own, and what that rounding leaves over as the part "rounding" (the
    workbook's Summary computes the same cells with ROUND)."""
    parts = {name: round_cents(value) for name, value in plan.one_time_parts().items()}
    parts["rounding"] = round_cents(plan.one_time) - sum(parts.values(), Decimal(0))
    return {name: f"{value:.2f}" for name, value in parts.items()}


def headline(plan: Plan) -> dict:
    """The figures a budget review signs off on, in cents. Each difference is taken between
    the rounded figures, so that the shown figures subtract exactly."""
    figures = {"monthly_now_usd": plan.monthly_now, "monthly_after_usd": plan.monthly_after,
               "monthly_now_steady_usd": plan.monthly_now_steady,
               "monthly_after_steady_usd": plan.monthly_after_steady,
               "one_time_usd": plan.one_time,
               "baseline_1y_usd": plan.baseline_total(1), "year_1_usd": plan.year_total(1),
               "baseline_3y_usd": plan.baseline_total(3), "year_3_usd": plan.year_total(3)}
    shown = {name: round_cents(value) for name, value in figures.items()}
    shown["delta_1y_usd"] = shown["year_1_usd"] - shown["baseline_1y_usd"]
    shown["delta_3y_usd"] = shown["year_3_usd"] - shown["baseline_3y_usd"]
    return {name: f"{value:.2f}" for name, value in shown.items()}


def summary(plan: Plan) -> dict:
    actions = Counter(p.action for p in plan.all_actions)
    s = plan.settings
    return {
        "schema": "kmsplan.summary/1",
        **headline(plan),
        "one_time_parts": one_time_parts(plan),
        "labour_priced": plan.labour_priced,
        "resources_without_size": len(plan.unsized),
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


def write_csv(plan: Plan, folder: str | Path) -> list[Path]:
    """One CSV per table; text a spreadsheet could take for a formula is guarded.

    Money is written at full precision (no rounding): rows then add up exactly, per phase and
    per year, to the exact totals the summary rounds, and identical rows show identical
    amounts (spreading cents over rows could do neither)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, build in TABLES.items():
        header, rows = build(plan)
        target = folder / f"{name}.csv"
        with atomic_open(target, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows([_cell(v) for v in row] for row in rows)
        written.append(target)
    return written
