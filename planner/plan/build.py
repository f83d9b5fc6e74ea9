"""Build a plan from an inventory: inventory + settings + usage + price book -> Plan."""

from __future__ import annotations

from dataclasses import replace

from planner.errors import InputError
from planner.inventory import KEY_UNKNOWN, Inventory, Resource
from planner.plan import remediation
from planner.plan.actions import ACTIONS
from planner.plan.billing import Source, price_requests, resolve_scope
from planner.plan.forecast import forecast
from planner.plan.keys import key_plans, scan_time
from planner.plan.model import Plan, PlanSettings, ResourcePlan
from planner.plan.resources import ResourcePlanner
from planner.plan.savings import plan_savings
from planner.usage import TYPE_FIELDS, Usage
from pricing import PriceBook
from pricing.costs import largest_remainder

ESTIMATED = "estimated from usage figures"


def _check(settings: PlanSettings, usage: Usage, inventory: Inventory, book: PriceBook) -> None:
    if not inventory.resources and not inventory.keys:
        # Not a clean $0 budget: an estate nobody could read (or an empty scan).
        raise InputError("the inventory has no resources and no keys: nothing to plan "
                         f"({len(inventory.errors)} scan errors in it)")
    unknown = set(usage.parameter("labour_hours")) - set(ACTIONS)
    if unknown:
        raise InputError(f"{usage.path}: parameters.labour_hours.{sorted(unknown)[0]}: "
                         f"unknown action; use one of {', '.join(ACTIONS)}")
    for region in inventory.regions:
        book.entry("key_month", region)  # a region the price book lacks is bad input
    _check_override_types(inventory, usage)


def _check_override_types(inventory: Inventory, usage: Usage) -> None:
    """A per-resource figure the resource's type does not take would be ignored: bad input.
    An id several resources share (a volume and a table) takes the figures of any of them."""
    types: dict[str, set[str]] = {}
    for r in inventory.resources:
        types.setdefault(r.arn, set()).add(r.resource_type)
        types.setdefault(r.resource_id, set()).add(r.resource_type)
    for ref, (figures, _source) in usage.overrides.items():
        matched = types.get(ref)
        if not matched:
            continue  # matches nothing: warned about (_unmatched_usage)
        taken = {name for rtype in matched for name in TYPE_FIELDS.get(rtype, ())}
        for name in figures:
            if name not in taken:
                kinds = " or ".join(f"a {t}" for t in sorted(matched))
                raise InputError(f"{usage.path or 'usage file'}: resources.{ref}.{name}: not a "
                                 f"figure of {kinds} (it takes: "
                                 f"{', '.join(sorted(taken)) or 'none'})")


def _default_key_state(setting, keys_by_arn: dict, errors: dict) -> tuple[str, str | None]:
    """The EBS default-encryption setting's place on the ladder, and the error if unknown."""
    where = (setting.account, setting.region)
    if setting.ebs_encryption_by_default is None:
        return "unknown", errors.get((*where, "GetEbsEncryptionByDefault"), "not read")
    if not setting.ebs_encryption_by_default:
        return "none", None
    arn = setting.ebs_default_key_arn
    if arn is None:
        error = errors.get((*where, "GetEbsDefaultKmsKeyId"))
        # No error: encryption is on and AWS names no other key, so it is aws/ebs.
        return ("unknown", error) if error else ("aws-managed", None)
    key = keys_by_arn.get(arn)
    if key is not None:
        return ("aws-managed" if key.aws_managed else "customer-managed"), None
    return ("aws-managed" if "alias/aws/" in arn else "customer-managed"), None


def _region_settings(inventory: Inventory, keys_by_arn: dict) -> list[Resource]:
    """EBS encryption-by-default settings as plannable rows (one per account and region)."""
    errors = {(e.account, e.region, e.operation): f"{e.code}: {e.message}"
              for e in inventory.errors}
    rows = []
    for s in inventory.settings:
        encryption, error = _default_key_state(s, keys_by_arn, errors)
        rows.append(Resource(
            account=s.account, region=s.region, service="ebs", resource_type="account-setting",
            resource_id=f"ebs-encryption-by-default/{s.account}/{s.region}",
            arn=f"arn:{inventory.partition}:ec2:{s.region}:{s.account}:ebs-encryption-by-default",
            name="EBS encryption by default", encryption=encryption,
            kms_key_arn=s.ebs_default_key_arn if encryption != "none" else None, error=error,
        ))
    return rows


def _scan_gaps(inventory: Inventory) -> list[str]:
    """What the scan could not read: those resources are unknown, or missing from the plan."""
    counts: dict[tuple, int] = {}
    for e in inventory.errors:
        where = (e.account, e.region, e.service, e.operation, e.code)
        counts[where] = counts.get(where, 0) + 1
    return [f"scan: {account} {region} {service} {operation} failed with {code} (x{n}): what "
            "it reads is unknown or missing in this plan"
            for (account, region, service, operation, code), n in sorted(counts.items())]


def _keys_unknown(inventory: Inventory) -> list[str]:
    """Resources encrypted under a KMS key the scan could not name: their requests now go to
    a key nobody can price."""
    count = sum(1 for r in inventory.resources if r.encryption == KEY_UNKNOWN)
    if not count:
        return []
    return [f"{count} resource(s) are encrypted with KMS under a key the scan could not name "
            f"({KEY_UNKNOWN}): their KMS requests now are not priced"]


