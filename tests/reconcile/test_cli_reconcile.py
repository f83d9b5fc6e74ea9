"""`kmsplan reconcile` and the Reconciliation sheet, through the command line."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from decimal import Decimal

import openpyxl
import pytest

from planner.cli import main
from planner.inventory import save_inventory
from tests.plan.helpers import write_usage
from tests.reconcile import cur, scenario
from tests.report.libreoffice import recalculate


def run(args) -> int:
    with pytest.raises(SystemExit) as exit_info:
        main([str(a) for a in args])
    return exit_info.value.code


@pytest.fixture
def files(tmp_path):
    inventory = tmp_path / "inventory.json"
    save_inventory(scenario.inventory(), inventory)
    bill = cur.legacy_csv(tmp_path / "cur.csv.gz", scenario.items())
    return inventory, bill, write_usage(tmp_path, scenario.USAGE)


def test_reconcile_writes_json_csv_and_a_live_sheet(files, tmp_path, capsys):
    inventory, bill, usage = files
    document_path, folder, workbook = tmp_path / "r.json", tmp_path / "csv", tmp_path / "r.xlsx"
    assert run(["reconcile", inventory, "--cur", bill, "--usage", usage, "--json",
                document_path, "--csv", folder, "--out", workbook]) == 0
    document = json.loads(document_path.read_text())
    assert document["schema"] == "kmsplan.reconcile/1"
    assert (document["billed_usd"], document["planned_now_usd"], document["explained_share"]) \
        == ("6.56999997", "5.15", "0.7839")
    printed = capsys.readouterr().out
    assert "explains 78.4% of the billed KMS cost" in printed
    assert "left out: 1 Credit line(s), -$2.00" in printed
    rows = list(csv.DictReader((folder / "reconciliation.csv").open()))
    assert sum(Decimal(r["billed_usd"]) for r in rows) == Decimal("6.31999997")  # with -0.25
    assert sum(Decimal(r["planned_usd"]) for r in rows) == Decimal("5.15")
    book = openpyxl.load_workbook(workbook)
    assert "Reconciliation" in book.sheetnames
    read_me = [r[0] for r in book["Read me"].iter_rows(values_only=True)]
    assert "Reconciliation" in read_me  # the Read me explains the sheet
    sheet = book["Reconciliation"]
    assert sheet.freeze_panes == "A2"
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.print_title_rows == "$1:$1"
    header = [c.value for c in sheet[1]][:15]
    assert header[6:9] == ["billed quantity", "billed cost", "planned quantity"]
    k1_requests = next(row for row in sheet.iter_rows(min_row=2, values_only=True)
                       if row[2] == "requests_symmetric" and row[1] == "us-east-1")
    assert k1_requests[10].startswith("=I") and "price_requests_symmetric" in k1_requests[10]
    assert {"reconcile_billed", "reconcile_planned", "reconcile_explained_share"} <= \
        set(book.defined_names)
    # LibreOffice recalculates: the formulas give the figures worked by hand.
    [recalculated] = recalculate([workbook], tmp_path)
    values = openpyxl.load_workbook(recalculated, data_only=True)
    cells = values["Reconciliation"]
    found = {cells.cell(row, 18).value: cells.cell(row, 19).value for row in range(2, 8)}
    assert round(found["Billed at list (usage lines)"], 8) == 6.56999997
    assert round(found["Planned now (this plan)"], 8) == 5.15
    assert round(found["Discounts (EDP and other)"], 8) == -0.25
    assert round(found["Share of the bill explained"], 4) == 0.7839


def test_json_to_stdout(files, capsys):
    inventory, bill, usage = files
    assert run(["reconcile", inventory, "--cur", bill, "--usage", usage, "--json", "-"]) == 0
    assert json.loads(capsys.readouterr().out)["variance_usd"] == "1.41999997"


@pytest.mark.parametrize("extra, message", [
    ([], "give one of --cur PATH, --athena DATABASE.TABLE or --cost-explorer"),
    (["--cur", "BILL", "--cost-explorer"], "give one of"),
    (["--cur", "BILL", "--month", "2026-13"], "--month: '2026-13' is not a month"),
    (["--cur", "BILL", "--month", "2026-07"], "no KMS lines for 2026-07"),
    (["--cur", "MISSING"], "no such file or folder"),
    (["--cur", "INVENTORY"], "not a Cost and Usage Report"),
])
def test_bad_input_is_one_line_and_status_2(files, tmp_path, capsys, extra, message):
    inventory, bill, _ = files
    cur._write_csv_gz(tmp_path / "inventory.csv.gz", ["schema"], [["x"]])
    names = {"BILL": bill, "MISSING": tmp_path / "nope.csv.gz",
             "INVENTORY": tmp_path / "inventory.csv.gz"}
    args = [names.get(a, a) for a in extra]
    assert run(["reconcile", inventory, *args, "--out", tmp_path / "r.xlsx"]) == 2
    error = capsys.readouterr().err
    assert message in error and len(error.strip().splitlines()) == 1
    assert not (tmp_path / "r.xlsx").exists()  # nothing half-written


def test_reconcile_as_a_real_subprocess(files, tmp_path):
    inventory, bill, usage = files
    done = subprocess.run([sys.executable, "-m", "planner", "reconcile", str(inventory),
                           "--cur", str(bill), "--usage", str(usage), "--json", "-"],
                          capture_output=True, text=True, check=True)
    assert json.loads(done.stdout)["billed_usd"] == "6.56999997"


def test_plan_with_cur_adds_the_reconciliation_sheet(files, tmp_path, capsys):
    inventory, bill, usage = files
    workbook = tmp_path / "plan.xlsx"
    assert run(["plan", inventory, "--usage", usage, "--cur", bill, "--out", workbook]) == 0
    assert "explains 78.4%" in capsys.readouterr().out
    book = openpyxl.load_workbook(workbook)
    assert book.sheetnames[-1] == "Reconciliation"
    assert run(["plan", inventory, "--usage", usage, "--out", workbook]) == 0
    assert "Reconciliation" not in openpyxl.load_workbook(workbook).sheetnames


def test_an_error_page_from_aws_is_one_line(files, monkeypatch, capsys):
    """A proxy's HTML page in place of an AWS error is reduced to its HTTP status."""
    from botocore.exceptions import ClientError

    import planner.reconcile as reconcile_package

    def refused(*_args, **_kwargs):
        raise ClientError({"Error": {"Code": "403", "Message": "<html><body>Forbidden</body>"
                                     "</html>"},
                           "ResponseMetadata": {"HTTPStatusCode": 403}}, "GetCostAndUsage")

    monkeypatch.setattr(reconcile_package, "run_reconcile", refused)
    with pytest.raises(SystemExit) as exit_info:
        main(["reconcile", str(files[0]), "--cost-explorer"])
    assert exit_info.value.code == 1
    assert capsys.readouterr().err == ("kmsplan: error: GetCostAndUsage: HTTP403: an HTML or "
                                       "XML error page\n")
