"""Is a customer managed key idle? Evidence from every source the plan has, and a verdict.

A key is idle only when every source agrees: no scanned resource names it (as its key, the
EBS default-encryption key, or in any other field of its details, such as a replication
key), the plan puts nothing on it, no cryptographic use (GetKeyLastUsage) for at least
`idle_key_days`, no measured requests when a measurement was read, not a multi-Region
primary with live replicas (listed by the primary, or scanned replicas naming it), no
grants in force, and not imported material or a custom key store (unless
`idle_keys_include_special`). Anything that shows use makes it "in use"; anything the plan
could not read (last use, grants, resources of its account and region the scan missed,
services the scan did not read: `kmsplan scan --services`, or an inventory that does not
say) makes it "unknown". docs/plan.md explains the rules.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from planner.inventory import SERVICES, Inventory, Key
from planner.plan.keys import parse_time
from planner.plan.model import ZERO, KeyPlan, ResourcePlan
from planner.usage import Usage

IN_USE, IDLE, UNKNOWN = "in use", "idle", "unknown"
NOT_JUDGED_STATES = ("PendingDeletion", "PendingReplicaDeletion")  # already on their way out
CUSTOM_STORE_ORIGINS = ("AWS_CLOUDHSM", "EXTERNAL_KEY_STORE")
KMS_SERVICES = ("kms", "tags")  # their failures do not hide resources that use a key
EXAMPLES = 3
# Resources that may use any key of their region: unreadable, or encrypted under a key the
# scan could not name ("kms-key-unknown", the rung issue 11 adds).
KEY_NOT_NAMED = ("unknown", "kms-key-unknown")


@dataclass(slots=True)
class KeyVerdict:
    key: KeyPlan
    verdict: str  # IN_USE | IDLE | UNKNOWN
    reasons: list[str] = field(default_factory=list)  # what shows use, or what is unknown
    evidence: list[str] = field(default_factory=list)  # what says idle
    monthly: Decimal = ZERO  # key-months and rotation surcharges it costs now
    three_year: Decimal = ZERO  # what retiring it saves over the forecast
    retired: bool = False  # counted in "after" (--retire-idle-keys)


def references(actions: list[ResourcePlan], keys: set[str]) -> dict[str, list[str]]:
    """Key ARN -> what names it: resources (key now or after), EBS default-encryption
    settings, and any key ARN in a resource's details (replication keys and the like)."""
    found: dict[str, list[str]] = {}

    def note(ref: str | None, what: str) -> None:
        if ref in keys:
            found.setdefault(ref, []).append(what)

    for p in actions:
        r = p.resource
        where = ("EBS default-encryption key" if r.resource_type == "account-setting"
                 else f"{r.resource_type} {r.resource_id}")
        note(p.key_now or r.kms_key_arn, where)
        if p.key_after != (p.key_now or r.kms_key_arn):
            note(p.key_after, f"{where} (after the plan)")
        for name, value in (r.details or {}).items():
            if isinstance(value, str):
                note(value, f"{where} ({name})")
    return found


def blind_spots(inventory: Inventory) -> dict[tuple[str, str], int]:
    """(account, region) -> resources the scan could not read there (unknown without a key)
    and calls that failed there: any of them may hide a resource that uses a key."""
    spots: dict[tuple[str, str], int] = {}
    for r in inventory.resources:
        if r.encryption in KEY_NOT_NAMED and not r.kms_key_arn:
            spots[(r.account, r.region)] = spots.get((r.account, r.region), 0) + 1
    for e in inventory.errors:
        if e.service not in KMS_SERVICES:
            spots[(e.account, e.region)] = spots.get((e.account, e.region), 0) + 1
    return spots


def services_not_scanned(inventory: Inventory) -> str:
    """Why a resource the scan never listed may use any key ("" when every service the
    scanner knows was read): `scan --services` chose fewer, or the file does not say."""
    if inventory.services is None:
        return ("the inventory does not say which services were scanned (written before "
                "kmsplan recorded them): a resource of any of them may use this key")
    missing = [name for name in SERVICES if name not in inventory.services]
    if not missing:
        return ""
    return (f"services not scanned: {', '.join(missing)} (scan --services): a resource of "
            "theirs may use this key")


def _last_use(key: Key, as_of: dt.datetime, days: int) -> tuple[str, str]:
    """(IN_USE | IDLE | UNKNOWN, why) from GetKeyLastUsage."""
    seen = key.last_usage
    if seen is None:
        return UNKNOWN, "last use not read (an inventory from before GetKeyLastUsage)"
    if seen.get("error"):
        return UNKNOWN, f"last use unknown: GetKeyLastUsage failed with {seen['error']}"
    used = parse_time(seen.get("timestamp"))
    if used is not None:
        ago = (as_of - used).days
        what = f"last used {used.date()} ({seen.get('operation') or 'an operation'})"
        return (IN_USE, f"{what}, {ago} days before the scan") if ago < days else (
            IDLE, f"{what}, {ago} days before the scan (threshold {days})")
    tracked = parse_time(seen.get("tracking_start"))
    if tracked is None:
        return UNKNOWN, "last use unknown: GetKeyLastUsage gave no tracking start"
    created = parse_time(key.created)
    quiet = (as_of - tracked).days
    since = ("since it was created" if created is not None and created >= tracked
             else f"since tracking began ({tracked.date()}; earlier use not recorded)")
    if quiet < days:
        return UNKNOWN, f"no use {since}, but that is only {quiet} days (threshold {days})"
    return IDLE, f"no cryptographic use {since}: {quiet} days (threshold {days})"


