"""Every file a user hands in is untrusted: one line on stderr and exit 2, never a traceback.

Each case is a file (or option) the sweep of issue 17 found crashing or silently accepted.
The readers are called through the CLI, as a user meets them.
"""

from __future__ import annotations

import json

import pytest

from planner.cli import main
from planner.inventory import save_inventory
from tests.factories import rich_inventory

USAGE = "schema: kmsplan.usage/1\n"


def run(args, capsys) -> tuple[int, str]:
    with pytest.raises(SystemExit) as exit_info:
        main([str(a) for a in args])
    return exit_info.value.code, capsys.readouterr().err


@pytest.fixture
def inventory(tmp_path):
    path = tmp_path / "inventory.json"
    save_inventory(rich_inventory(), path)
    return path


def one_line_exit_2(code: int, err: str, *needles: str) -> None:
    assert code == 2, err
    assert "Traceback" not in err
    [line] = err.strip().splitlines()
    assert line.startswith("kmsplan: error: ")
    for needle in needles:
        assert needle in line, line


BAD_TEXT = {
    "binary": (bytes(range(256)), "byte 128 is not UTF-8"),
    "utf16": ("target: encrypted\n".encode("utf-16"), "UTF-16 text; save it as UTF-8"),
}


@pytest.mark.parametrize("option", ["--usage", "--policy", "--prices"])
@pytest.mark.parametrize("kind", sorted(BAD_TEXT))
def test_binary_and_utf16_files_are_one_line(option, kind, inventory, tmp_path, capsys):
    content, reason = BAD_TEXT[kind]
    bad = tmp_path / "file.yaml"
    bad.write_bytes(content)
    code, err = run(["plan", inventory, option, bad, "--out", tmp_path / "p.xlsx"], capsys)
    one_line_exit_2(code, err, "file.yaml", reason)
    assert not (tmp_path / "p.xlsx").exists()


def test_a_binary_scenarios_file_is_one_line(inventory, tmp_path, capsys):
    bad = tmp_path / "s.yaml"
    bad.write_bytes(bytes(range(256)))
    code, err = run(["whatif", inventory, "--scenarios", bad], capsys)
    one_line_exit_2(code, err, "s.yaml", "not UTF-8")


@pytest.mark.parametrize(("value", "needle"), [
    ("1" + "0" * 30, "from 0 to 1e15"),  # 1e30 requests a month
    ("1" * 5000, "too long"),  # beyond Python's int conversion limit
    (".inf", "whole number"),
    ("-1", "must not be negative"),
])
def test_usage_counts_are_bounded(value, needle, inventory, tmp_path, capsys):
    usage = tmp_path / "u.yaml"
    usage.write_text(USAGE + f"defaults:\n  bucket:\n    monthly_get_requests: {value}\n")
    code, err = run(["plan", inventory, "--usage", usage], capsys)
    one_line_exit_2(code, err, "u.yaml", needle)


@pytest.mark.parametrize(("name", "value", "needle"), [
    ("labour_rate_usd_per_hour", "'1e30000'", "amount in USD from 0 to 1,000,000"),
    ("snapshot_copy_retention_days", "100000", "number of days from 0 to 36,500"),
    ("bucket_key_request_reduction", "'1.5'", "fraction from 0 to 1"),
])
def test_usage_parameters_are_bounded(name, value, needle, inventory, tmp_path, capsys):
    usage = tmp_path / "u.yaml"
    usage.write_text(USAGE + f"parameters:\n  {name}: {value}\n")
    code, err = run(["plan", inventory, "--usage", usage], capsys)
    one_line_exit_2(code, err, f"parameters.{name}", needle)


def test_a_key_written_twice_is_refused_at_its_line(inventory, tmp_path, capsys):
    usage = tmp_path / "u.yaml"
    usage.write_text(USAGE + "defaults:\n  bucket:\n    monthly_get_requests: 1\n"
                     "    monthly_get_requests: 2\n")
    code, err = run(["plan", inventory, "--usage", usage], capsys)
    # Line 5 (1-based) holds the second monthly_get_requests.
    one_line_exit_2(code, err,
                    "u.yaml: line 5: not valid YAML (duplicate key 'monthly_get_requests')")


def test_an_empty_policy_file_and_an_empty_target_are_refused(inventory, tmp_path, capsys):
    policy = tmp_path / "policy.yaml"
    policy.write_text("# nothing yet\n")
    one_line_exit_2(*run(["plan", inventory, "--policy", policy], capsys),
                    "policy file is empty")
    one_line_exit_2(*run(["plan", inventory, "--target", ""], capsys),
                    "--target: unknown target ''")


def test_a_scenario_naming_no_real_service_is_refused(inventory, tmp_path, capsys):
    scenarios = tmp_path / "s.yaml"
    scenarios.write_text("scenarios:\n  - name: typo\n    services: {s4: encrypted}\n")
    code, err = run(["whatif", inventory, "--scenarios", scenarios], capsys)
    one_line_exit_2(code, err, "services.s4: unknown service")