def _unmatched_usage(inventory: Inventory, usage: Usage, keys: dict) -> list[str]:
    """Usage-file entries that name no scanned resource or key: likely a misspelt name."""
    names = {r.arn for r in inventory.resources} | {r.resource_id for r in inventory.resources}
    where = usage.path or "usage file"
    warnings = [f"{where}: resources.{ref} matches no resource in the inventory"
                for ref in usage.overrides if ref not in names]
    warnings += [f"{where}: keys.{arn} matches no key in the inventory"
                 for arn in usage.keys if arn not in keys]
    return warnings


def _measured_sources(plans: list[ResourcePlan], keys: dict, usage: Usage,
                      phase: str) -> list[Source]:
    """Request sources for one phase; measured key totals replace estimates on their key."""
    sources = []
    by_key: dict[str, list[ResourcePlan]] = {}
    for plan in plans:
        ref = plan.key_now if phase == "now" else plan.key_after
        requests = plan.requests_now if phase == "now" else plan.requests_after
        if ref is None:
            continue
        measurement = usage.keys.get(plan.key_now) if plan.key_now else None
        if measurement is not None:
            by_key.setdefault(plan.key_now, []).append(plan)
        elif requests:
            sources.append(Source(keys[ref], "symmetric", requests, plan, ESTIMATED))
    for arn, measurement in usage.keys.items():
        if arn not in keys:
            continue
        members = by_key.get(arn, [])
        measured_symmetric = measurement.requests.get("symmetric", 0)
        # Spread the measured total over the key's resources by their estimates; a phase's
        # request count keeps the ratio the estimate had between now and after.
        shares = largest_remainder(measured_symmetric, [p.requests_now for p in members])
        for plan, share in zip(members, shares, strict=True):
            ref = plan.key_now if phase == "now" else plan.key_after
            if phase == "now":
                plan.sources = {**plan.sources, "kms_requests": measurement.label}
            elif plan.requests_now:
                # The estimate's change (a bucket key, say) applies to the measured share.
                share = share * plan.requests_after // plan.requests_now
            if ref is not None and share:
                sources.append(Source(keys[ref], "symmetric", share, plan, measurement.label))
        leftovers = dict(measurement.requests)
        if members:
            leftovers.pop("symmetric", None)
        for request_class, count in leftovers.items():
            kept = phase == "now" or keys[arn].lines_after or keys[arn].manager != "CUSTOMER"
            if count and kept:
                sources.append(Source(keys[arn], request_class, count, None, measurement.label))
    return sources


def _assumed_price_warnings(plan: Plan) -> list[str]:
    by_region: dict[str, list[str]] = {}
    for entry, region in plan.assumed_prices():
        by_region.setdefault(region, []).append(entry)
    return [f"prices: {', '.join(entries)} were read for "
            f"{plan.book.entry(entries[0]).read_in} and are assumed in {region}: run kmsplan "
            f"prices refresh --regions {region}, or give the region its own prices"
            for region, entries in sorted(by_region.items())]


def build_plan(inventory: Inventory, settings: PlanSettings, usage: Usage,
               book: PriceBook) -> Plan:
    _check(settings, usage, inventory, book)
    settings = replace(settings, billing_scope=resolve_scope(settings.billing_scope, inventory))
    keys_by_arn = {k.arn: k for k in inventory.keys}
    aliases = {(k.account, k.region, alias): k.arn
               for k in inventory.keys if k.aws_managed for alias in k.aliases}
    planner = ResourcePlanner(settings, book, usage, keys_by_arn, aliases)
    # Clusters first, so that their member instances can follow them.
    order = sorted(range(len(inventory.resources)),
                   key=lambda i: inventory.resources[i].resource_type != "db-cluster")
    planned: list[ResourcePlan | None] = [None] * len(inventory.resources)
    for i in order:
        planned[i] = planner.plan(inventory.resources[i])
    resources: list[ResourcePlan] = planned  # type: ignore[assignment]
    region_actions = [planner.plan(row) for row in _region_settings(inventory, keys_by_arn)]
    everything = resources + region_actions
    for p in everything:
        if p.action == "ebs-snapshot-copy":
            p.storage_after = remediation.full_copy_lines(book, usage, p.resource)
    keys = key_plans(inventory, book, everything, settings.rotation)
    rows_now, free_now = price_requests(
        book, "now", _measured_sources(everything, keys, usage, "now"), settings.billing_scope)
    rows_after, free_after = price_requests(
        book, "after", _measured_sources(everything, keys, usage, "after"),
        settings.billing_scope)
    key_list = sorted(keys.values(), key=lambda k: (k.account, k.region, k.status, k.label))
    plan = Plan(
        settings=settings, inventory=inventory, book=book, usage_echo=usage.echo(),
        usage_path=usage.path, resources=resources, keys=key_list,
        requests=rows_now + rows_after, forecast=[], free_tier_now=free_now,
        free_tier_after=free_after, region_actions=region_actions,
        warnings=(list(inventory.notes) + _scan_gaps(inventory) + _keys_unknown(inventory)
                  + _unmatched_usage(inventory, usage, keys)
                  + remediation.one_time_warnings(everything, usage)),
        labour_priced=remediation.labour_priced(usage),
        unsized=remediation.without_size(everything), usage=usage,
    )
    plan.warnings += _assumed_price_warnings(plan)
    plan.savings = plan_savings(plan, usage)  # before the forecast: retired keys leave it
    plan.forecast = forecast(book, key_list, plan.request_cost("now"),
                             plan.request_cost("after"), plan.one_time, scan_time(inventory),
                             settings.forecast_months, plan.storage_cost_after)
    return plan

