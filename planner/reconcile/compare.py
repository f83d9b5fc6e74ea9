"""The bill for a month beside the plan's "now" figures: per account, region, charge and key.

The plan is built once by planner.plan.build_plan and read here, never re-priced: its existing
keys' key-month and rotation lines and its "now" request rows are the planned side. A line's
explained cost is the smaller of billed and planned; what the plan does not explain is put
down to a reason (keys the scan did not see, requests it did not estimate, more billed than
estimated, charges no price book entry names).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from planner.errors import InputError
from planner.plan.model import Plan
from planner.reconcile.bill import (
    DISCOUNT,
    FREE_TIER,
    GLOBAL,
    KEY_CHARGE,
    OTHER,
    Amount,
    Bill,
)
from pricing.costs import REQUEST_CLASSES

ZERO = Decimal(0)
KEY_SOURCE = "key listed by the scan, a month at the price book's key-month"
FREE_SOURCE = "the price book's free tier, shared out by the plan"
SYMMETRIC = REQUEST_CLASSES["symmetric"][0]
# Why a line is not (wholly) explained; the order the headline lists them in.
REASONS = {
    "unscanned": "keys not in the inventory (other regions, accounts not scanned)",
    "not_estimated": "requests the plan did not estimate (other services: Secrets Manager, "
                     "CloudTrail, Lambda, ...)",
    "under": "more billed than estimated on matched lines",
    "other": "KMS charges no price book entry names",
}
CHARGE_NAMES = {KEY_CHARGE: "Customer managed keys (with rotation surcharges)",
                FREE_TIER: "Free tier (requests)", DISCOUNT: "Discounts (EDP and other)",
                OTHER: "Other KMS charges",
                **{entry: name for entry, name in REQUEST_CLASSES.values()}}


@dataclass
class Line:
    account: str
    region: str
    charge: str  # key_month, requests_<class>, free_tier, discount, other
    key_arn: str | None
    billed_quantity: Decimal = ZERO  # key-months, or requests
    billed_usd: Decimal = ZERO
    planned_quantity: Decimal = ZERO
    planned_usd: Decimal = ZERO
    planned_rotation_quantity: Decimal = ZERO  # rotation key-months inside planned_quantity
    note: str = ""
    reason: str | None = None  # a REASONS key when the bill has more than the plan explains
    # Where the planned figure comes from: the scan's key list, or the request rows' sources
    # ("estimated from usage figures", "measured: cur, ...", ...).
    planned_sources: set[str] = field(default_factory=set)

    @property
    def planned_source(self) -> str:
        return "; ".join(sorted(self.planned_sources))

    @property
    def variance_usd(self) -> Decimal:
        return self.billed_usd - self.planned_usd

    @property
    def explained_usd(self) -> Decimal:
        if self.charge == DISCOUNT:
            return ZERO
        return min(max(self.billed_usd, ZERO), max(self.planned_usd, ZERO))


@dataclass
class Reconciliation:
    month: str
    source: str
    format: str
    lines: list[Line]
    excluded: dict[str, Amount]  # line type -> lines and cost left out
    plan_monthly_now: Decimal
    free_tier_apart: bool  # False: the source folds free requests into the request lines
    warnings: list[str] = field(default_factory=list)

    def _usage(self) -> list[Line]:
        return [line for line in self.lines if line.charge != DISCOUNT]

    @property
    def billed_usd(self) -> Decimal:
        """Billed at list price: usage lines, before discounts."""
        return sum((line.billed_usd for line in self._usage()), ZERO)

    @property
    def discounts_usd(self) -> Decimal:
        return sum((line.billed_usd for line in self.lines if line.charge == DISCOUNT), ZERO)

    @property
    def planned_now_usd(self) -> Decimal:
        return sum((line.planned_usd for line in self.lines), ZERO)

    @property
    def variance_usd(self) -> Decimal:
        return self.billed_usd - self.planned_now_usd

    @property
    def explained_usd(self) -> Decimal:
        return sum((line.explained_usd for line in self.lines), ZERO)

    @property
    def explained_share(self) -> Decimal | None:
        if self.billed_usd <= 0:
            return None
        return self.explained_usd / self.billed_usd

    def unexplained(self) -> dict[str, Decimal]:
        """Reason -> billed dollars the plan does not explain."""
        rest = dict.fromkeys(REASONS, ZERO)
        for line in self._usage():
            if line.reason and line.billed_usd > line.explained_usd:
                rest[line.reason] += line.billed_usd - line.explained_usd
        return rest

    @property
    def over_usd(self) -> Decimal:
        """Planned dollars the bill does not show (the plan estimates more than was billed)."""
        return sum((max(line.planned_usd - max(line.billed_usd, ZERO), ZERO)
                    for line in self._usage()), ZERO)

    def headline(self) -> str:
        share = self.explained_share
        if share is None:
            return f"{self.month}: no KMS cost billed; the plan's monthly now is " \
                   f"${_cents(self.planned_now_usd)}"
        text = (f"the plan's monthly now explains {_percent(share)}% of the billed KMS cost "
                f"(${_cents(self.explained_usd)} of ${_cents(self.billed_usd)}, {self.month})")
        rest = [f"${_cents(usd)} {REASONS[reason]}"
                for reason, usd in self.unexplained().items() if _cents(usd)]
        if rest:
            text += "; the rest is " + ", ".join(rest)
        if _cents(self.over_usd):
            text += f"; the plan estimates ${_cents(self.over_usd)} that was not billed"
        return text


def _cents(amount: Decimal) -> Decimal:
    return amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _percent(share: Decimal) -> Decimal:
    return (share * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def planned_lines(plan: Plan, free_tier_apart: bool = True) -> dict[tuple, Line]:
    """(account, region, charge, key ARN) -> the plan's "now" quantity and cost."""
    lines: dict[tuple, Line] = {}

    def line(account, region, charge, key) -> Line:
        where = (account, region, charge, key)
        if where not in lines:
            lines[where] = Line(account, region, charge, key)
        return lines[where]

    for key in plan.keys:
        if key.status != "existing" or not key.lines_now:
            continue
        target = line(key.account, key.region, KEY_CHARGE, key.ref)
        target.planned_sources.add(KEY_SOURCE + (f", rotations {key.rotations_source}"
                                                 if key.rotations_source else ""))
        for cost_line in key.lines_now:
            target.planned_quantity += cost_line.quantity
            target.planned_usd += cost_line.cost
            if cost_line.price_entry != KEY_CHARGE:
                target.planned_rotation_quantity += cost_line.quantity
    suffixed = {name for name, entry in plan.book.entries.items() if entry.usage_type_suffix}
    for row in plan.requests:
        if row.phase != "now":
            continue
        entry = REQUEST_CLASSES[row.request_class][0]
        # HMAC has no usage type of its own: the bill shows it as standard requests.
        charge = entry if entry in suffixed else SYMMETRIC
        account = row.scope if row.scope != "organization" else row.account
        target = line(account, row.region, charge, row.key_ref)
        target.planned_sources.add(row.source)
        paid = row.requests - row.free if free_tier_apart else row.requests
        target.planned_quantity += Decimal(paid)
        target.planned_usd += row.line.cost
        if row.free and free_tier_apart:
            free = line(row.scope, GLOBAL, FREE_TIER, None)
            free.planned_quantity += Decimal(row.free)
            free.planned_sources.add(FREE_SOURCE)
    return lines


