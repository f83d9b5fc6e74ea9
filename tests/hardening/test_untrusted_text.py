"""Text from AWS and from the user's files is inert everywhere it is written: console markup
stays literal, a lone surrogate is replaced (and the report says so), and a cell longer than
a spreadsheet can hold says it was cut."""

from __future__ import annotations

import json

import openpyxl
import pytest

from planner.cli import main
from planner.inventory import save_inventory
from planner.report.safety import MAX_CELL_CHARS
from tests.factories import key_arn, make_inventory, make_key, make_resource

MARKUP = "vol-[/]x[link=http://evil.example]click[/link]:smile:"


def run(args) -> int:
    with pytest.raises(SystemExit) as exit_info:
        main([str(a) for a in args])
    return exit_info.value.code


def _at_risk_inventory(path, name: str) -> None:
    key = make_key("k1", state="Disabled")
    save_inventory(make_inventory(
        [make_resource("volume", name, "customer-managed", key=key_arn("k1"), size_gb=1)],
        [key]), path)


def test_markup_in_names_prints_as_text(tmp_path, capsys):
    inventory = tmp_path / "inventory.json"
    _at_risk_inventory(inventory, MARKUP)
    assert run(["plan", inventory, "--out", tmp_path / "p.xlsx"]) == 0
    out = capsys.readouterr().out
    # The at-risk line names the resource exactly as AWS spelled it, link and all.
    assert "AT RISK" in out and MARKUP in out.replace("\n", "")


def test_markup_in_a_scenario_name_prints_as_text(tmp_path, capsys):
    inventory = tmp_path / "inventory.json"
    _at_risk_inventory(inventory, "vol-1")
    scenarios = tmp_path / "s.yaml"
    # Short enough for the table's narrow name column: "[/]" alone made rich raise.
    scenarios.write_text('scenarios:\n  - name: "[/][b]"\n    rotation: off\n')
    assert run(["whatif", inventory, "--scenarios", scenarios, "--out", tmp_path / "w.xlsx"]) == 0
    assert "[/][b]" in capsys.readouterr().out


def _workbook_texts(path) -> list[str]:
    book = openpyxl.load_workbook(path, read_only=True)
    return [cell for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
            for cell in row if isinstance(cell, str)]


def test_a_lone_surrogate_is_replaced_and_the_report_says_so(tmp_path, capsys):
    inventory = tmp_path / "inventory.json"
    _at_risk_inventory(inventory, "vol-X")
    # JSON's escape \\ud800 is a lone surrogate: no UTF-8 file or terminal can hold it.
    inventory.write_text(inventory.read_text().replace("vol-X", "vol-\\ud800"))
    summary, workbook = tmp_path / "s.json", tmp_path / "p.xlsx"
    assert run(["plan", inventory, "--out", workbook, "--json", summary, "--csv",
                tmp_path / "csv"]) == 0
    err = " ".join(capsys.readouterr().err.split())
    # The id, the name and the ARN each held the surrogate: three values replaced.
    assert "3 text value(s) held characters that cannot be written as UTF-8" in err
    assert "vol-\ufffd" in _workbook_texts(workbook)
    assert json.loads(summary.read_text())["at_risk"] == ["vol-\ufffd"]
    assert any("vol-\ufffd" in p.read_text("utf-8") for p in (tmp_path / "csv").iterdir())


def test_text_beyond_a_cell_says_it_was_cut(tmp_path):
    inventory = tmp_path / "inventory.json"
    long_name = "n" * 40_000
    resource = make_resource("volume", "vol-1", "none", size_gb=1)
    resource.name = long_name
    save_inventory(make_inventory([resource]), inventory)
    workbook = tmp_path / "p.xlsx"
    assert run(["plan", inventory, "--out", workbook]) == 0
    [cut] = [t for t in _workbook_texts(workbook) if t.startswith("nnnn")]
    assert len(cut) == MAX_CELL_CHARS
    assert cut.endswith(" [cut: 40,000 characters in all]")
