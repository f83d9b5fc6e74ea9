"""What-if: re-plan one saved inventory under other assumptions, side by side. No re-scan.

A scenario names only what it changes from the base (the command line's settings):

    scenarios:
      - name: per-service keys
        key_strategy: service
      - name: busy tables, discounted requests
        usage: {defaults: {table: {active_connections: 10}}}
        multipliers: {monthly_get_requests: "2"}
        prices: {requests_symmetric: "0.027"}
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import yaml

from planner import bounds
from planner.errors import InputError
from planner.inventory import SERVICES, Inventory
from planner.plan import Plan, PlanSettings, build_plan
from planner.plan.strategy import check_strategy, check_target
from planner.usage import ALL_FIELDS, Usage, scaled, with_overrides
from planner.yamlfile import read_yaml
from pricing import PriceBook
from pricing.present import round_cents

SWITCHES = {"rotation", "bucket_keys", "reencrypt_objects", "retire_idle_keys"}
CHOICES = {"target", "key_strategy", "billing_scope"}
FIELDS = {"name", "services", "usage", "multipliers", "prices"} | SWITCHES | CHOICES
ON_OFF = {"on": True, "off": False, "true": True, "false": False, "yes": True, "no": False}


@dataclass
class Scenario:
    name: str
    changes: dict  # what it changes from the base, as written
    line: int = 0


@dataclass
class ScenarioResult:
    scenario: Scenario
    plan: Plan


class _LineLoader(yaml.SafeLoader):
    """Records the line of each mapping, so errors can point at the scenario."""

    def construct_mapping(self, node, deep=False):
        mapping = super().construct_mapping(node, deep=deep)
        mapping["__line__"] = node.start_mark.line + 1
        return mapping


def _strip_lines(value):
    if isinstance(value, dict):
        return {k: _strip_lines(v) for k, v in value.items() if k != "__line__"}
    if isinstance(value, list):
        return [_strip_lines(v) for v in value]
    return value


def load_scenarios(path: str | Path) -> list[Scenario]:
    label = str(path)
    data = read_yaml(path, "scenarios file", _LineLoader)
    if not isinstance(data, dict) or not isinstance(data.get("scenarios"), list):
        raise InputError(f"{label}: line 1: expected 'scenarios:' with a list of scenarios")
    scenarios = []
    for raw in data["scenarios"]:
        if not isinstance(raw, dict):
            raise InputError(f"{label}: each scenario is a mapping with a name")
        line = raw.get("__line__", 0)
        where = f"{label}: line {line}"
        unknown = sorted(set(raw) - FIELDS - {"__line__"})
        if unknown:
            raise InputError(f"{where}: unknown setting {unknown[0]!r}; use one of "
                             f"{', '.join(sorted(FIELDS - {'name'}))}")
        if not isinstance(raw.get("name"), str) or not raw["name"].strip():
            raise InputError(f"{where}: every scenario needs a name")
        changes = _strip_lines({k: v for k, v in raw.items() if k != "name"})
        scenarios.append(Scenario(raw["name"], changes, line))
    names = [s.name for s in scenarios]
    if len(set(names)) != len(names):
        raise InputError(f"{label}: scenario names must be unique")
    return scenarios


VARY_NAMES = {"target": "target", "key-strategy": "key_strategy",
              "billing-scope": "billing_scope", "rotation": "rotation",
              "bucket-keys": "bucket_keys", "reencrypt-objects": "reencrypt_objects",
              "retire-idle-keys": "retire_idle_keys"}


def vary_scenarios(spec: str) -> list[Scenario]:
    """`--vary key-strategy=account-region,service`: one scenario per value."""
    name, _, values = spec.partition("=")
    setting = VARY_NAMES.get(name.strip())
    if setting is None or not values:
        raise InputError(f"--vary {spec}: use NAME=V1,V2 with NAME one of "
                         f"{', '.join(VARY_NAMES)}")
    scenarios = []
    for value in (v.strip() for v in values.split(",") if v.strip()):
        if setting in SWITCHES:
            if value.lower() not in ON_OFF:
                raise InputError(f"--vary {spec}: {value!r} is not on or off")
            scenarios.append(Scenario(f"{name}={value}", {setting: ON_OFF[value.lower()]}))
        else:
            scenarios.append(Scenario(f"{name}={value}", {setting: value}))
    return scenarios


def _apply(base: PlanSettings, usage: Usage, book: PriceBook, scenario: Scenario, label: str
           ) -> tuple[PlanSettings, Usage, PriceBook]:
    where = f"{label}: line {scenario.line}" if scenario.line else f"scenario {scenario.name!r}"
    changes = dict(scenario.changes)
    settings = base
    for name in SWITCHES & set(changes):
        value = changes[name]
        if isinstance(value, str):
            value = ON_OFF.get(value.lower(), value)
        if not isinstance(value, bool):
            raise InputError(f"{where}: {name}: must be true or false, got {value!r}")
        settings = replace(settings, **{name: value})
    if "target" in changes:
        settings = replace(settings, target=check_target(changes["target"], f"{where}: target"))
    if "key_strategy" in changes:
        settings = replace(settings, key_strategy=check_strategy(
            str(changes["key_strategy"]), f"{where}: key_strategy"))
    if "billing_scope" in changes:
        if changes["billing_scope"] not in ("account", "organization"):
            raise InputError(f"{where}: billing_scope: use account or organization")
        settings = replace(settings, billing_scope=changes["billing_scope"])
    if "services" in changes:
        services = changes["services"]
        if not isinstance(services, dict):
            raise InputError(f"{where}: services: must map a service to a target")
        for service in services:
            if service not in SERVICES:
                raise InputError(f"{where}: services.{service}: unknown service; use one of "
                                 f"{', '.join(SERVICES)}")
        merged = dict(settings.service_targets)
        merged.update({s: check_target(t, f"{where}: services.{s}") for s, t in services.items()})
        settings = replace(settings, service_targets=tuple(sorted(merged.items())))
    provenance = f"scenario {scenario.name}"
    if "usage" in changes:
        usage = with_overrides(usage, changes["usage"], f"{where}: usage", provenance)
    if "multipliers" in changes:
        multipliers = {}
        for name, factor in (changes["multipliers"] or {}).items():
            if name not in ALL_FIELDS:
                raise InputError(f"{where}: multipliers.{name}: unknown usage figure")
            multipliers[name] = bounds.number(factor, bounds.MULTIPLIER,
                                              f"{where}: multipliers.{name}")
        usage = scaled(usage, multipliers, provenance)
    if "prices" in changes:
        if not isinstance(changes["prices"], dict):
            raise InputError(f"{where}: prices: must map a price book entry to a price")
        book = book.with_prices(changes["prices"], f"{where}: prices")
    return settings, usage, book


def run_whatif(inventory: Inventory, base: PlanSettings, usage: Usage, book: PriceBook,
               scenarios: list[Scenario], label: str = "scenarios") -> list[ScenarioResult]:
    """The base plan first, then one plan per scenario, all from the same inventory."""
    return [ScenarioResult(s, build_plan(inventory, st, u, b))
            for s, st, u, b in scenario_runs(base, usage, book, scenarios, label)]


def scenario_runs(base: PlanSettings, usage: Usage, book: PriceBook, scenarios: list[Scenario],
                  label: str = "scenarios") -> list[tuple]:
    """(scenario, settings, usage, price book) of the base and each scenario, every one
    checked before any is planned, so bad input fails fast; planning one at a time keeps one
    plan in memory (kmsplan whatif)."""
    runs = [(Scenario("base", {}), base, usage, book)]
    seen = {"base"}
    for scenario in scenarios:
        # One column and one JSON entry per name: a repeat (a --vary value given twice, a
        # file's scenario called 'base') would show two columns nobody can tell apart.
        if scenario.name in seen:
            raise InputError(f"{label}: scenario {scenario.name!r} is named twice; every "
                             "scenario needs its own name ('base' is the command line's "
                             "settings)")
        seen.add(scenario.name)
    for scenario in scenarios:
        runs.append((scenario, *_apply(base, usage, book, scenario, label)))
    return runs


def describe_changes(scenario: Scenario) -> str:
    if not scenario.changes:
        return "the command line's settings"
    return "; ".join(f"{k}={v}" for k, v in scenario.changes.items())


def comparison(results: list[ScenarioResult]) -> list[dict]:
    """One row per scenario: the figures a side-by-side view shows (Decimals, not rounded)."""
    return [comparison_row(r) for r in results]


def comparison_row(r: ScenarioResult) -> dict:
    return {
        "name": r.scenario.name,
        "changes": describe_changes(r.scenario),
        "monthly_now": r.plan.monthly_now,
        "monthly_after": r.plan.monthly_after,
        "one_time": r.plan.one_time,
        "year_1": r.plan.year_total(1),
        "year_3": r.plan.year_total(3),
        "baseline_1y": r.plan.baseline_total(1),
        "baseline_3y": r.plan.baseline_total(3),
        # Differences between the figures as shown (cents), as in the JSON summary.
        "delta_1y": round_cents(r.plan.year_total(1)) - round_cents(r.plan.baseline_total(1)),
        "delta_3y": round_cents(r.plan.year_total(3)) - round_cents(r.plan.baseline_total(3)),
        "monthly_now_steady": r.plan.monthly_now_steady,
        "monthly_after_steady": r.plan.monthly_after_steady,
        "labour_priced": r.plan.labour_priced,
        "new_keys": r.plan.new_keys,
        "free_tier_requests_applied": r.plan.free_tier_after,
    }