def billed_lines(bill: Bill, month: str, organization: bool) -> dict[tuple, Amount]:
    found: dict[tuple, Amount] = defaultdict(Amount)
    for (line_month, account, region, charge, key), amount in bill.usage.items():
        if line_month != month:
            continue
        if charge == FREE_TIER and organization:
            account = "organization"
        found[(account, region, charge, key)].add(amount.quantity, amount.cost, amount.lines)
    return found


def pick_month(bill: Bill, month: str | None) -> str:
    months = bill.months()
    if not months:
        raise InputError(f"{bill.source}: no KMS lines (product code awskms) in the export")
    if month is None:
        return months[-1]
    if month not in months:
        raise InputError(f"{bill.source}: no KMS lines for {month}; months with KMS lines: "
                         f"{', '.join(months)}")
    return month


def reconcile(plan: Plan, bill: Bill, month: str | None = None,
              free_tier_apart: bool = True) -> Reconciliation:
    month = pick_month(bill, month)
    organization = plan.settings.billing_scope == "organization"
    planned = planned_lines(plan, free_tier_apart)
    billed = billed_lines(bill, month, organization)
    _collapse_unkeyed(planned, billed)
    inventory = plan.inventory
    known_keys = {key.arn for key in inventory.keys} | {key.ref for key in plan.keys}
    lines = []
    for where in sorted(set(planned) | set(billed), key=_order):
        line = planned.get(where) or Line(*where)
        amount = billed.get(where)
        if amount is not None:
            line.billed_quantity, line.billed_usd = amount.quantity, amount.cost
        line.note, line.reason = _judge(line, known_keys, set(inventory.regions),
                                        set(inventory.accounts))
        lines.append(line)
    excluded = {line_type: amount for (line_month, line_type), amount in bill.excluded.items()
                if line_month == month}
    return Reconciliation(month, bill.source, bill.format, lines, excluded, plan.monthly_now,
                          free_tier_apart, list(bill.warnings))