def test_a_price_book_price_and_date_are_bounded(inventory, tmp_path, capsys):
    from importlib import resources

    from pricing.book import BUNDLED
    text = (resources.files("pricing") / "data" / BUNDLED).read_text("utf-8")
    book = tmp_path / "book.yaml"
    book.write_text(text.replace('price: "1.00"', 'price: "1e308"', 1))
    one_line_exit_2(*run(["plan", inventory, "--prices", book], capsys),
                    "price in USD from 0 to 1,000,000, got 1E+308")
    first_date = text.split("read_on: ", 1)[1].split("\n", 1)[0]
    book.write_text(text.replace(f"read_on: {first_date}", "read_on: 9999-12-31", 1))
    one_line_exit_2(*run(["plan", inventory, "--prices", book], capsys),
                    "read_on: must be a date from 2000-01-01 to 2100-12-31")


def _inventory_with(tmp_path, change) -> str:
    data = rich_inventory().to_dict()
    change(data)
    path = tmp_path / "changed.json"
    path.write_text(json.dumps(data))
    return path


@pytest.mark.parametrize(("change", "needle"), [
    (lambda d: d["resources"][0].update(size_gb=1e308), "size_gb: must be a size in GB"),
    (lambda d: d["resources"][0].update(object_count=10**30), "object_count: must be a count"),
    (lambda d: d.update(scanned_at="9999-12-31T00:00:00+00:00"), "scanned_at: must be a date"),
    (lambda d: d["keys"][0].update(created="9999-12-31T00:00:00+00:00"), "created: must be a date"),
    (lambda d: d["keys"][0].update(created="yesterday"), "is not an ISO 8601 date"),
    (lambda d: d["resources"][0].update(tags={"team": 5}), "tags: must be an object of text"),
    (lambda d: d["resources"][0]["details"].update(n=1e300), "details.n: must be a quantity"),
])
def test_inventory_numbers_dates_and_tags_are_bounded(change, needle, tmp_path, capsys):
    code, err = run(["plan", _inventory_with(tmp_path, change)], capsys)
    one_line_exit_2(code, err, "changed.json", needle)


@pytest.mark.parametrize("literal", ["Infinity", "NaN", "1" * 5000])
def test_inventory_json_beyond_numbers_is_refused(literal, tmp_path, capsys):
    text = json.dumps(rich_inventory().to_dict())
    text = text.replace('"size_gb": null', f'"size_gb": {literal}', 1)
    assert literal in text
    path = tmp_path / "inv.json"
    path.write_text(text)
    code, err = run(["plan", path], capsys)
    one_line_exit_2(code, err, "inv.json: not an inventory")


@pytest.mark.parametrize(("line", "needle"), [
    ("١١١١١١١١١١١١", "is not a 12-digit account id"),  # Arabic-Indic digits match \d
    ("111111111111\r", "carriage return"),
])
def test_accounts_entries_are_ascii_digits_on_lf_lines(line, needle, tmp_path, capsys):
    accounts = tmp_path / "accounts.txt"
    accounts.write_bytes(f"{line}\n".encode())
    code, err = run(["scan", "--accounts", accounts, "--out", tmp_path / "i.json",
                     "--endpoint-url", "http://127.0.0.1:9"], capsys)
    one_line_exit_2(code, err, "accounts.txt: line 1", needle)


@pytest.mark.parametrize(("item", "needle"), [
    ("<html>throttled</html>", "a product that is not JSON"),
    ('{"n": ' + "1" * 5000 + "}", "a product that is not JSON"),
    ("[1, 2]", "a product that is not an object"),
])
def test_a_price_list_answer_that_is_not_a_product_is_one_error(item, needle):
    from pricing.pricelist import PriceListError, fetch_products
    from tests.test_prices_refresh import stub

    client, _ = stub({"us-east-1": [[item]]})
    with pytest.raises(PriceListError, match=needle):
        list(fetch_products(client, "us-east-1"))


def test_prices_refresh_on_an_answer_that_is_not_json_is_one_line_exit_2(tmp_path, capsys,
                                                                          monkeypatch):
    from planner.cli import prices as prices_cmd
    from tests.test_prices_refresh import stub

    client, _ = stub({"us-east-1": [["<html>throttled</html>"]]})
    monkeypatch.setattr(prices_cmd, "pricing_client", lambda profile, endpoint: client)
    out = tmp_path / "new.yaml"
    code, err = run(["prices", "refresh", "--regions", "us-east-1", "--out", out], capsys)
    one_line_exit_2(code, err, "a product that is not JSON")
    assert not out.exists()


def test_a_scan_error_with_a_number_for_its_code_is_refused(tmp_path, capsys):
    def change(data):
        data["errors"] = [{"account": "1", "region": "r", "service": "s3", "operation": "o",
                           "code": 403, "message": "m"}]

    code, err = run(["plan", _inventory_with(tmp_path, change)], capsys)
    one_line_exit_2(code, err, "errors[0].code: must be text, got 403")
