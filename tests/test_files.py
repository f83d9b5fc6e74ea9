import os
import subprocess
import sys
import time

import pytest

import planner.report.summary as summary_module
from planner.cli import main
from planner.files import atomic_folder, atomic_open, remove_stale_temporaries
from planner.inventory import save_inventory
from planner.report.tables import TABLES
from tests.report.conftest import small_inventory


def test_atomic_write_replaces_whole_file_with_usual_permissions(tmp_path):
    target = tmp_path / "report.json"
    target.write_text("old")
    with atomic_open(target) as handle:
        handle.write("new")
    assert target.read_text() == "new"
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask
    assert list(tmp_path.iterdir()) == [target]


def test_failed_write_leaves_previous_file_and_no_temporary(tmp_path):
    target = tmp_path / "report.json"
    target.write_text("old")
    with pytest.raises(RuntimeError), atomic_open(target) as handle:
        handle.write("half")
        raise RuntimeError("disk full")
    assert target.read_text() == "old"
    assert list(tmp_path.iterdir()) == [target]


# --- One private temporary folder per write; stale ones of our naming cleaned. ---

CSV_SET = sorted(f"{name}.csv" for name in TABLES)


def a_dead_pid() -> int:
    """The id of a process that has exited (and been reaped) just now."""
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    return int(done.stdout)


def test_stale_temporaries_of_our_naming_are_removed_and_live_ones_kept(tmp_path):
    dead = tmp_path / f".plan.xlsx.{a_dead_pid()}.abcd1234.tmp"
    dead.mkdir()
    (dead / "plan.xlsx").write_bytes(b"half a zip")
    live = tmp_path / f".plan.xlsx.{os.getpid()}.live0001.tmp"  # this process: still running
    live.mkdir()
    legacy = tmp_path / ".plan.xlsx.k2j4h5g6.tmp"  # mkstemp naming of earlier versions
    legacy.write_bytes(b"")
    two_hours_ago = time.time() - 7200
    os.utime(legacy, (two_hours_ago, two_hours_ago))
    recent_legacy = tmp_path / ".plan.xlsx.zzzzzzzz.tmp"  # may belong to a run going on now
    recent_legacy.write_bytes(b"")
    other = tmp_path / ".notes.txt.12.abcdefgh.tmp"  # another file's name: not this write's
    other.write_bytes(b"")
    mine = tmp_path / "keep.tmp"  # not our naming at all
    mine.write_bytes(b"")
    remove_stale_temporaries(tmp_path, "plan.xlsx")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [live.name, recent_legacy.name, other.name, mine.name])


def test_a_folder_is_swapped_in_whole(tmp_path):
    target = tmp_path / "csv"
    target.mkdir()
    (target / "a.csv").write_text("old a")
    (target / "b.csv").write_text("old b")
    with atomic_folder(target) as work:
        (work / "a.csv").write_text("new a")
        assert (target / "a.csv").read_text() == "old a"  # nothing visible until the swap
    assert (target / "a.csv").read_text() == "new a"
    assert not (target / "b.csv").exists()  # the new set, not a mix
    assert [p.name for p in tmp_path.iterdir()] == ["csv"]


def test_a_failed_set_leaves_the_previous_one_whole(tmp_path, monkeypatch, capsys):
    """The disk fills after two tables: the five old tables stay, no new one among them."""
    inventory = tmp_path / "inventory.json"
    save_inventory(small_inventory(), inventory)
    folder = tmp_path / "csv"
    folder.mkdir()
    for name in CSV_SET:
        (folder / name).write_text("old")
    real_open = summary_module.atomic_open
    written = []

    def filling(path, *args, **kwargs):
        if len(written) == 2:
            raise OSError(28, "No space left on device", str(path))
        written.append(path)
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(summary_module, "atomic_open", filling)
    with pytest.raises(SystemExit) as exited:
        main(["plan", str(inventory), "--out", str(tmp_path / "plan.xlsx"), "--csv",
              str(folder)])
    assert exited.value.code == 1
    assert "No space left on device" in capsys.readouterr().err
    assert sorted(p.name for p in folder.iterdir()) == CSV_SET
    assert {(folder / name).read_text() for name in CSV_SET} == {"old"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["csv", "inventory.json", "plan.xlsx"]


def test_a_csv_folder_with_other_files_is_refused_before_any_work(tmp_path, capsys):
    inventory = tmp_path / "inventory.json"
    save_inventory(small_inventory(), inventory)
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine")
    with pytest.raises(SystemExit) as exited:
        main(["plan", str(inventory), "--out", str(tmp_path / "plan.xlsx"), "--csv",
              str(folder)])
    assert exited.value.code == 2
    assert "holds files kmsplan did not write (notes.txt)" in capsys.readouterr().err
    assert not (tmp_path / "plan.xlsx").exists()
    assert [p.name for p in folder.iterdir()] == ["notes.txt"]


def test_the_swap_without_an_atomic_exchange(tmp_path, monkeypatch):
    """Where the kernel has no RENAME_EXCHANGE: two renames, the old set removed after."""
    import planner.files as files

    monkeypatch.setattr(files, "_exchange", lambda a, b: False)
    target = tmp_path / "csv"
    target.mkdir()
    (target / "a.csv").write_text("old")
    with atomic_folder(target) as work:
        (work / "a.csv").write_text("new")
    assert (target / "a.csv").read_text() == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["csv"]