def _order(where: tuple) -> tuple:
    account, region, charge, key = where
    return (account, region, charge != KEY_CHARGE, charge, key or "")


def _collapse_unkeyed(planned: dict, billed: dict) -> None:
    """Where the bill names no key for an (account, region, charge), compare the plan's keys
    there as one line too: an export without resource ids has one line per usage type."""
    keyed = {where[:3] for where in billed if where[3] is not None}
    for where in [w for w in planned if w[3] is not None and w[:3] not in keyed]:
        if (*where[:3], None) not in billed:
            continue
        line = planned.pop(where)
        target = planned.setdefault((*where[:3], None), Line(*where[:3], None))
        target.planned_quantity += line.planned_quantity
        target.planned_usd += line.planned_usd
        target.planned_rotation_quantity += line.planned_rotation_quantity
        target.planned_sources |= line.planned_sources


def _judge(line: Line, known_keys: set, regions: set, accounts: set) -> tuple[str, str | None]:
    """(note, reason): what the line is, and why the bill has more than the plan explains."""
    billed = line.billed_usd or line.billed_quantity  # a free line is billed all the same
    planned = line.planned_usd or line.planned_quantity
    if line.charge == DISCOUNT:
        return "discount: not in the plan, which prices at list", None
    if line.charge == FREE_TIER:
        return "free tier: requests not charged", None
    if line.charge == OTHER:
        return "a KMS usage type no price book entry names", "other"
    if not billed:
        return "planned, not billed", None
    if planned:  # the plan prices this key (listed by the scan, or named by its resources)
        return "matched", "under"
    if line.key_arn is not None and line.key_arn not in known_keys:
        parts = line.key_arn.split(":")
        if len(parts) > 4 and parts[3] not in regions:
            return "key not in the inventory: region not scanned", "unscanned"
        if len(parts) > 4 and parts[4] not in accounts:
            return "key not in the inventory: account not scanned", "unscanned"
        return "key not in the inventory (created or deleted since the scan?)", "unscanned"
    if line.key_arn is None and line.region not in regions | {GLOBAL}:
        return "region not scanned", "unscanned"
    if line.account not in accounts and line.account != "organization":
        return "account not scanned", "unscanned"
    if line.charge == KEY_CHARGE:
        return "key billed, the plan prices none here", "unscanned"
    return "requests the plan did not estimate", "not_estimated"
