"""One free-tier allowance shared out over keys or accounts: the parts add up to the total."""

from decimal import Decimal as D

import pytest

from pricing import load_price_book, present_lines, request_cost_lines, share_free_tier, total
from pricing.costs import monthly_cost_lines
from pricing.present import allocate_cents


@pytest.fixture(scope="module")
def book():
    return load_price_book()


def part_costs(book, parts):
    share = share_free_tier(book, parts)
    lines = [request_cost_lines(book, part, share.per_part[i]) for i, part in enumerate(parts)]
    return share, lines


# Key A 30,000 symmetric, key B 10,000 symmetric, key C 5,000 HMAC + 1,000,000 asymmetric.
# Eligible 45,000, applied 20,000. Exact shares: A 13,333.33 (remainder 15,000/45,000),
# B 4,444.44 (20,000/45,000), C 2,222.22 (10,000/45,000). Floors add to 19,999; the one left
# goes to the largest remainder, B.
KEYS = [{"symmetric": 30_000}, {"symmetric": 10_000}, {"hmac": 5_000, "asymmetric": 1_000_000}]


def test_shared_across_keys_by_largest_remainder(book):
    share, _ = part_costs(book, KEYS)
    assert share.applied == 20_000
    assert share.per_part == [{"symmetric": 13_333}, {"symmetric": 4_445}, {"hmac": 2_222}]


def test_per_key_costs_add_up_to_the_scope_total(book):
    # Per key: A 16,667 x $0.000003 = 0.050001; B 5,555 -> 0.016665; C 2,778 -> 0.008334 and
    # 100 x $0.15 = 15.00. The whole scope: 25,000 billed eligible = 0.075, plus 15.00.
    _, lines = part_costs(book, KEYS)
    assert [total(part) for part in lines] == [D("0.050001"), D("0.016665"), D("15.008334")]
    flat = [line for part in lines for line in part]
    scope_lines, _ = monthly_cost_lines(
        book, requests={"symmetric": 40_000, "hmac": 5_000, "asymmetric": 1_000_000}
    )
    assert total(flat) == total(scope_lines) == D("15.075")


def test_per_key_lines_still_add_up_after_rounding(book):
    # Lines: A, B, C asymmetric, C HMAC (classes in REQUEST_CLASSES order). Total 15.075 ->
    # $15.08. Floors 0.05 + 0.01 + 15.00 + 0.00 = 15.06; the two missing cents go to the largest
    # remainders: C's HMAC line (0.008334) and B (0.006665).
    _, lines = part_costs(book, KEYS)
    cents, presented = present_lines([line for part in lines for line in part])
    assert cents == [D("0.05"), D("0.02"), D("15.00"), D("0.01")]
    assert presented == D("15.08")


# Three accounts of one organization, 10,000 symmetric each: 20,000 x 10,000 / 30,000 =
# 6,666.67 each with equal remainders, so the two requests left go to the earlier accounts:
# 6,667, 6,667, 6,666.
ACCOUNTS = [{"symmetric": 10_000}] * 3


def test_shared_across_the_accounts_of_an_organization(book):
    share, lines = part_costs(book, ACCOUNTS)
    assert [part["symmetric"] for part in share.per_part] == [6_667, 6_667, 6_666]
    # Billed 3,333 / 3,333 / 3,334 at $0.000003: 0.009999 + 0.009999 + 0.010002 = 0.03 exactly,
    # what 10,000 billed requests cost in one scope.
    assert [total(part) for part in lines] == [D("0.009999"), D("0.009999"), D("0.010002")]
    assert sum((total(part) for part in lines), D(0)) == D("0.03")
    # Rounded: floors 0.00, 0.00, 0.01; two cents go to the two 0.009999 remainders.
    cents, presented = present_lines([line for part in lines for line in part])
    assert cents == [D("0.01"), D("0.01"), D("0.01")]
    assert presented == D("0.03")


def test_each_account_its_own_scope_without_consolidated_billing(book):
    # One allowance per account: 10,000 each is all free.
    for account in ACCOUNTS:
        share, lines = part_costs(book, [account])
        assert share.applied == 10_000
        assert total(lines[0]) == 0


@pytest.mark.parametrize(
    ("parts", "applied", "per_part"),
    [
        ([], 0, []),
        ([{}, {}], 0, [{}, {}]),
        ([{"asymmetric": 50_000}], 0, [{}]),
        ([{"symmetric": 5_000}, {"symmetric": 5_000}], 10_000,
         [{"symmetric": 5_000}, {"symmetric": 5_000}]),
        # 1 request per part, 3 parts, allowance covers all.
        ([{"symmetric": 1}] * 3, 3, [{"symmetric": 1}] * 3),
        # 20,001 in one part and 1 in another: 20,000 x 20,001 / 20,002 = 19,999.0001 and
        # 20,000 x 1 / 20,002 = 0.9999: the one left goes to the second part's larger remainder.
        ([{"symmetric": 20_001}, {"symmetric": 1}], 20_000,
         [{"symmetric": 19_999}, {"symmetric": 1}]),
    ],
)
def test_sharing_edge_cases(book, parts, applied, per_part):
    share = share_free_tier(book, parts)
    assert (share.applied, share.per_part) == (applied, per_part)


@pytest.mark.parametrize(
    ("amounts", "expected"),
    [
        ([], []),
        (["0.005"], ["0.01"]),  # half a cent rounds up
        (["0.004", "0.004", "0.004"], ["0.01", "0.00", "0.00"]),  # 0.012 -> 0.01; ties: earlier
        (["0.333333", "0.333333", "0.333334"], ["0.33", "0.33", "0.34"]),
        (["1.005", "2.005"], ["1.01", "2.00"]),  # 3.01 total; tie on remainder goes to the first
    ],
)
def test_allocate_cents(amounts, expected):
    cents = allocate_cents([D(a) for a in amounts])
    assert cents == [D(e) for e in expected]
