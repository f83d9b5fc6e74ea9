"""`kmsplan price` end to end: the table, --json, --prices, and bad input (exit 2, one line)."""

import json
import subprocess
import sys

import pytest
import yaml

from planner.cli import main
from tests.test_pricing_book import BROKEN_BOOKS, bundled_data, discounted, write_book


def run(capsys, *argv):
    with pytest.raises(SystemExit) as done:
        main(list(argv))
    captured = capsys.readouterr()
    return done.value.code, captured.out, captured.err


def test_the_example_as_a_table(capsys):
    status, out, err = run(capsys, "price", "--keys", "1", "--symmetric", "2010000")
    assert (status, err) == (0, "")
    assert "$1.00" in out and "$5.97" in out and "$6.97" in out
    assert "20,000" in out  # the free requests are shown on the request line
    assert "https://aws.amazon.com/kms/pricing/" in out


def test_the_example_as_json(capsys):
    status, out, _ = run(capsys, "price", "--keys", "1", "--symmetric", "2010000", "--json")
    document = json.loads(out)
    assert status == 0
    assert document["total_usd"] == "6.97"
    assert document["free_tier_requests_applied"] == 20_000
    key, requests = document["lines"]
    assert (key["name"], key["quantity"], key["unit_price_usd"], key["cost_usd"]) == (
        "Customer managed keys", "1", "1.00", "1.00")
    # 1,990,000 billed = 199 units of 10k at $0.03, with 20,000 requests (2 units) free.
    assert (requests["quantity"], requests["unit"], requests["free_quantity"]) == (
        "199", "10k requests", "2")
    assert (requests["unit_price_usd"], requests["cost_usd"]) == ("0.03", "5.97")


@pytest.mark.parametrize(
    ("argv", "total_usd"),
    [
        (["--keys", "1", "--rotations", "1", "--symmetric", "2010000"], "7.97"),
        (["--keys", "1", "--rotations", "5", "--symmetric", "2010000"], "8.97"),
        (["--symmetric", "20001"], "0.00"),  # $0.000003 billed, shown as $0.00
        (["--gdkp-rsa", "10000"], "12.00"),
        (["--keys", "2", "--asymmetric", "20000"], "2.30"),  # $2 + 2 x $0.15, no free tier
    ],
)
def test_totals(capsys, argv, total_usd):
    status, out, _ = run(capsys, "price", *argv, "--json")
    assert (status, json.loads(out)["total_usd"]) == (0, total_usd)


def test_a_users_price_book(capsys, tmp_path):
    path = write_book(tmp_path, discounted(bundled_data()))
    argv = ["price", "--keys", "1", "--symmetric", "2010000", "--prices", str(path), "--json"]
    status, out, _ = run(capsys, *argv)
    document = json.loads(out)
    # $0.90 + 199 x $0.027 = $6.273, shown as $0.90 + $5.37 = $6.27.
    assert (status, document["total_usd"]) == (0, "6.27")
    assert [line["cost_usd"] for line in document["lines"]] == ["0.90", "5.37"]
    assert document["price_book"]["path"] == str(path)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--symmetric", "-5"], "Invalid value for '--symmetric'"),
        (["--keys", "abc"], "Invalid value for '--keys'"),
        # A real region the bundled book has no prices for, and a misspelt one.
        (["--region", "cn-north-1"], "has no region 'cn-north-1'"),
        (["--region", "eu-wst-1"], "'eu-wst-1' is not an AWS region botocore knows; "
                                   "did you mean eu-west-1?"),
        (["--prices", "/nonexistent/book.yaml"], "/nonexistent/book.yaml: cannot read"),
    ],
)
def test_bad_input_is_one_line_and_status_2(capsys, argv, message):
    status, out, err = run(capsys, "price", *argv)
    assert status == 2
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("kmsplan: error: ")
    assert message in err
    assert "Traceback" not in err


@pytest.mark.parametrize(("case", "change", "message"), BROKEN_BOOKS,
                         ids=[case for case, _, _ in BROKEN_BOOKS])
def test_a_broken_price_book_is_status_2(capsys, tmp_path, case, change, message):
    data = bundled_data()
    change(data)
    path = write_book(tmp_path, data)
    status, out, err = run(capsys, "price", "--keys", "1", "--prices", str(path))
    assert (status, out) == (2, ""), case
    assert err.startswith(f"kmsplan: error: {path}: {message}")
    assert err.count("\n") == 1


def test_bad_yaml_through_the_cli(capsys, tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("entries:\n  key_month: {price: \"1.00\"\n")
    status, _, err = run(capsys, "price", "--prices", str(path))
    assert status == 2
    assert err.startswith(f"kmsplan: error: {path}:") and "not valid YAML" in err


def test_as_a_real_process(tmp_path):
    data = bundled_data()
    data["entries"]["key_month"]["price"] = "-1"
    path = tmp_path / "negative.yaml"
    path.write_text(yaml.safe_dump(data))
    done = subprocess.run(
        [sys.executable, "-m", "planner", "price", "--keys", "1", "--prices", str(path)],
        capture_output=True, text=True, check=False,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr == f"kmsplan: error: {path}: entries.key_month.price: '-1' is negative\n"

    good = subprocess.run(
        [sys.executable, "-m", "planner", "price", "--keys", "1", "--symmetric", "2010000",
         "--json"], capture_output=True, text=True, check=False,
    )
    assert (good.returncode, json.loads(good.stdout)["total_usd"]) == (0, "6.97")
