"""Per-resource usage entries must name figures of the resource's own type (docs/usage.md:
"a key that does not belong to its type ... is one line naming the file and the key, and exit
status 2"). Found by QA: a volume's figure on a table was accepted and silently ignored."""

import json

import pytest

from planner.cli import main
from planner.inventory import save_inventory
from tests.factories import make_inventory, make_resource


def run(args):
    with pytest.raises(SystemExit) as exit_info:
        main([str(a) for a in args])
    return exit_info.value.code


@pytest.fixture
def inventory_file(tmp_path):
    path = tmp_path / "inventory.json"
    save_inventory(make_inventory([make_resource("table", "orders", "aws-owned"),
                                   make_resource("volume", "vol-1", "none", size_gb=10)]), path)
    return path


def test_a_figure_of_another_type_on_a_resource_is_exit_2(inventory_file, tmp_path, capsys):
    usage = tmp_path / "usage.yaml"
    usage.write_text("schema: kmsplan.usage/1\nresources:\n"
                     "  orders: {monthly_attach_events: 5}\n")
    workbook = tmp_path / "p.xlsx"
    assert run(["plan", inventory_file, "--usage", usage, "--out", workbook]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert f"{usage}: resources.orders.monthly_attach_events: not a figure of a table" in err
    assert "active_connections" in err  # what the table does take
    assert not workbook.exists()


def test_a_figure_of_the_resource_type_is_used(inventory_file, tmp_path, capsys):
    usage = tmp_path / "usage.yaml"
    usage.write_text("schema: kmsplan.usage/1\nresources:\n"
                     "  orders: {active_connections: 5}\n")
    summary = tmp_path / "s.json"
    assert run(["plan", inventory_file, "--usage", usage, "--out", tmp_path / "p.xlsx",
                "--json", summary]) == 0
    assert not [w for w in json.loads(summary.read_text())["warnings"] if "orders" in w]
    capsys.readouterr()


def test_an_id_two_resources_share_takes_the_figures_of_either(tmp_path, capsys):
    # The same id on a volume and a table: each figure must fit one of them.
    path = tmp_path / "inventory.json"
    save_inventory(make_inventory([make_resource("table", "same", "aws-owned"),
                                   make_resource("volume", "same", "none", size_gb=10)]), path)
    usage = tmp_path / "usage.yaml"
    usage.write_text("schema: kmsplan.usage/1\nresources:\n"
                     "  same: {active_connections: 5, monthly_attach_events: 2}\n")
    assert run(["plan", path, "--usage", usage, "--out", tmp_path / "p.xlsx"]) == 0
    capsys.readouterr()
