"""The cost model against figures worked by hand from the bundled price book.

Bundled prices used below (pricing/data/aws-kms-us.yaml): key-month $1.00, rotation surcharge
$1.00 for each of the first 2 rotations, 730 hours a month; per 10,000 requests: symmetric
$0.03, asymmetric RSA 2048 $0.03, asymmetric $0.15, GenerateDataKeyPair ECC $0.10 and RSA
$12.00, HMAC $0.03; 20,000 free requests (symmetric and HMAC only).
"""

from decimal import Decimal as D

import pytest

from pricing import key_cost_lines, load_price_book, present_lines, total
from pricing.costs import monthly_cost_lines, ordinal


@pytest.fixture(scope="module")
def book():
    return load_price_book()


def test_the_worked_example_costs_6_97(book):
    # 2,010,000 - 20,000 free = 1,990,000 billed = 199 x 10k x $0.03 = $5.97; plus $1 for the key.
    lines, share = monthly_cost_lines(book, keys=1, requests={"symmetric": 2_010_000})
    assert [(line.name, line.quantity, line.cost) for line in lines] == [
        ("Customer managed keys", D(1), D("1.00")),
        ("Requests (symmetric)", D(199), D("5.97")),
    ]
    assert lines[1].free_quantity * 10_000 == 20_000
    assert share.applied == 20_000
    assert total(lines) == D("6.97")


@pytest.mark.parametrize(
    ("requests", "free_applied", "billed", "cost"),
    [
        (19_999, 19_999, 0, D(0)),
        (20_000, 20_000, 0, D(0)),
        (20_001, 20_000, 1, D("0.000003")),  # one request at $0.03 / 10,000
        (30_000, 20_000, 10_000, D("0.03")),
    ],
)
def test_free_tier_boundaries(book, requests, free_applied, billed, cost):
    lines, share = monthly_cost_lines(book, requests={"symmetric": requests})
    assert share.applied == free_applied
    (line,) = lines
    assert line.quantity * 10_000 == billed
    assert line.free_quantity * 10_000 == free_applied
    assert total(lines) == cost


@pytest.mark.parametrize(
    ("rotations", "keys", "cost", "rotation_lines"),
    [
        (0, 1, D("1.00"), []),
        (1, 1, D("2.00"), ["Key rotations (1st)"]),
        (2, 1, D("3.00"), ["Key rotations (1st)", "Key rotations (2nd)"]),
        (5, 1, D("3.00"), ["Key rotations (1st)", "Key rotations (2nd)"]),  # capped at two
        (5, 3, D("9.00"), ["Key rotations (1st)", "Key rotations (2nd)"]),  # $3 per key
    ],
)
def test_rotations_are_billed_up_to_two(book, rotations, keys, cost, rotation_lines):
    lines = key_cost_lines(book, keys=keys, rotations=rotations)
    assert [line.name for line in lines[1:]] == rotation_lines
    assert total(lines) == cost


@pytest.mark.parametrize(
    ("request_class", "cost", "free_applied"),
    [
        # 1,000,000 requests of one class, no keys.
        ("symmetric", D("2.94"), 20_000),  # 980,000 billed = 98 x $0.03
        ("hmac", D("2.94"), 20_000),  # same price, same free tier
        ("asymmetric_rsa2048", D("3.00"), 0),  # 100 x $0.03, no free tier
        ("asymmetric", D("15.00"), 0),  # 100 x $0.15
        ("gdkp_ecc", D("10.00"), 0),  # 100 x $0.10
        ("gdkp_rsa", D("1200.00"), 0),  # 100 x $12.00
    ],
)
def test_every_request_class(book, request_class, cost, free_applied):
    lines, share = monthly_cost_lines(book, requests={request_class: 1_000_000})
    assert share.applied == free_applied
    assert total(lines) == cost


def test_excluded_classes_do_not_use_up_the_free_tier(book):
    # 10,000 symmetric are all free; the 1,000,000 asymmetric get nothing: 100 x $0.15.
    counts = {"symmetric": 10_000, "asymmetric": 1_000_000, "gdkp_rsa": 10_000}
    lines, share = monthly_cost_lines(book, requests=counts)
    assert share.applied == 10_000
    costs = {line.name: line.cost for line in lines}
    assert costs == {
        "Requests (symmetric)": D(0),
        "Requests (asymmetric)": D("15.00"),
        "Requests (GenerateDataKeyPair RSA)": D("12.00"),
    }


@pytest.mark.parametrize(
    ("case", "kwargs", "cost"),
    [
        ("whole month", {"hours": 730}, D("1.00")),
        ("half a month", {"hours": 365}, D("0.50")),  # 365 / 730 of a key-month
        ("half a month, rotated once", {"hours": 365, "rotations": 1}, D("1.00")),
        ("more hours than a month", {"hours": 800}, D("1.00")),
        ("pending deletion", {"state": "PendingDeletion"}, D(0)),
        ("replica pending deletion", {"state": "PendingReplicaDeletion"}, D(0)),
        ("disabled", {"state": "Disabled"}, D("1.00")),
        ("disabled, rotated twice", {"state": "Disabled", "rotations": 2}, D("3.00")),
        ("AWS managed", {"manager": "AWS"}, D(0)),
        ("multi-Region primary and two replicas", {"keys": 3}, D("3.00")),
    ],
)
def test_key_states_and_lifetimes(book, case, kwargs, cost):
    assert total(key_cost_lines(book, **kwargs)) == cost, case


def test_a_half_month_key_shows_half_a_key_month(book):
    (line,) = key_cost_lines(book, hours=365)
    assert (line.quantity, line.unit, line.unit_price) == (D("0.5"), "key-months", D("1.00"))


@pytest.mark.parametrize(
    ("n", "text"), [(1, "1st"), (2, "2nd"), (3, "3rd"), (4, "4th"), (11, "11th"), (12, "12th"),
                    (13, "13th"), (21, "21st"), (22, "22nd"), (111, "111th")],
)
def test_ordinals_for_books_that_bill_many_rotations(n, text):
    assert ordinal(n) == text


def test_presented_lines_of_the_example(book):
    lines, _ = monthly_cost_lines(book, keys=1, requests={"symmetric": 2_010_000})
    assert present_lines(lines) == ([D("1.00"), D("5.97")], D("6.97"))
