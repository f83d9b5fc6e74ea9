import json

import pytest

from planner.cli import main
from planner.inventory import save_inventory
from tests.plan.test_policy_and_keys import _estate


@pytest.fixture
def inventory_file(tmp_path):
    path = tmp_path / "inventory.json"
    save_inventory(_estate(), path)
    return path


def run(args):
    with pytest.raises(SystemExit) as exit_info:
        main([str(a) for a in args])
    return exit_info.value.code


def _scenarios(tmp_path, text):
    path = tmp_path / "scenarios.yaml"
    path.write_text(text)
    return path


def test_vary_key_strategy_differs_exactly_in_new_keys(inventory_file, tmp_path):
    out = tmp_path / "w.json"
    assert run(["whatif", inventory_file, "--vary", "key-strategy=account-region,resource",
                "--out", tmp_path / "w.xlsx", "--json", out]) == 0
    base, regional, per_resource = json.loads(out.read_text())["scenarios"]
    assert base["new_keys"] == regional["new_keys"] == 1
    remediated = sum(count for action, count in per_resource["actions"].items()
                     if action not in ("keep", "investigate", "restore-key",
                                       "covered-by-cluster", "expires-with-source"))
    # Every remediated resource gets a key, but the EBS default-encryption setting takes one
    # the region already gets.
    assert remediated == 7 and per_resource["new_keys"] == 6
    # One key-month per extra key; nothing else differs.
    assert float(per_resource["monthly_after_usd"]) - float(regional["monthly_after_usd"]) == \
        pytest.approx(5.0)
    assert per_resource["one_time_usd"] == regional["one_time_usd"]
    assert per_resource["actions"] == regional["actions"]


def test_scenario_file_changes_only_what_it_names(inventory_file, tmp_path):
    scenarios = _scenarios(tmp_path, """
scenarios:
  - name: no bucket keys
    bucket_keys: false
  - name: cheaper requests
    prices: {requests_symmetric: "0.015"}
  - name: busy tables
    usage: {defaults: {table: {active_connections: 10}}}
  - name: double gets
    multipliers: {monthly_get_requests: "2"}
""")
    out = tmp_path / "w.json"
    assert run(["whatif", inventory_file, "--scenarios", scenarios, "--out",
                tmp_path / "w.xlsx", "--json", out]) == 0
    rows = {s["name"]: s for s in json.loads(out.read_text())["scenarios"]}
    base = rows["base"]
    for name in ("no bucket keys", "cheaper requests", "busy tables", "double gets"):
        assert rows[name]["new_keys"] == base["new_keys"]
        assert rows[name]["actions"] == base["actions"]
    assert rows["no bucket keys"]["settings"]["bucket_keys"] is False
    # The estate's only table moves to a new key: 10 connections x 8,640 = 86,400 requests.
    assert float(rows["busy tables"]["monthly_after_usd"]) > float(base["monthly_after_usd"])
    assert float(rows["cheaper requests"]["monthly_after_usd"]) <= float(
        base["monthly_after_usd"])


@pytest.mark.parametrize(("text", "message"), [
    ("scenarios:\n  - name: a\n    colour: red\n", "line 2: unknown setting 'colour'"),
    ("scenarios:\n  - name: a\n  - name: b\n    key_strategy: per-moon\n",
     "line 3: key_strategy: unknown key strategy 'per-moon'"),
    ("scenarios:\n  - name: [\n", "line"),
    ("scenarios:\n  - name: a\n    prices: {requests_teleport: '1'}\n", "unknown price book"),
])
def test_bad_scenario_files(inventory_file, tmp_path, capsys, text, message):
    path = _scenarios(tmp_path, text)
    assert run(["whatif", inventory_file, "--scenarios", path, "--out",
                tmp_path / "w.xlsx"]) == 2
    err = capsys.readouterr().err
    assert message in err and str(path) in err
    assert err.count("\n") == 1


def test_vary_rejects_unknown_setting(inventory_file, tmp_path, capsys):
    assert run(["whatif", inventory_file, "--vary", "colour=red,blue"]) == 2
    assert "--vary colour=red,blue" in capsys.readouterr().err


def test_every_scenario_carries_the_headline_figures(inventory_file, tmp_path, capsys):
    out = tmp_path / "w.json"
    assert run(["whatif", inventory_file, "--vary", "key-strategy=account-region,resource",
                "--out", tmp_path / "w.xlsx", "--json", out]) == 0
    table = capsys.readouterr().out
    assert "3 years: do nothing" in table and "3 years: difference" in table
    from decimal import Decimal

    for scenario in json.loads(out.read_text())["scenarios"]:
        for years in ("1y", "3y"):
            year = scenario["year_1_usd" if years == "1y" else "year_3_usd"]
            assert Decimal(scenario[f"delta_{years}_usd"]) == \
                Decimal(year) - Decimal(scenario[f"baseline_{years}_usd"])
        # Doing nothing is the same whatever the plan's key strategy.
        assert scenario["baseline_3y_usd"] == json.loads(out.read_text())["scenarios"][0][
            "baseline_3y_usd"]
        assert sum(Decimal(v) for v in scenario["one_time_parts"].values()) == \
            Decimal(scenario["one_time_usd"])
        assert {"monthly_now_steady_usd", "monthly_after_steady_usd", "labour_priced"} <= \
            set(scenario)


@pytest.mark.parametrize("args, message", [
    # The same value twice in one --vary: two columns called the same.
    (["--vary", "rotation=true,true"], "scenario 'rotation=true' is named twice"),
    # Two --vary options that name the same scenario.
    (["--vary", "target=encrypted", "--vary", "target=encrypted"],
     "scenario 'target=encrypted' is named twice"),
    # A file's scenario called like the base plan, which is always the first column.
    (["--scenarios", "base"], "scenario 'base' is named twice"),
])
def test_scenario_names_are_unique_across_base_file_and_vary(inventory_file, tmp_path, capsys,
                                                             args, message):
    if args[0] == "--scenarios":
        args = ["--scenarios", _scenarios(tmp_path, "scenarios:\n  - name: base\n"
                                                    "    target: encrypted\n")]
    out = tmp_path / "w.json"
    assert run(["whatif", inventory_file, *args, "--out", tmp_path / "w.xlsx",
                "--json", out]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
    assert not out.exists()
