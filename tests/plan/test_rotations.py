"""Rotation surcharges come from what KMS says (ListKeyRotations, RotationPeriodInDays,
NextRotationDate), not from the key's age; the age is only a fallback, and says so.

Hand-worked with the bundled prices: a key-month is $1.00, and each of a key's 1st and 2nd
rotations adds $1.00 a month (later rotations are free), so a key costs $1, $2 or $3 a month.
The scan (tests/factories.py) is dated 2026-11-28, so forecast month 1 is December 2026.
"""

from __future__ import annotations

from decimal import Decimal

from planner.plan.model import ROTATIONS_ESTIMATED, ROTATIONS_LISTED
from planner.report.tables import keys_table
from tests.factories import make_inventory, make_key
from tests.plan.helpers import plan_for

D = Decimal


def _key(**fields):
    key = make_key("k1", rotation=fields.pop("rotation"), created=fields.pop("created"))
    for name, value in fields.items():
        setattr(key, name, value)
    return key


def _plan(key):
    plan = plan_for(make_inventory([], keys=[key]))
    [key_plan] = plan.keys
    return plan, key_plan


def test_rotated_twice_then_switched_off_costs_3_and_stays_3():
    # Age would say 0 rotations (rotation is off); KMS lists 2: key + 1st + 2nd = $3.
    key = _key(rotation=False, created="2024-01-10T00:00:00+00:00", rotations=2)
    plan, key_plan = _plan(key)
    assert (key_plan.rotations_now, key_plan.rotations_source) == (2, ROTATIONS_LISTED)
    assert plan.monthly_now == D("3.00")
    assert [m.keys_now for m in plan.forecast] == [D("3.00")] * 36
    assert [m.keys_after for m in plan.forecast] == [D("3.00")] * 36


def test_a_90_day_period_steps_up_at_the_next_rotation_and_one_period_later():
    # 0 rotations so far; next rotation 2026-12-13 (15 days after the scan), then every 90
    # days: 2027-03-13, 2027-06-11, ... Month 1 (Dec 2026) holds the 1st: $2. Jan and Feb:
    # $2. Month 4 (Mar 2027) holds the 2nd: $3. The 3rd (June) and later are free: $3.
    key = _key(rotation=True, created="2026-09-14T00:00:00+00:00", rotations=0,
               rotation_period_days=90, next_rotation="2026-12-13")
    plan, key_plan = _plan(key)
    assert plan.monthly_now == D("1.00")
    assert [m.label for m in plan.forecast[:4]] == ["2026-12", "2027-01", "2027-02", "2027-03"]
    assert [m.keys_now for m in plan.forecast[:5]] == [
        D("2.00"), D("2.00"), D("2.00"), D("3.00"), D("3.00")]
    assert plan.forecast[-1].keys_now == D("3.00")


def test_a_rotation_on_a_months_last_day_counts_in_that_month():
    key = _key(rotation=True, created="2026-01-01T00:00:00+00:00", rotations=1,
               rotation_period_days=365, next_rotation="2027-01-31")
    plan, _ = _plan(key)
    # 1 rotation now ($2); the 2nd on 31 January 2027, month 2's last day: $3 from month 2.
    assert [m.keys_now for m in plan.forecast[:3]] == [D("2.00"), D("3.00"), D("3.00")]


def test_on_demand_rotations_past_the_second_add_nothing():
    key = _key(rotation=False, created="2026-10-01T00:00:00+00:00", rotations=7)
    plan, _ = _plan(key)
    assert plan.monthly_now == D("3.00")


def test_unknown_rotations_fall_back_to_the_age_and_say_so():
    # ListKeyRotations was refused: created 2025-06-01, rotation on, yearly (no period read).
    # Age at the scan: 365 + 180 = 545 days, so 1 rotation so far ($2); the next is the 2nd
    # creation anniversary, 2027-06-01: month 7 (June 2027) and after cost $3.
    key = _key(rotation=True, created="2025-06-01T00:00:00+00:00", rotations=None)
    plan, key_plan = _plan(key)
    assert (key_plan.age_days, key_plan.rotations_now) == (545, 1)
    assert key_plan.rotations_source == ROTATIONS_ESTIMATED == "estimated from key age"
    assert plan.monthly_now == D("2.00")
    assert [m.keys_now for m in plan.forecast[5:8]] == [D("2.00"), D("3.00"), D("3.00")]
    assert plan.forecast[6].label == "2027-06"
    header, rows = keys_table(plan)
    row = dict(zip(header, rows[0], strict=True))
    assert (row["rotations_now"], row["rotations_source"]) == (1, "estimated from key age")


def test_known_rotations_with_a_next_date_from_kms_but_the_age_says_otherwise():
    # Rotation enabled long after creation: the age would say 3 rotations; KMS says 0, and
    # the first one is due 2027-02-20 (month 3).
    key = _key(rotation=True, created="2021-01-01T00:00:00+00:00", rotations=0,
               rotation_period_days=365, next_rotation="2027-02-20")
    plan, _ = _plan(key)
    assert plan.monthly_now == D("1.00")
    assert [m.keys_now for m in plan.forecast[:3]] == [D("1.00"), D("1.00"), D("2.00")]
    assert plan.forecast[14].keys_now == D("3.00")  # 2028-02: the 2nd rotation
    assert plan.forecast[13].keys_now == D("2.00")


def test_aws_managed_keys_have_no_rotations_to_price():
    key = make_key("aws", manager="AWS", rotation=True, aliases=["alias/aws/s3"])
    plan, key_plan = _plan(key)
    assert (key_plan.rotations_source, plan.monthly_now) == ("", D("0"))
