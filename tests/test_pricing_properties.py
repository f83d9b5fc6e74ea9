"""Properties of the cost model that must hold for any quantities."""

from decimal import Decimal as D

from hypothesis import given
from hypothesis import strategies as st

from pricing import (
    key_cost_lines,
    load_price_book,
    request_cost_lines,
    share_free_tier,
    total,
)
from pricing.costs import REQUEST_CLASSES, monthly_cost_lines
from pricing.present import allocate_cents, round_cents

BOOK = load_price_book()
ALLOWANCE = int(BOOK.value("free_tier_requests"))
ELIGIBLE = BOOK.entry("free_tier_requests").applies_to

counts = st.integers(min_value=0, max_value=10**10)
requests = st.dictionaries(st.sampled_from(sorted(REQUEST_CLASSES)), counts)
keys = st.integers(min_value=0, max_value=10_000)
rotations = st.integers(min_value=0, max_value=20)
hours = st.one_of(st.none(), st.decimals(min_value=0, max_value=2000, places=2))


def cost(n_keys=0, n_rotations=0, counts_by_class=None):
    lines, _ = monthly_cost_lines(BOOK, keys=n_keys, rotations=n_rotations,
                                  requests=counts_by_class or {})
    return total(lines)


@given(keys, rotations, requests, hours, st.sampled_from(["Enabled", "Disabled",
                                                          "PendingDeletion"]))
def test_no_cost_is_negative(n_keys, n_rotations, counts_by_class, key_hours, state):
    lines, share = monthly_cost_lines(BOOK, keys=n_keys, rotations=n_rotations,
                                      requests=counts_by_class)
    lines += key_cost_lines(BOOK, keys=n_keys, rotations=n_rotations, hours=key_hours, state=state)
    assert all(line.cost >= 0 and line.quantity >= 0 for line in lines)
    assert share.applied >= 0


@given(keys, rotations, requests, st.sampled_from(sorted(REQUEST_CLASSES)), counts)
def test_more_requests_never_cost_less(n_keys, n_rotations, counts_by_class, grown, more):
    before = cost(n_keys, n_rotations, counts_by_class)
    bigger = dict(counts_by_class)
    bigger[grown] = bigger.get(grown, 0) + more
    assert cost(n_keys, n_rotations, bigger) >= before


@given(keys, keys, rotations, requests)
def test_more_keys_never_cost_less(n_keys, more, n_rotations, counts_by_class):
    assert cost(n_keys + more, n_rotations, counts_by_class) >= cost(n_keys, n_rotations,
                                                                      counts_by_class)


parts = st.lists(requests, max_size=8)


@given(parts)
def test_free_tier_shares_add_up_and_stay_within_bounds(scope):
    share = share_free_tier(BOOK, scope)
    eligible = sum(part.get(c, 0) for part in scope for c in ELIGIBLE)
    assert share.applied == min(ALLOWANCE, eligible) <= ALLOWANCE
    assert sum(sum(free.values()) for free in share.per_part) == share.applied
    for part, free in zip(scope, share.per_part, strict=True):
        assert set(free) <= set(ELIGIBLE)
        assert all(0 < free[c] <= part[c] for c in free)


@given(parts)
def test_shared_parts_cost_the_same_as_the_whole_scope(scope):
    share = share_free_tier(BOOK, scope)
    by_part = sum((total(request_cost_lines(BOOK, part, share.per_part[i]))
                   for i, part in enumerate(scope)), D(0))
    merged: dict[str, int] = {}
    for part in scope:
        for request_class, count in part.items():
            merged[request_class] = merged.get(request_class, 0) + count
    assert by_part == cost(counts_by_class=merged)


amounts = st.lists(st.decimals(min_value=0, max_value=10**9, places=6), max_size=30)


@given(amounts)
def test_allocated_cents_add_up_to_the_rounded_total(values):
    cents = allocate_cents(values)
    assert sum(cents, D(0)) == round_cents(sum(values, D(0)))
    assert all(abs(c - v) < D("0.01") for c, v in zip(cents, values, strict=True))
    assert all(c == c.quantize(D("0.01")) for c in cents)
