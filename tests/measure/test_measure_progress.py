"""`usage measure` progress: files and bytes read, reported after each file (each batch with
--workers), shown with the throughput when stderr is a terminal (a private pty). No timing
is asserted: only what was read."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from rich.filesize import decimal

from planner.measure.cloudtrail import local_files, measure_files
from tests.measure.trail import bad_files, sample_trail, write_tree
from tests.test_cli_outputs import read_all, terminal

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def _trail(folder: Path) -> dict[str, bytes]:
    """Writes the sample and the bad files; returns the log files among them (the digest
    file beside them is no log file: never read, never counted)."""
    files = {**sample_trail(), **bad_files()}
    write_tree(folder, files)
    return {name: body for name, body in files.items() if "CloudTrail-Digest" not in name}


def test_each_file_reports_the_files_and_bytes_read_so_far(tmp_path):
    files = _trail(tmp_path)
    seen = []
    result = measure_files(local_files(tmp_path), "test", progress=lambda *n: seen.append(n))
    # One report per file, files counting up; bytes as stored, bad files included, so the
    # last report holds the sum of every file's size.
    assert [n for n, _ in seen] == list(range(1, len(files) + 1))
    sizes = [size for _, size in seen]
    assert sizes == sorted(sizes)
    assert seen[-1] == (len(files), sum(len(body) for body in files.values()))
    assert result.bytes_read == seen[-1][1]


def test_processes_report_after_each_batch_and_add_up_alike(tmp_path):
    files = _trail(tmp_path)
    seen = []
    measure_files(local_files(tmp_path), "test", workers=2, progress=lambda *n: seen.append(n))
    assert seen[-1] == (len(files), sum(len(body) for body in files.values()))


def test_a_terminal_sees_files_bytes_and_throughput(tmp_path):
    files = _trail(tmp_path / "trail")
    kmsplan = Path(sys.executable).with_name("kmsplan")
    with terminal() as (master, slave, _):
        finished = subprocess.run(
            [str(kmsplan), "usage", "measure", "--cloudtrail", str(tmp_path / "trail"),
             "--out", str(tmp_path / "usage.yaml")],
            stdout=subprocess.PIPE, stderr=slave, text=True, timeout=120, check=False)
        os.close(slave)  # our copy: reading the master then ends with the child
        shown = ANSI.sub("", read_all(master))
    assert finished.returncode == 0, shown
    total = sum(len(body) for body in files.values())
    # The last state is drawn before the line is cleared: every file, every byte, a rate.
    assert f"{len(files)} files, {decimal(total)} read, " in shown
    assert re.search(r"read, [0-9.]+ (bytes|kB|MB|GB)/s", shown)


def test_no_progress_when_stderr_is_not_a_terminal(tmp_path):
    _trail(tmp_path / "trail")
    kmsplan = Path(sys.executable).with_name("kmsplan")
    finished = subprocess.run(
        [str(kmsplan), "usage", "measure", "--cloudtrail", str(tmp_path / "trail"), "--out",
         str(tmp_path / "usage.yaml")], capture_output=True, text=True, timeout=120,
        check=False)
    assert finished.returncode == 0, finished.stderr
    assert " files, " not in finished.stderr and "/s" not in finished.stderr

