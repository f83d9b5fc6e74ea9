"""A failed write leaves the previous workbook as it was; the CLI says why in one line."""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

import pytest

import planner.report.workbook as workbook
from planner.cli import main
from planner.inventory import save_inventory
from planner.report.workbook import write_workbook
from tests.report.conftest import small_inventory
from tests.test_files import a_dead_pid

PREVIOUS = b"the previous workbook"


@pytest.fixture
def previous(tmp_path):
    path = tmp_path / "reports" / "plan.xlsx"
    path.parent.mkdir()
    path.write_bytes(PREVIOUS)
    return path


def leftovers(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name != "plan.xlsx")


def test_a_folder_that_does_not_exist(small_plan, tmp_path):
    target = tmp_path / "missing" / "plan.xlsx"
    with pytest.raises(OSError) as raised:
        write_workbook(small_plan, target)
    assert raised.value.filename == str(target)
    assert "No such file or directory" in raised.value.strerror
    assert not target.parent.exists()


def test_a_read_only_folder(small_plan, previous, monkeypatch):
    folder = previous.parent
    folder.chmod(0o555)
    if os.geteuid() == 0:
        # Root ignores the mode bits; fail creating the temporary file as the kernel would
        # for anyone else.
        def denied(*args, **kwargs):
            raise PermissionError(errno.EACCES, "Permission denied", str(folder / ".tmp"))

        monkeypatch.setattr(tempfile, "mkdtemp", denied)
    try:
        with pytest.raises(PermissionError) as raised:
            write_workbook(small_plan, previous)
    finally:
        folder.chmod(0o755)
    assert raised.value.filename == str(previous)
    assert previous.read_bytes() == PREVIOUS
    assert leftovers(folder) == []


def test_an_exception_mid_write(small_plan, previous, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(workbook, "write_forecast", broken)
    with pytest.raises(RuntimeError):
        write_workbook(small_plan, previous)
    assert previous.read_bytes() == PREVIOUS
    assert leftovers(previous.parent) == []


def test_the_cli_on_a_full_disk(previous, tmp_path, monkeypatch, capsys):
    inventory = tmp_path / "inventory.json"
    save_inventory(small_inventory(), inventory)

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(workbook, "write_forecast", full)
    with pytest.raises(SystemExit) as exited:
        main(["plan", str(inventory), "--out", str(previous)])
    assert exited.value.code == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert str(previous) in err and "No space left on device" in err
    assert previous.read_bytes() == PREVIOUS
    assert leftovers(previous.parent) == []


def test_the_cli_into_a_missing_folder(tmp_path, capsys):
    inventory = tmp_path / "inventory.json"
    save_inventory(small_inventory(), inventory)
    target = tmp_path / "nowhere" / "plan.xlsx"
    with pytest.raises(SystemExit) as exited:
        main(["plan", str(inventory), "--out", str(target)])
    # Checked before any work: bad input, one line.
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert err == f"kmsplan: error: {target}: the folder '{target.parent}' does not exist\n"


def test_no_output_is_written_when_another_output_cannot_be(tmp_path, capsys):
    inventory = tmp_path / "inventory.json"
    save_inventory(small_inventory(), inventory)
    previous = tmp_path / "plan.xlsx"
    previous.write_bytes(PREVIOUS)
    with pytest.raises(SystemExit) as exited:
        main(["plan", str(inventory), "--out", str(previous),
              "--json", str(tmp_path / "nowhere" / "s.json")])
    assert exited.value.code == 2
    assert "s.json: the folder" in capsys.readouterr().err
    assert previous.read_bytes() == PREVIOUS


def test_the_next_write_cleans_what_a_killed_run_left(small_plan, tmp_path):
    stale = tmp_path / f".plan.xlsx.{a_dead_pid()}.q1w2e3r4.tmp"
    stale.mkdir()
    write_workbook(small_plan, tmp_path / "plan.xlsx")
    assert [p.name for p in tmp_path.iterdir()] == ["plan.xlsx"]


def test_xlsxwriters_working_files_stay_in_the_private_folder(small_plan, tmp_path,
                                                              monkeypatch):
    used = []
    real_mkstemp = tempfile.mkstemp

    def recording(*args, **kwargs):
        used.append(kwargs.get("dir"))
        return real_mkstemp(*args, **kwargs)

    monkeypatch.setattr(tempfile, "mkstemp", recording)
    write_workbook(small_plan, tmp_path / "plan.xlsx")
    assert used, "XlsxWriter made no working files: this test would prove nothing"
    folders = {Path(d).name for d in used}
    assert len(folders) == 1 and folders.pop().startswith(f".plan.xlsx.{os.getpid()}.")
    assert [p.name for p in tmp_path.iterdir()] == ["plan.xlsx"]


def test_the_workbook_names_files_by_their_base_name(tmp_path):
    """The engineer's folders stay out of the finance document."""
    from importlib import resources

    import openpyxl

    inventory, usage = tmp_path / "inventory.json", tmp_path / "my-usage.yaml"
    save_inventory(small_inventory(), inventory)
    usage.write_text((resources.files("planner") / "data" / "demo-usage.yaml").read_text())
    target = tmp_path / "plan.xlsx"
    with pytest.raises(SystemExit) as exited:
        main(["plan", str(inventory), "--usage", str(usage), "--out", str(target)])
    assert exited.value.code == 0
    book = openpyxl.load_workbook(target, read_only=True)
    texts = [str(value) for sheet in book.worksheets
             for row in sheet.iter_rows(values_only=True) for value in row if value]
    assert "my-usage.yaml" in texts
    assert not [text for text in texts if str(tmp_path) in text or "site-packages" in text]
