"""Property: every file reader, fed random bytes or random YAML/JSON shapes, either reads the
file or raises the project's bad-input error (exit 2 from the CLI), never anything else."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.errors import InputError
from planner.inventory import load_inventory
from planner.plan.strategy import load_policy
from planner.scan.sessions import read_accounts_file
from planner.usage import load_usage
from planner.whatif import load_scenarios
from pricing.book import PriceBookError, load_price_book
from tests.factories import rich_inventory

BAD_INPUT = (InputError, PriceBookError)
READERS = {
    "usage": load_usage,
    "policy": load_policy,
    "scenarios": load_scenarios,
    "price book": load_price_book,
    "inventory": load_inventory,
    "accounts": read_accounts_file,
}

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20), st.sampled_from(["kmsplan.usage/1", "kmsplan.pricebook/1",
                                           "kmsplan.inventory/1", "9999-12-31", "1e308"]),
)
keys = st.one_of(st.text(max_size=12), st.sampled_from(
    ["schema", "defaults", "parameters", "resources", "keys", "target", "services",
     "scenarios", "name", "entries", "regions", "bucket", "size_gb", "price", "usage"]))
shapes = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(keys, inner, max_size=4)), max_leaves=20)


def _read_each(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "input"
        path.write_bytes(data)
        for name, reader in READERS.items():
            try:
                reader(path)
            except BAD_INPUT:
                pass  # one clear line and exit 2 from the CLI
            except Exception as exc:  # noqa: BLE001 - the property: nothing else escapes
                raise AssertionError(f"{name} reader raised {type(exc).__name__}: {exc}"
                                     ) from exc


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400))
def test_random_bytes_are_read_or_refused(data):
    _read_each(data)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(shapes)
def test_random_yaml_shapes_are_read_or_refused(shape):
    _read_each(yaml.safe_dump(shape, allow_unicode=True).encode("utf-8", "surrogatepass"))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(shapes)
def test_random_json_shapes_are_read_or_refused(shape):
    _read_each(json.dumps(shape).encode())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(["resources", "keys"]), st.sampled_from(
    ["size_gb", "object_count", "created", "tags", "details", "name", "rotations",
     "next_rotation", "arn"]), scalars)
def test_an_inventory_with_one_field_changed_is_read_or_refused(section, name, value):
    data = rich_inventory().to_dict()
    if data[section]:
        data[section][0][name] = value
    _read_each(json.dumps(data).encode())
