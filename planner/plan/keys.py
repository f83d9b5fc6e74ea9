"""Key plans: existing keys with their rotation surcharges, and the keys the plan proposes.

Rotation count of an existing key: automatic rotation is assumed on since the key's creation
with the default yearly period, so a key with rotation enabled has rotated once per full year
of age. A key pending deletion costs nothing now; if the plan says to restore it, it is billed
after (KMS bills a cancelled deletion as if it had never been scheduled).
"""

from __future__ import annotations

import datetime as dt

from planner.inventory import Inventory, Key
from planner.plan.model import KeyPlan, ResourcePlan
from planner.plan.strategy import AWS_MANAGED_PREFIX, NEW_KEY_PREFIX, parse_ref
from pricing import PriceBook, key_cost_lines

DAYS_PER_YEAR = 365


def age_days(key: Key, as_of: dt.datetime) -> int | None:
    if not key.created:
        return None
    try:
        created = dt.datetime.fromisoformat(key.created.replace("Z", "+00:00"))
    except ValueError:
        return None
    if created.tzinfo is None:
        created = created.replace(tzinfo=dt.UTC)
    return max((as_of - created).days, 0)


def rotations_at(age: int | None, rotation: bool) -> int:
    return age // DAYS_PER_YEAR if rotation and age is not None else 0


def scan_time(inventory: Inventory) -> dt.datetime:
    try:
        return dt.datetime.fromisoformat(inventory.scanned_at.replace("Z", "+00:00"))
    except ValueError:
        return dt.datetime.now(dt.UTC)


def existing_key_plans(inventory: Inventory, book: PriceBook) -> dict[str, KeyPlan]:
    as_of = scan_time(inventory)
    plans = {}
    for key in inventory.keys:
        manager = "AWS" if key.aws_managed else "CUSTOMER"
        age = age_days(key, as_of)
        rotation = bool(key.rotation_enabled)
        rotations = rotations_at(age, rotation)
        lines = key_cost_lines(book, rotations=rotations, state=key.state, manager=manager,
                               region=key.region)
        plans[key.arn] = KeyPlan(
            ref=key.arn, account=key.account, region=key.region,
            label=key.aliases[0] if key.aliases else key.key_id, status="existing",
            manager=manager, state=key.state, spec=key.spec, rotation=rotation,
            rotations_now=rotations, age_days=age, lines_now=lines, lines_after=list(lines),
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
            if not key.lines_after and key.manager == "CUSTOMER":
                # Cancelling the deletion makes the key billed again.
                key.lines_after = key_cost_lines(book, rotations=key.rotations_now,
                                                 region=key.region)
    return plans
