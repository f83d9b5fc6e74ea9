"""Price book loading: a user's book replaces the bundled one; a broken book is one clear line."""

import copy
from decimal import Decimal as D
from importlib import resources

import pytest
import yaml

from pricing import PriceBookError, load_price_book, total
from pricing.costs import monthly_cost_lines


def bundled_data():
    text = (resources.files("pricing") / "data" / "aws-kms-us.yaml").read_text()
    return yaml.safe_load(text)


def write_book(tmp_path, data, name="book.yaml"):
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def discounted(data):
    """The bundled book with a 10% enterprise discount on keys and symmetric requests."""
    data = copy.deepcopy(data)
    data["name"] = "Enterprise agreement, 10% off"
    data["entries"]["key_month"]["price"] = "0.90"
    data["entries"]["requests_symmetric"]["price"] = "0.027"
    return data


def test_a_users_book_replaces_the_bundled_one(tmp_path):
    book = load_price_book(write_book(tmp_path, discounted(bundled_data())))
    lines, _ = monthly_cost_lines(book, keys=1, requests={"symmetric": 2_010_000})
    # $0.90 for the key + 199 x $0.027 = $5.373 for the requests.
    assert [line.cost for line in lines] == [D("0.90"), D("5.373")]
    assert total(lines) == D("6.273")
    assert book.entry("key_month").value == D("0.90")


def test_region_overrides_apply_to_their_region_only(tmp_path):
    data = bundled_data()
    data["regions"]["eu-west-1"] = {"key_month": {"price": "1.10", "source": "my contract"}}
    book = load_price_book(write_book(tmp_path, data))
    assert book.value("key_month", "eu-west-1") == D("1.10")
    assert book.entry("key_month", "eu-west-1").source == "my contract"
    assert book.value("key_month", "us-east-1") == D("1.00")


def _parent(data, path):
    for key in path[:-1]:
        data = data[key]
    return data


def _set(path, value):
    def change(data):
        _parent(data, path)[path[-1]] = value
    return change


def _delete(path):
    def change(data):
        del _parent(data, path)[path[-1]]
    return change


# (case, change to the bundled data, text the one-line message must hold after the file name)
BROKEN_BOOKS = [
    ("unknown field", _set(("entries", "key_month", "discount"), "10%"),
     "entries.key_month: unknown field 'discount'"),
    ("negative price", _set(("entries", "key_month", "price"), "-1.00"),
     "entries.key_month.price: '-1.00' is negative"),
    ("non-numeric price", _set(("entries", "requests_symmetric", "price"), "three cents"),
     "entries.requests_symmetric.price: 'three cents' is not a number"),
    ("float instead of string", _set(("entries", "requests_symmetric", "price"), 0.03),
     "entries.requests_symmetric.price: must be a decimal string"),
    ("missing entry", _delete(("entries", "requests_gdkp_rsa")),
     "entries: missing entry 'requests_gdkp_rsa'"),
    ("unknown entry", _set(("entries", "key_month_discount"), {}),
     "entries.key_month_discount: unknown entry"),
    ("missing source", _delete(("entries", "key_month", "source")),
     "entries.key_month: missing field 'source'"),
    ("bad date", _set(("entries", "key_month", "read_on"), "yesterday"),
     "entries.key_month.read_on: 'yesterday' is not a date"),
    ("zero hours a month", _set(("entries", "hours_per_month", "quantity"), "0"),
     "entries.hours_per_month.quantity: must be more than 0"),
    ("fractional free tier", _set(("entries", "free_tier_requests", "quantity"), "20000.5"),
     "entries.free_tier_requests.quantity: 20000.5 is not a whole number"),
    ("price where a quantity belongs", _set(("entries", "hours_per_month"), {
        "price": "730", "unit": "hours", "source": "x", "read_on": "2026-11-01",
        "effective_from": "2026-11-01"}),
     "entries.hours_per_month: needs 'quantity', not 'price'"),
    ("unknown free-tier class", _set(("entries", "free_tier_requests", "applies_to"), ["symetric"]),
     "entries.free_tier_requests.applies_to: unknown request class 'symetric'"),
    ("override of an unknown entry", _set(("regions", "eu-west-1"), {"key_mnth": "1.10"}),
     "regions.eu-west-1.key_mnth: unknown entry"),
    ("negative override", _set(("regions", "eu-west-1"), {"key_month": "-1"}),
     "regions.eu-west-1.key_month.price: '-1' is negative"),
    ("wrong schema", _set(("schema",), "kmsplan.pricebook/9"),
     "schema must be 'kmsplan.pricebook/1'"),
]


@pytest.mark.parametrize(("case", "change", "message"), BROKEN_BOOKS,
                         ids=[case for case, _, _ in BROKEN_BOOKS])
def test_a_broken_book_is_one_line_naming_file_and_field(tmp_path, case, change, message):
    data = bundled_data()
    change(data)
    path = write_book(tmp_path, data)
    with pytest.raises(PriceBookError) as caught:
        load_price_book(path)
    text = str(caught.value)
    assert text.startswith(f"{path}: {message}"), case
    assert "\n" not in text


def test_bad_yaml_names_the_file_and_line(tmp_path):
    path = tmp_path / "book.yaml"
    path.write_text("schema: kmsplan.pricebook/1\nentries: [unclosed\n")
    with pytest.raises(PriceBookError, match=r"book\.yaml: line 3: not valid YAML \(expected"):
        load_price_book(path)


def test_a_missing_file(tmp_path):
    with pytest.raises(PriceBookError, match="cannot read the price book: No such file"):
        load_price_book(tmp_path / "nope.yaml")


def test_an_unknown_region(tmp_path):
    book = load_price_book()
    with pytest.raises(PriceBookError, match="has no region 'mars-east-1'"):
        book.entry("key_month", "mars-east-1")


def test_what_if_changes_are_checked_too():
    book = load_price_book()
    with pytest.raises(PriceBookError, match="scenario: hours_per_month: must be more than 0"):
        book.with_prices({"hours_per_month": "0"}, "scenario")
    changed = book.with_prices({"key_month": "0.5"}, "scenario")
    assert (changed.value("key_month"), changed.entry("key_month").unconfirmed) == (D("0.5"), True)


def test_what_if_price_changes_reach_regions_with_their_own_override(tmp_path):
    data = bundled_data()
    data["regions"]["eu-west-1"] = {"requests_symmetric": "0.04"}
    path = tmp_path / "book.yaml"
    path.write_text(yaml.safe_dump(data))
    book = load_price_book(path)
    assert book.value("requests_symmetric", "eu-west-1") == D("0.04")
    changed = book.with_prices({"requests_symmetric": "0"}, "scenario")
    assert changed.value("requests_symmetric", "eu-west-1") == 0
    assert changed.value("requests_symmetric", "us-east-1") == 0
