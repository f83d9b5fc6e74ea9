"""The plan's savings levers: idle keys retired, bucket keys, consolidation under the key
strategy (shared new keys against one per resource). Each has a monthly and a 3-year
saving, whether "after" counts it, and its evidence.

Idle keys (planner/plan/idle.py) are retired only with --retire-idle-keys: then each gets a
`retire-key` action (disable, watch CloudTrail for DisabledException for
`idle_key_watch_days`, schedule deletion with the longest waiting window), it is billed
during the watch as a one-time cost, and it leaves "after". Without the switch the saving is
shown as an option and nothing in "after" changes. Money comes from the forecast's own key
pricing: a key's 3-year saving is its forecast cost (rotations stepping up) less the
one-time cost of retiring it (the watch, and labour when `labour_hours` prices it).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from decimal import Decimal

from planner.inventory import Resource
from planner.plan.forecast import forecast
from planner.plan.idle import IDLE, UNKNOWN, KeyVerdict, judge_keys
from planner.plan.keys import scan_time
from planner.plan.model import ZERO, KeyPlan, Plan, ResourcePlan
from planner.plan.remediation import labour_lines
from planner.plan.requests import monthly_requests, traffic
from planner.plan.strategy import NEW_KEY_PREFIX
from planner.usage import Usage
from pricing import key_cost_lines, total
from pricing.costs import request_cost_lines

RETIRE = "retire-key"
DAYS_PER_MONTH = 30  # the watch is billed in whole months, as the forecast counts them
# The longest waiting period KMS allows for ScheduleKeyDeletion (PendingWindowInDays).
MAX_DELETION_WINDOW_DAYS = 30
THREE_YEARS = 36  # months


@dataclass(frozen=True)
class Lever:
    name: str  # idle keys | bucket keys | consolidation
    monthly: Decimal
    three_year: Decimal
    counted: bool  # already in the plan's "after" figures
    evidence: str


@dataclass
class Savings:
    verdicts: list[KeyVerdict]
    levers: list[Lever] = field(default_factory=list)
    retire: bool = False
    idle_days: int = 0
    watch_days: int = 0

    def with_verdict(self, verdict: str) -> list[KeyVerdict]:
        return [v for v in self.verdicts if v.verdict == verdict]


def watch_months(usage: Usage) -> int:
    return math.ceil(usage.parameter("idle_key_watch_days") / DAYS_PER_MONTH)


def _three_year(plan: Plan, key: KeyPlan, months: int, cache: dict | None = None) -> Decimal:
    """The key's forecast cost over the plan's months (its rotations stepping up). Keys that
    price alike share one forecast (`cache`): an estate has thousands of keys, few shapes."""
    shape = (key.region, key.state, key.rotation, key.rotations_now, key.next_rotation,
             key.rotation_period_days, bool(key.lines_now), months)
    if cache is not None and shape in cache:
        return cache[shape]
    alone = replace(key, lines_after=list(key.lines_now))
    rows = forecast(plan.book, [alone], ZERO, ZERO, ZERO, scan_time(plan.inventory), months)
    cost = sum((row.keys_after for row in rows), ZERO)
    if cache is not None:
        cache[shape] = cost
    return cost


def _retire_lines(plan: Plan, key: KeyPlan, usage: Usage) -> list:
    """One-time cost of retiring: key-months billed while the disabled key is watched (a
    disabled key is billed; one pending deletion is not), and labour when priced."""
    return key_cost_lines(plan.book, keys=watch_months(usage), rotations=key.rotations_now,
                          region=key.region) + labour_lines(usage, RETIRE)


def _retire_action(key: KeyPlan, lines: list, verdict: KeyVerdict) -> ResourcePlan:
    row = Resource(account=key.account, region=key.region, service="kms",
                   resource_type="key", resource_id=key.label, arn=key.ref, name=key.label,
                   encryption="customer-managed", kms_key_arn=key.ref)
    return ResourcePlan(resource=row, target="retired", action=RETIRE,
                        state_after="PendingDeletion", key_now=key.ref, key_after=None,
                        bucket_key_after=None, at_risk=False, requests_now=0,
                        requests_after=0, one_time=lines,
                        sources={"idle": "; ".join(verdict.evidence)}, figures={})


def three_years(plan: Plan) -> int:
    return min(THREE_YEARS, plan.settings.forecast_months)


def _idle_lever(plan: Plan, savings: Savings, usage: Usage) -> Lever:
    months, cache = three_years(plan), {}
    for v in savings.verdicts:
        if v.verdict in (IDLE, UNKNOWN):
            v.monthly = total(v.key.lines_now)
            v.three_year = _three_year(plan, v.key, months, cache) - total(
                _retire_lines(plan, v.key, usage))
    idle = savings.with_verdict(IDLE)
    evidence = (f"{len(idle)} key(s) with no reference, grant, replica or measured request "
                f"and no cryptographic use for {savings.idle_days} days or more")
    unknown = [v for v in savings.with_verdict(UNKNOWN) if v.monthly]
    if unknown:
        evidence += (f"; {len(unknown)} more could be idle but the plan cannot tell "
                     f"({sum((v.monthly for v in unknown), ZERO):.2f} a month, not included)")
    return Lever("idle keys", sum((v.monthly for v in idle), ZERO),
                 sum((v.three_year for v in idle), ZERO), savings.retire, evidence)


def _bucket_lever(plan: Plan, usage: Usage) -> Lever:
    """Requests the plan's bucket keys remove from remediated buckets (before the free tier,
    which may absorb part of them)."""
    reduction = usage.parameter("bucket_key_request_reduction")
    monthly, buckets, saved = ZERO, 0, 0
    for p in plan.resources:
        if p.action != "s3-set-default-sse-kms":
            continue
        base = traffic(p.resource, usage, {}, {})
        fewer = base - monthly_requests(base, True, True, reduction)
        if fewer:
            buckets, saved = buckets + 1, saved + fewer
            monthly += total(request_cost_lines(plan.book, {"symmetric": fewer},
                                                region=p.resource.region))
    evidence = (f"{buckets} remediated bucket(s) with a bucket key: {saved:,} fewer KMS "
                f"requests a month by the usage figures (bucket_key_request_reduction "
                f"{reduction}), priced before the free tier")
    return Lever("bucket keys", monthly, monthly * three_years(plan),
                 plan.settings.bucket_keys, evidence)


def _consolidation_lever(plan: Plan) -> Lever:
    """What the key strategy saves by sharing its new keys, against one new key for every
    resource it moves: (resources moved - new keys) key-months a region, with the new keys'
    yearly rotations from the forecast. Counted: the chosen strategy is what "after" prices."""
    proposed = [k for k in plan.keys if k.status == "proposed"]
    moved: dict[str, int] = {}
    for p in plan.all_actions:
        if p.key_after and p.key_after.startswith(NEW_KEY_PREFIX):
            moved[p.resource.region] = moved.get(p.resource.region, 0) + 1
    monthly = three_year = ZERO
    for region, count in moved.items():
        sample = next(k for k in proposed if k.region == region)
        spared = count - sum(1 for k in proposed if k.region == region)
        monthly += spared * total(sample.lines_after)
        rows = forecast(plan.book, [sample], ZERO, ZERO, ZERO, scan_time(plan.inventory),
                        three_years(plan))
        three_year += spared * sum((row.keys_after for row in rows), ZERO)
    evidence = (f"{sum(moved.values())} resource(s) move to {len(proposed)} new key(s) under "
                f"the {plan.settings.key_strategy} strategy; one key per resource would need "
                f"{sum(moved.values())}")
    return Lever("consolidation", monthly, three_year, True, evidence)


def plan_savings(plan: Plan, usage: Usage) -> Savings:
    """Verdicts and levers; with --retire-idle-keys, idle keys leave "after" and get a
    retire-key action. Runs before the forecast, which then sees the retired keys gone."""
    verdicts = judge_keys(plan.inventory, plan.keys, plan.all_actions, usage,
                          scan_time(plan.inventory))
    savings = Savings(verdicts, retire=plan.settings.retire_idle_keys,
                      idle_days=usage.parameter("idle_key_days"),
                      watch_days=usage.parameter("idle_key_watch_days"))
    savings.levers = [_idle_lever(plan, savings, usage), _bucket_lever(plan, usage),
                      _consolidation_lever(plan)]
    if savings.retire:
        for v in savings.with_verdict(IDLE):
            plan.region_actions.append(_retire_action(v.key, _retire_lines(plan, v.key, usage),
                                                      v))
            v.key.lines_after = []
            v.retired = True
    return savings
