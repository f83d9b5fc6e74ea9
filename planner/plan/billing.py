"""KMS request charges: the free tier once per billing scope, shared out, then priced per key.

Each request source (a resource's requests on its key, or measured requests of a key that no
scanned resource accounts for) is a part of its billing scope. `share_free_tier` gives each
part its share of the scope's allowance in whole requests, so resources, keys and totals add
up exactly.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from planner.inventory import Inventory
from planner.plan.model import KeyPlan, RequestRow, ResourcePlan
from planner.plan.resources import AT_RISK_STATES
from pricing import PriceBook, request_cost_lines, share_free_tier
from pricing.costs import REQUEST_CLASSES, REQUESTS_PER_UNIT

ZERO = Decimal(0)


AUTO = "auto"


def resolve_scope(billing_scope: str, inventory: Inventory) -> str:
    """"auto": one free tier for the organization when the scan listed its accounts from AWS
    Organizations (consolidated billing shares it), else one per account."""
    if billing_scope != AUTO:
        return billing_scope
    return "organization" if inventory.scanned_org else "account"


def scope_of(account: str, billing_scope: str) -> str:
    return "organization" if billing_scope == "organization" else account


class Source:
    """Requests of one class on one key, owned by a resource plan or by the key itself."""

    __slots__ = ("key", "request_class", "requests", "owner", "origin", "account")

    def __init__(self, key: KeyPlan, request_class: str, requests: int,
                 owner: ResourcePlan | None, origin: str):
        self.key, self.request_class, self.requests = key, request_class, requests
        self.owner, self.origin = owner, origin
        # KMS bills a request to the calling account: the resource's, even on another
        # account's key (a key's own measured requests stay with the key's account).
        self.account = owner.resource.account if owner is not None else key.account


def price_requests(book: PriceBook, phase: str, sources: list[Source], billing_scope: str
                   ) -> tuple[list[RequestRow], int]:
    """Request rows per (key, class) for one phase, and the free requests applied in total."""
    by_scope: dict[str, list[Source]] = defaultdict(list)
    for source in sources:
        # Requests to a disabled or pending-deletion key fail and are not billed; after the
        # plan, a key it restores works again (its resources' sources say so).
        failing = phase == "now" and source.key.state in AT_RISK_STATES
        if source.requests and not failing:
            by_scope[scope_of(source.account, billing_scope)].append(source)
    applied = 0
    grouped: dict[tuple, list] = {}
    for scope, members in by_scope.items():
        share = share_free_tier(book, [{s.request_class: s.requests} for s in members])
        applied += share.applied
        for source, free in zip(members, share.per_part, strict=True):
            waived = free.get(source.request_class, 0)
            if source.owner is not None:
                entry = REQUEST_CLASSES[source.request_class][0]
                price = book.entry(entry, source.key.region or None)
                cost = Decimal(source.requests - waived) / REQUESTS_PER_UNIT * price.value
                owner = source.owner
                if phase == "now":
                    owner.request_cost_now, owner.free_now = cost, waived
                    owner.priced_now = source.requests
                else:
                    owner.request_cost_after, owner.free_after = cost, waived
                    owner.priced_after = source.requests
            group = grouped.setdefault(
                (scope, source.key.ref, source.request_class), [source.key, 0, 0, set()])
            group[1] += source.requests
            group[2] += waived
            group[3].add(source.origin)
    rows = []
    for (scope, ref, request_class), (key, requests, free, origins) in grouped.items():
        [line] = request_cost_lines(book, {request_class: requests}, {request_class: free},
                                    key.region or None)
        rows.append(RequestRow(phase, scope, ref, key.account, key.region, request_class,
                               requests, free, line, "; ".join(sorted(origins))))
    rows.sort(key=lambda r: (r.scope, r.account, r.region, r.key_ref, r.request_class))
    return rows, applied