def _measured(arn: str, usage: Usage) -> tuple[str, str] | None:
    measurement = usage.keys.get(arn)
    if measurement is not None and any(measurement.requests.values()):
        count = sum(measurement.requests.values())
        return IN_USE, f"{count:,} requests a month {measurement.label}"
    if usage.measured:
        window = usage.measured.get("window")
        source = usage.measured.get("source", "a measurement")
        return IDLE, f"no requests measured in {source}" + (f", {window}" if window else "")
    return None


def judge(key: Key, plan: KeyPlan, named_by: list[str], unread: int, replicas: set[str],
          usage: Usage, as_of: dt.datetime, not_scanned: str = "") -> KeyVerdict:
    verdict = KeyVerdict(plan, IDLE)
    days = usage.parameter("idle_key_days")
    findings: list[tuple[str, str]] = []
    if named_by:
        shown = ", ".join(named_by[:EXAMPLES]) + (
            f" and {len(named_by) - EXAMPLES} more" if len(named_by) > EXAMPLES else "")
        findings.append((IN_USE, f"named by {shown}"))
    else:
        findings.append((IDLE, "no scanned resource or setting names it"))
    if unread and not named_by:
        findings.append((UNKNOWN, f"{unread} resource(s) or call(s) in {key.account} "
                         f"{key.region} could not be read: one may use this key"))
    if not_scanned and not named_by:
        findings.append((UNKNOWN, not_scanned))
    findings.append(_last_use(key, as_of, days))
    measured = _measured(key.arn, usage)
    if measured is not None:
        findings.append(measured)
    if key.grants is None:
        findings.append((UNKNOWN, "grants not read (ListGrants)"))
    elif key.grants:
        findings.append((IN_USE, f"{key.grants} grant(s) in force: a service may still use it"))
    else:
        findings.append((IDLE, "no grants"))
    if replicas:
        findings.append((IN_USE, f"multi-Region primary with {len(replicas)} "
                         "replica(s) sharing its key material"))
    special = _special(key)
    if special and not usage.parameter("idle_keys_include_special"):
        findings.append((UNKNOWN, f"{special}: not judged unless "
                         "parameters.idle_keys_include_special is true"))
    for outcome, why in findings:
        (verdict.evidence if outcome == IDLE else verdict.reasons).append(why)
    outcomes = {outcome for outcome, _ in findings}
    verdict.verdict = IN_USE if IN_USE in outcomes else UNKNOWN if UNKNOWN in outcomes else IDLE
    if verdict.verdict == IN_USE:  # only what shows use explains an "in use"
        verdict.reasons = [why for outcome, why in findings if outcome == IN_USE]
    return verdict


def _special(key: Key) -> str:
    if key.origin == "EXTERNAL":
        return "imported key material (it cannot be re-created once deleted)"
    if key.custom_key_store or key.origin in CUSTOM_STORE_ORIGINS:
        return "a custom key store key"
    return ""


def live_replicas(inventory: Inventory) -> dict[str, set[str]]:
    """Primary key ARN -> its replicas not on their way out: those a primary lists
    (MultiRegionConfiguration.ReplicaKeys) and scanned keys that name it as their primary."""
    states = {k.arn: k.state for k in inventory.keys}
    found: dict[str, set[str]] = {}
    for k in inventory.keys:
        if k.multi_region_type == "PRIMARY":
            found.setdefault(k.arn, set()).update(k.replica_keys)
        if k.primary_key and k.primary_key != k.arn:
            found.setdefault(k.primary_key, set()).add(k.arn)
    return {arn: {r for r in replicas if states.get(r) not in NOT_JUDGED_STATES}
            for arn, replicas in found.items()}


def judge_keys(inventory: Inventory, keys: list[KeyPlan], actions: list[ResourcePlan],
               usage: Usage, as_of: dt.datetime) -> list[KeyVerdict]:
    """A verdict for every existing, billed-or-disabled customer managed key."""
    scanned = {k.arn: k for k in inventory.keys}
    judged = [k for k in keys if k.status == "existing" and k.manager == "CUSTOMER"
              and k.ref in scanned and k.state not in NOT_JUDGED_STATES]
    named = references(actions, {k.ref for k in judged})
    spots = blind_spots(inventory)
    replicas = live_replicas(inventory)
    not_scanned = services_not_scanned(inventory)
    return [judge(scanned[k.ref], k, named.get(k.ref, []), spots.get((k.account, k.region), 0),
                  replicas.get(k.ref, set()), usage, as_of, not_scanned) for k in judged]
