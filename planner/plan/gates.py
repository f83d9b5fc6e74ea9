"""CI gates for `plan --fail-on`: conditions a pipeline can fail a build on.

at-risk                 a resource uses a key that is disabled, pending deletion or deleted
unknown                 the scan could not read a resource's encryption
coverage-below=PCT      fewer than PCT percent of resources meet their target today
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from planner.coverage import meets
from planner.errors import InputError
from planner.plan.model import Plan

NAMES = ("at-risk", "unknown", "coverage-below=PCT")
SHOWN = 10  # resources named per finding; the count says how many in all


@dataclass(frozen=True)
class Gate:
    name: str
    percent: Decimal | None = None


def parse_gates(specs: list[str] | None) -> list[Gate]:
    """'at-risk', 'unknown', 'coverage-below=95' (each option may also list several, comma
    separated)."""
    gates = []
    for spec in specs or []:
        for part in (p.strip() for p in spec.split(",")):
            gates.append(_parse_one(part))
    return gates


def _parse_one(text: str) -> Gate:
    if text in ("at-risk", "unknown"):
        return Gate(text)
    name, equals, value = text.partition("=")
    if name == "coverage-below" and equals:
        try:
            percent = Decimal(value.strip().removesuffix("%"))
        except InvalidOperation:
            percent = None
        if percent is not None and percent.is_finite() and 0 <= percent <= 100:
            return Gate(name, percent)
        raise InputError(f"--fail-on: {text!r}: give a percentage from 0 to 100, "
                         "e.g. coverage-below=95")
    raise InputError(f"--fail-on: {text!r} is not one of {', '.join(NAMES)}")


def findings(plan: Plan, gates: list[Gate]) -> list[str]:
    """One line per gate that is met; empty when the build may pass."""
    lines = []
    for gate in gates:
        if gate.name == "at-risk" and plan.at_risk:
            ids = [r.resource.resource_id for r in plan.at_risk]
            lines.append(f"at-risk: {len(ids)} resource(s) use a key that is disabled, pending "
                         f"deletion or deleted: {_listed(ids)}")
        elif gate.name == "unknown":
            ids = [r.resource.resource_id for r in plan.resources
                   if r.resource.encryption == "unknown"]
            if ids:
                lines.append(f"unknown: {len(ids)} resource(s) whose encryption the scan could "
                             f"not read: {_listed(ids)}")
        elif gate.name == "coverage-below":
            total = len(plan.resources)
            meeting = sum(1 for r in plan.resources if meets(r.resource.encryption, r.target))
            share = Decimal(100) * meeting / total if total else Decimal(100)
            if share < gate.percent:
                lines.append(f"coverage-below={gate.percent:f}: {meeting} of {total} resources "
                             f"({share:.1f}%) meet their target today")
    return lines


def _listed(ids: list[str]) -> str:
    more = f" ... and {len(ids) - SHOWN} more" if len(ids) > SHOWN else ""
    return ", ".join(ids[:SHOWN]) + more
