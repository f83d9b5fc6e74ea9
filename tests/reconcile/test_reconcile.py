"""The comparison, from each export format, against figures worked by hand (scenario.py)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from planner.errors import InputError
from planner.reconcile.compare import reconcile
from planner.reconcile.document import reconcile_document
from planner.reconcile.reader import read_bill
from tests.plan.helpers import plan_for, write_usage
from tests.reconcile import cur, scenario

WRITERS = {
    "legacy CUR csv.gz": (cur.legacy_csv, "cur.csv.gz", False),
    "CUR 2.0 parquet": (cur.cur2_parquet, "part-0.snappy.parquet", False),
    "CUR 2.0 csv.gz": (cur.cur2_csv, "part-0.csv.gz", False),
    "FOCUS csv.gz": (cur.focus_csv, "focus.csv.gz", True),
    "FOCUS parquet": (cur.focus_parquet, "focus.parquet", True),
}


@pytest.fixture
def plan(tmp_path):
    return plan_for(scenario.inventory(), write_usage(tmp_path, scenario.USAGE))


def export(tmp_path, kind: str, items=None):
    writer, name, focus = WRITERS[kind]
    return writer(tmp_path / name, scenario.items(focus) if items is None else items)


@pytest.mark.parametrize("kind", list(WRITERS))
def test_every_format_gives_the_hand_worked_comparison(tmp_path, plan, kind):
    path = export(tmp_path, kind)
    document = reconcile_document(reconcile(plan, read_bill(str(path), plan.book)))
    assert document["format"] == kind.split(" csv")[0].split(" parquet")[0]
    assert document["month"] == "2026-10"  # the latest month with KMS lines
    assert document["billed_usd"] == "6.56999997"
    assert document["planned_now_usd"] == "5.15"
    assert Decimal(document["planned_now_usd"]) == plan.monthly_now  # read, not re-priced
    assert document["variance_usd"] == "1.41999997"
    assert document["explained_usd"] == "5.14999998"
    assert document["explained_share"] == "0.7839"
    assert document["unexplained_usd"] == {"unscanned": "1.14999999", "not_estimated": "0.12",
                                           "under": "0.15", "other": "0"}
    assert document["discounts_usd"] == "-0.25"
    assert document["billed_net_usd"] == "6.31999997"  # 6.56999997 - 0.25
    assert document["excluded"] == {"Credit": {"lines": 1, "usd": "-2"},
                                    "Tax": {"lines": 1, "usd": "0.5"}}
    assert "explains 78.4% of the billed KMS cost" in document["headline"]
    by_line = {(row["region"], row["charge"], row["key_arn"]): row for row in document["lines"]}
    k1_requests = by_line[("us-east-1", "requests_symmetric", scenario.K1.arn)]
    assert (k1_requests["billed_quantity"], k1_requests["planned_quantity"]) == \
        ("1000000", "1000000")  # 1,020,000 planned less the 20,000 free
    assert k1_requests["planned_source"] == "measured: test"  # the usage file's source
    assert by_line[("global", "free_tier", None)]["billed_quantity"] == "20000"
    assert by_line[("global", "free_tier", None)]["planned_quantity"] == "20000"
    k2_keys = by_line[("us-east-1", "key_month", scenario.K2.arn)]
    assert k2_keys["billed_quantity"] == "0.99999999"  # 730 x 0.0013698630
    assert k2_keys["variance_usd"] == "-0.00000001"
    assert k2_keys["planned_source"].startswith("key listed by the scan")
    unscanned = by_line[("eu-west-1", "key_month", scenario.K3_ARN)]
    assert unscanned["note"] == "key not in the inventory: region not scanned"
    assert by_line[("us-east-1", "requests_gdkp_rsa", scenario.K1.arn)]["note"] == \
        "requests the plan did not estimate"
    # The lines add up to the totals.
    assert sum(Decimal(row["billed_usd"]) for row in document["lines"]) == \
        Decimal("6.31999997")
    assert sum(Decimal(row["planned_usd"]) for row in document["lines"]) == Decimal("5.15")


def test_an_earlier_month_is_chosen_with_month(tmp_path, plan):
    bill = read_bill(str(export(tmp_path, "legacy CUR csv.gz")), plan.book)
    document = reconcile_document(reconcile(plan, bill, "2026-09"))
    # September holds one K1 key line of 1 key-month, $1.00: the plan's $1.00 on K1 explains
    # it all; the rest of the plan (K2 $1.00, requests $3.15) was not billed.
    assert document["billed_usd"] == "1"
    assert document["explained_share"] == "1"
    assert document["planned_not_billed_usd"] == "4.15"


def test_a_folder_of_parts_is_read_as_one_export(tmp_path, plan):
    items = scenario.items()
    cur.cur2_parquet(tmp_path / "part-0.parquet", items[:1000])
    cur.cur2_parquet(tmp_path / "part-1.parquet", items[1000:])
    (tmp_path / "manifest.json").write_text("{}")  # not a part: ignored
    document = reconcile_document(reconcile(plan, read_bill(str(tmp_path), plan.book)))
    assert document["billed_usd"] == "6.56999997"


def test_several_versions_of_a_legacy_report_are_warned_about(tmp_path, plan):
    period = tmp_path / "kms-report" / "20261001-20261101"
    for assembly in ("1f2e3d4c", "5a6b7c8d"):
        (period / assembly).mkdir(parents=True)
        cur.legacy_csv(period / assembly / "kms-report-1.csv.gz", scenario.items())
    bill = read_bill(str(tmp_path), plan.book)
    [warning] = bill.warnings
    assert "kms-report-1.csv.gz is in 2 folders (1f2e3d4c, 5a6b7c8d)" in warning
    assert reconcile(plan, bill).warnings == [warning]


def test_without_resource_ids_the_plan_is_compared_per_usage_type(tmp_path, plan):
    # An export made without "Include resource IDs" has no lineItem/ResourceId column.
    path = tmp_path / "cur.csv.gz"
    at = cur.LEGACY_COLUMNS.index("lineItem/ResourceId")
    rows = [row[:at] + row[at + 1:] for row in
            (cur._legacy_row(i, item) for i, item in enumerate(scenario.items()))]
    cur._write_csv_gz(path, cur.LEGACY_COLUMNS[:at] + cur.LEGACY_COLUMNS[at + 1:], rows)
    bill = read_bill(str(path), plan.book)
    assert bill.resource_ids is False
    document = reconcile_document(reconcile(plan, bill))
    keys = [row for row in document["lines"]
            if row["region"] == "us-east-1" and row["charge"] == "key_month"]
    # K1 and K2 billed as one line: 2 x 0.99999999 = 1.99999998 against 2 key-months, $2.00.
    assert [(r["key_arn"], r["billed_quantity"], r["planned_usd"]) for r in keys] == \
        [(None, "1.99999998", "2")]
    assert document["planned_now_usd"] == "5.15"


@pytest.mark.parametrize("content, message", [
    (b"not a gzip file", "cannot read it as a billing export"),
    (None, "not a Cost and Usage Report"),
])
def test_a_file_that_is_not_an_export_is_bad_input(tmp_path, plan, content, message):
    path = tmp_path / "bill.csv.gz"
    if content is None:
        cur._write_csv_gz(path, ["name", "value"], [["a", "1"]])
    else:
        path.write_bytes(content)
    with pytest.raises(InputError, match=message):
        read_bill(str(path), plan.book)


def test_a_missing_column_is_named(tmp_path, plan):
    path = tmp_path / "cur.csv.gz"
    columns = [c for c in cur.LEGACY_COLUMNS if c != "lineItem/UsageType"]
    cur._write_csv_gz(path, columns, [])
    with pytest.raises(InputError, match="legacy CUR export without the column.*UsageType"):
        read_bill(str(path), plan.book)


def test_a_month_without_kms_lines_is_bad_input(tmp_path, plan):
    bill = read_bill(str(export(tmp_path, "legacy CUR csv.gz")), plan.book)
    with pytest.raises(InputError, match="no KMS lines for 2026-08; months with KMS lines: "
                                         "2026-09, 2026-10"):
        reconcile(plan, bill, "2026-08")
    only_s3 = [item for item in scenario.items() if item["product"] != cur.KMS]
    bill = read_bill(str(export(tmp_path, "CUR 2.0 csv.gz", only_s3)), plan.book)
    with pytest.raises(InputError, match="no KMS lines"):
        reconcile(plan, bill)


def test_a_cost_that_is_not_a_number_is_bad_input(tmp_path, plan):
    items = [cur.line("us-east-1-KMS-Keys", "1", "one dollar", resource=scenario.K1.arn)]
    with pytest.raises(InputError, match="lineItem/UnblendedCost holds a value that is not"):
        read_bill(str(export(tmp_path, "legacy CUR csv.gz", items)), plan.book)


def test_usage_types_match_by_suffix_after_the_full_region_code(tmp_path, plan):
    # A short region code is not a region: the charge is still told from the suffix, the
    # region then comes from the product column (or is "global" when that is empty too).
    items = [cur.line("USE1-KMS-Requests-Asymmetric-RSA_2048", "10000", "0.03",
                      resource=scenario.K2.arn, region="us-east-1"),
             cur.line("USW2-KMS-Requests-Asymmetric", "10000", "0.15", region=""),
             cur.line("ap-southeast-2-KMS-Requests-GenerateDatakeyPair-ECC", "10000", "0.10",
                      resource=scenario.K2.arn),
             cur.line("us-east-1-KMS-CloudHSM-Something", "1", "1.00")]
    bill = read_bill(str(export(tmp_path, "legacy CUR csv.gz", items)), plan.book)
    found = {(where[2], where[3]) for where in bill.usage}
    assert found == {("us-east-1", "requests_asymmetric_rsa2048"),
                     ("global", "requests_asymmetric"),
                     ("ap-southeast-2", "requests_gdkp_ecc"), ("us-east-1", "other")}
