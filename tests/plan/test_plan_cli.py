import csv
import json
from decimal import Decimal

import pytest

from planner.cli import main
from planner.inventory import save_inventory
from pricing.present import round_cents
from tests.factories import make_inventory, make_resource


@pytest.fixture
def inventory_file(tmp_path):
    path = tmp_path / "inventory.json"
    save_inventory(make_inventory([
        make_resource("volume", "vol-1", "none", size_gb=10),
        make_resource("bucket", "=HYPERLINK(\"http://x\",\"y\")", "sse-s3", object_count=5),
    ]), path)
    return path


def run(args):
    with pytest.raises(SystemExit) as exit_info:
        main([str(a) for a in args])
    return exit_info.value.code


def test_plan_writes_summary_csv_and_workbook(inventory_file, tmp_path, capsys):
    summary, folder, workbook = tmp_path / "s.json", tmp_path / "csv", tmp_path / "plan.xlsx"
    assert run(["plan", inventory_file, "--json", summary, "--csv", folder,
                "--out", workbook]) == 0
    document = json.loads(summary.read_text())
    assert document["monthly_now_usd"] == "0.00"
    assert document["monthly_after_usd"] == "1.00"
    assert document["new_keys"] == 1
    assert document["coverage"] == {"ebs": {"none": 1}, "s3": {"sse-s3": 1}}
    assert document["actions"] == {"ebs-copy-and-swap": 1, "s3-set-default-sse-kms": 1}
    assert document["at_risk"] == []
    assert isinstance(document["free_tier_requests_applied"], int)
    assert workbook.stat().st_size > 0
    with open(folder / "resources.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert {r["resource_id"] for r in rows} >= {"vol-1", "'=HYPERLINK(\"http://x\",\"y\")"}
    # Money at full precision, each column adding up to the summary's figure once rounded.
    one_time = [r["one_time_usd"] for r in rows]
    assert round_cents(sum(Decimal(v) for v in one_time)) == Decimal(document["one_time_usd"])
    assert "Monthly after" in capsys.readouterr().out


@pytest.mark.parametrize(("args", "usage", "message"), [
    (["--target", "gold"], None, "unknown target 'gold'"),
    (["--key-strategy", "per-team"], None, "unknown key strategy 'per-team'"),
    (["--billing-scope", "galaxy"], None, "--billing-scope"),
    ([], "defaults:\n  volume: {monthly_attach_events: -3}\n", "must not be negative"),
    ([], "defaults:\n  volume: {monthly_gets: 3}\n", "unknown key for volume"),
    ([], "parameters:\n  labour_hours: {paint-it-red: '1'}\n", "unknown action"),
    ([], "defaults: [\n", "usage.yaml: line"),
])
def test_bad_input_is_one_line_and_exit_2(inventory_file, tmp_path, capsys, args, usage,
                                          message):
    extra = []
    if usage is not None:
        path = tmp_path / "usage.yaml"
        path.write_text("schema: kmsplan.usage/1\n" + usage)
        extra = ["--usage", path]
    assert run(["plan", inventory_file, "--out", tmp_path / "x.xlsx", *args, *extra]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert not (tmp_path / "x.xlsx").exists()


@pytest.mark.parametrize(("content", "message"), [
    ('{"schema": "kmsplan.inventory/9"}', "schema must be 'kmsplan.inventory/1'"),
    ("{broken", "is not valid JSON"),
])
def test_bad_inventory_is_exit_2(tmp_path, capsys, content, message):
    path = tmp_path / "inv.json"
    path.write_text(content)
    assert run(["plan", path, "--out", tmp_path / "x.xlsx"]) == 2
    assert message in capsys.readouterr().err


@pytest.mark.parametrize(("path", "value", "message"), [
    (("keys", 0, "created"), 5, "keys[0].created: must be text or null"),
    (("resources", 0, "size_gb"), "x", "resources[0].size_gb: must be a number >= 0"),
    (("resources", 0, "tags"), ["a"], "resources[0].tags: must be an object"),
    (("resources", 1, "object_count"), -5, "resources[1].object_count: must be a whole"),
    (("resources",), {}, "resources: must be a list"),
    (("accounts",), "111111111111", "accounts: must be a list of text"),
])
def test_inventory_fields_of_the_wrong_type_are_exit_2(tmp_path, capsys, path, value,
                                                       message):
    from tests.factories import make_key

    inventory = make_inventory([make_resource("volume", "vol-1", "none", size_gb=10),
                                make_resource("bucket", "b", "sse-s3", object_count=5)],
                               keys=[make_key("k")])
    data = inventory.to_dict()
    node = data
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    broken = tmp_path / "inv.json"
    broken.write_text(json.dumps(data))
    assert run(["plan", broken, "--out", tmp_path / "x.xlsx"]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


def test_usage_entries_that_match_nothing_are_warned_about(inventory_file, tmp_path, capsys):
    usage = tmp_path / "usage.yaml"
    usage.write_text("schema: kmsplan.usage/1\nresources:\n"
                     "  vol-1: {monthly_attach_events: 9}\n"
                     "  vol-typo: {monthly_attach_events: 9}\n")
    summary = tmp_path / "s.json"
    assert run(["plan", inventory_file, "--usage", usage, "--out", tmp_path / "p.xlsx",
                "--json", summary]) == 0
    err = capsys.readouterr().err
    assert "resources.vol-typo matches no resource" in err
    assert "vol-1 matches" not in err
    warnings = json.loads(summary.read_text())["warnings"]
    assert [w for w in warnings if "matches no" in w] == [
        f"{usage}: resources.vol-typo matches no resource in the inventory"]
