"""The JSON summary's `savings` object (contract: CHANGELOG.md): idle keys with their
verdicts and reasons, and every savings lever with its monthly and 3-year saving."""

from __future__ import annotations

from decimal import Decimal

from planner.plan.idle import IDLE, UNKNOWN
from planner.plan.model import ZERO, Plan
from pricing.present import round_cents


def _money(amount: Decimal) -> str:
    return f"{round_cents(amount):.2f}"


def savings_document(plan: Plan) -> dict | None:
    savings = plan.savings
    if savings is None:  # a plan not made by build_plan
        return None
    idle = savings.with_verdict(IDLE)
    return {
        "idle_keys": len(idle),
        "unknown_keys": len(savings.with_verdict(UNKNOWN)),
        "monthly_usd": _money(sum((v.monthly for v in idle), ZERO)),
        "three_year_usd": _money(sum((v.three_year for v in idle), ZERO)),
        "counted": savings.retire,
        "idle_key_days": savings.idle_days,
        "watch_days": savings.watch_days,
        "keys": [{
            "key": v.key.ref, "label": v.key.label, "account": v.key.account,
            "region": v.key.region, "state": v.key.state, "verdict": v.verdict,
            "reasons": v.reasons, "evidence": v.evidence,
            "monthly_usd": _money(v.monthly), "three_year_usd": _money(v.three_year),
            "retired": v.retired,
        } for v in savings.verdicts],
        "levers": [{
            "name": lever.name, "monthly_usd": _money(lever.monthly),
            "three_year_usd": _money(lever.three_year), "counted": lever.counted,
            "evidence": lever.evidence,
        } for lever in savings.levers],
    }
