"""Key plans: existing keys with their rotation surcharges, and the keys the plan proposes.

Rotations so far are what ListKeyRotations counted (automatic and on-demand). When the scan
could not read them, they are estimated from the key's age: rotation on since creation, one
rotation per full period (RotationPeriodInDays, else 365 days), and the key plan says so. The
next rotation is KMS's NextRotationDate, else the next creation anniversary of that period.
A key pending deletion costs nothing now; if the plan says to restore it, it is billed after
(KMS bills a cancelled deletion as if it had never been scheduled).
"""

from __future__ import annotations

import datetime as dt

from planner.inventory import Inventory, Key
from planner.plan.model import ROTATIONS_ESTIMATED, ROTATIONS_LISTED, KeyPlan, ResourcePlan
from planner.plan.strategy import AWS_MANAGED_PREFIX, NEW_KEY_PREFIX, parse_ref
from pricing import PriceBook, key_cost_lines

DAYS_PER_YEAR = 365


def parse_time(text: str | None) -> dt.datetime | None:
    """An ISO date or date-time from the inventory, in UTC (None when absent or unreadable)."""
    if not text:
        return None
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def age_days(key: Key, as_of: dt.datetime) -> int | None:
    created = parse_time(key.created)
    return None if created is None else max((as_of - created).days, 0)


def rotations_at(age: int | None, rotation: bool, period: int = DAYS_PER_YEAR) -> int:
    return age // period if rotation and age is not None else 0


def next_rotation(key: Key, as_of: dt.datetime, period: int) -> dt.date | None:
    """When the key rotates next: KMS's date, else the next creation anniversary of the
    period; None while rotation is off."""
    if not key.rotation_enabled:
        return None
    told = parse_time(key.next_rotation)
    if told is not None:
        return told.date()
    created = parse_time(key.created)
    if created is None:
        return None
    passed = max((as_of - created).days, 0) // period
    return (created + dt.timedelta(days=(passed + 1) * period)).date()


def scan_time(inventory: Inventory) -> dt.datetime:
    return parse_time(inventory.scanned_at) or dt.datetime.now(dt.UTC)


def existing_key_plans(inventory: Inventory, book: PriceBook) -> dict[str, KeyPlan]:
    as_of = scan_time(inventory)
    plans = {}
    for key in inventory.keys:
        manager = "AWS" if key.aws_managed else "CUSTOMER"
        age = age_days(key, as_of)
        rotation = bool(key.rotation_enabled)
        period = key.rotation_period_days or DAYS_PER_YEAR
        if key.rotations is not None:
            rotations, source = key.rotations, ROTATIONS_LISTED
        else:
            rotations, source = rotations_at(age, rotation, period), ROTATIONS_ESTIMATED
        lines = key_cost_lines(book, rotations=rotations, state=key.state, manager=manager,
                               region=key.region)
        plans[key.arn] = KeyPlan(
            ref=key.arn, account=key.account, region=key.region,
            label=key.aliases[0] if key.aliases else key.key_id, status="existing",
            manager=manager, state=key.state, spec=key.spec, rotation=rotation,
            rotations_now=rotations, age_days=age, lines_now=lines, lines_after=list(lines),
            rotations_source=source if manager == "CUSTOMER" else "",
            next_rotation=next_rotation(key, as_of, period), rotation_period_days=period,
        )
    return plans


def referenced_key(ref: str, rotation: bool, book: PriceBook, encryption: str,
                   scanned_accounts: frozenset[str]) -> KeyPlan:
    """A key the plan refers to that the key catalogue does not hold.

    `encryption` is the state of the resource that refers to it: an AWS managed key the key
    list did not return is still AWS managed (free), whatever account it is in.
    """
    if ref.startswith(NEW_KEY_PREFIX):
        account, region, label = parse_ref(ref)
        return KeyPlan(ref=ref, account=account, region=region, label=f"alias/kmsplan/{label}",
                       status="proposed", manager="CUSTOMER", state="Enabled",
                       spec="SYMMETRIC_DEFAULT", rotation=rotation, rotations_now=0, age_days=0,
                       lines_after=key_cost_lines(book, region=region))
    if ref.startswith(AWS_MANAGED_PREFIX):
        account, region, label = parse_ref(ref)
        return KeyPlan(ref=ref, account=account, region=region, label=f"alias/{label}",
                       status="existing", manager="AWS", state="Enabled",
                       spec="SYMMETRIC_DEFAULT", rotation=True, rotations_now=0, age_days=None)
    # A key ARN the key list did not return. In another account, its key-months are billed
    # to its owner; in a scanned account it could not be read. Only its requests are priced.
    parts = ref.split(":")
    account, region = (parts[4], parts[3]) if len(parts) > 5 else ("", "")
    if encryption == "aws-managed":
        manager, status = "AWS", "existing"
    else:
        manager = "UNKNOWN"
        status = "not-listed" if account in scanned_accounts else "external"
    return KeyPlan(ref=ref, account=account, region=region, label=ref, status=status,
                   manager=manager, state="Unknown", spec="SYMMETRIC_DEFAULT", rotation=False,
                   rotations_now=0, age_days=None)


def key_plans(inventory: Inventory, book: PriceBook, resources: list[ResourcePlan],
              rotation: bool) -> dict[str, KeyPlan]:
    plans = existing_key_plans(inventory, book)
    scanned = frozenset(inventory.accounts)
    for plan in resources:
        for ref, attr, state in ((plan.key_now, "resources_now", plan.resource.encryption),
                                 (plan.key_after, "resources_after", plan.state_after)):
            if ref is None:
                continue
            key = plans.get(ref)
            if key is None:
                key = plans[ref] = referenced_key(ref, rotation, book, state, scanned)
            setattr(key, attr, getattr(key, attr) + 1)
        if plan.action == "restore-key" and plan.key_now in plans:
            key = plans[plan.key_now]
            key.restored = True  # rotates again after the plan (forecast)
            if not key.lines_after and key.manager == "CUSTOMER":
                # Cancelling the deletion makes the key billed again.
                key.lines_after = key_cost_lines(book, rotations=key.rotations_now,
                                                 region=key.region)
    return plans
