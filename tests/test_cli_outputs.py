"""Where outputs go, through the real CLI in a subprocess: a symlink is written through, a FIFO
and a device are streamed to (never renamed over), `-` is stdout, a directory and a read-only
folder are refused before any work, and an output that is an input of the run is refused."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import pty
import stat
import struct
import subprocess
import sys
import termios
import threading
from pathlib import Path

import pytest

from planner.inventory import save_inventory
from tests.report.conftest import small_inventory

KMSPLAN = [sys.executable, "-m", "planner"]
# The contract's example: 1 key ($1) + 2,010,000 symmetric requests, 20,000 free, the rest
# 1,990,000 at $0.03 per 10,000 = $5.97; total $6.97.
PRICE = ["price", "--keys", "1", "--symmetric", "2010000"]


def kmsplan(*args, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([*KMSPLAN, *map(str, args)], capture_output=True, text=True,
                          timeout=300, check=False, **kwargs)


def one_error_line(done: subprocess.CompletedProcess) -> str:
    assert done.stderr.startswith("kmsplan: error: ") and done.stderr.count("\n") == 1, \
        done.stderr
    assert "Traceback" not in done.stderr
    return done.stderr


@pytest.fixture
def inventory(tmp_path) -> Path:
    path = tmp_path / "inventory.json"
    save_inventory(small_inventory(), path)
    return path


def test_a_symlink_is_written_through_and_kept(tmp_path):
    real = tmp_path / "real.json"
    real.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    done = kmsplan(*PRICE, "--json", link)
    assert done.returncode == 0, done.stderr
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert json.loads(real.read_text())["total_usd"] == "6.97"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.json", "real.json"]


def test_a_fifo_is_streamed_to_not_replaced(tmp_path):
    fifo = tmp_path / "summary.fifo"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_text()), daemon=True)
    reader.start()
    done = kmsplan(*PRICE, "--json", fifo)
    reader.join(timeout=60)
    assert done.returncode == 0, done.stderr
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert json.loads(received[0])["total_usd"] == "6.97"


def read_all(master: int) -> str:
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: every slave end is closed
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks).decode()


@contextlib.contextmanager
def terminal(columns: int = 200):
    """A private pseudo-terminal: (master fd, slave fd, the slave's device path)."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
    try:
        yield master, slave, os.ttyname(slave)
    finally:
        for fd in (master, slave):
            with contextlib.suppress(OSError):
                os.close(fd)


def test_a_device_is_streamed_to_not_replaced():
    """A pty's slave device, named as a path: the JSON arrives on the terminal, the device
    node is still a character device."""
    with terminal() as (master, slave, device):
        done = kmsplan(*PRICE, "--json", device)
        assert stat.S_ISCHR(os.stat(device).st_mode)
        os.close(slave)
        shown = read_all(master)
    assert done.returncode == 0, done.stderr
    assert json.loads(shown.replace("\r\n", "\n"))["total_usd"] == "6.97"


@pytest.mark.skipif(os.geteuid() != 0, reason="mknod of a character device needs root")
def test_a_private_device_node_is_kept(tmp_path, inventory):
    """A node made with mknod in a temporary folder (the null device's numbers, 1:3), so the
    machine's own /dev is never at stake."""
    node = tmp_path / "null"
    os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    for args in ([*PRICE, "--json", node],
                 ["plan", inventory, "--out", tmp_path / "plan.xlsx", "--json", node]):
        done = kmsplan(*args)
        assert done.returncode == 0, done.stderr
        assert stat.S_ISCHR(os.stat(node).st_mode)
        assert os.major(os.stat(node).st_rdev) == 1


def test_a_workbook_to_a_terminal_is_refused(tmp_path, inventory):
    with terminal() as (master, slave, device):
        done = kmsplan("plan", inventory, "--out", device)
    assert done.returncode == 2
    assert "a workbook is binary" in one_error_line(done)


def test_dash_is_stdout_and_the_table_goes_to_stderr(tmp_path, inventory):
    done = kmsplan("plan", inventory, "--out", tmp_path / "plan.xlsx", "--json", "-")
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)  # nothing but the JSON document on stdout
    assert document["schema"] == "kmsplan.summary/1"
    assert "Monthly now" in done.stderr and "Workbook:" in done.stderr


def test_json_with_no_value_is_stdout_as_before(tmp_path, inventory):
    """The old flag form (`price --json`) still prints; `plan --json` now can too."""
    done = kmsplan(*PRICE, "--json")
    assert (done.returncode, json.loads(done.stdout)["total_usd"]) == (0, "6.97")
    done = kmsplan("plan", inventory, "--json", "--out", tmp_path / "plan.xlsx")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["resources"] == 2


def test_a_workbook_to_a_pipe(tmp_path, inventory):
    done = subprocess.run([*KMSPLAN, "plan", str(inventory), "--out", "-"],
                          capture_output=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout[:2] == b"PK"  # a zip: the workbook, whole, on stdout


def test_an_existing_directory_is_refused_before_any_work(tmp_path, inventory):
    folder = tmp_path / "reports"
    folder.mkdir()
    for args in ([*PRICE, "--json", folder], ["plan", inventory, "--out", folder],
                 ["scan", "--regions", "us-east-1", "--out", folder]):
        done = kmsplan(*args)
        assert done.returncode == 2
        assert "is a directory" in one_error_line(done)
    assert list(folder.iterdir()) == []


@contextlib.contextmanager
def read_only_folder(parent: Path):
    """A folder nobody can write to: mode 0555, and for root (who ignores mode bits) a
    read-only tmpfs mounted there."""
    folder = parent / "locked"
    folder.mkdir()
    mounted = False
    if os.geteuid() == 0:
        mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "ro,size=64k", "tmpfs",
                                  str(folder)], capture_output=True, check=False).returncode == 0
        if not mounted:
            pytest.skip("root, and no read-only mount allowed here: no folder root cannot write")
    else:
        folder.chmod(0o555)
    try:
        yield folder
    finally:
        if mounted:
            subprocess.run(["umount", str(folder)], check=True)


def test_a_read_only_folder_is_refused_before_any_work(tmp_path, inventory):
    with read_only_folder(tmp_path) as folder:
        for args in (["plan", inventory, "--out", folder / "plan.xlsx"],
                     [*PRICE, "--json", folder / "price.json"],
                     ["plan", inventory, "--out", tmp_path / "p.xlsx", "--csv", folder / "csv"]):
            done = kmsplan(*args)
            assert done.returncode == 2, done.stderr
            assert "is not writable" in one_error_line(done)
        assert list(folder.iterdir()) == []
    assert not (tmp_path / "p.xlsx").exists()


@pytest.mark.parametrize("option", ["--out", "--json"])
def test_an_output_that_is_the_input_is_refused(tmp_path, inventory, option):
    before = inventory.read_bytes()
    args = ["plan", inventory, option, inventory]
    if option == "--json":
        args += ["--out", tmp_path / "plan.xlsx"]
    done = kmsplan(*args)
    assert done.returncode == 2
    assert f"{option} {inventory}: is the input" in one_error_line(done)
    assert inventory.read_bytes() == before
    assert not (tmp_path / "plan.xlsx").exists()


def test_an_output_that_is_the_input_through_a_symlink(tmp_path, inventory):
    link = tmp_path / "link.json"
    link.symlink_to(inventory)
    before = inventory.read_bytes()
    done = kmsplan("usage", "measure", "--cloudtrail", tmp_path, "--inventory", inventory,
                   "--out", link)
    assert done.returncode == 2
    assert "is the input" in one_error_line(done)
    assert inventory.read_bytes() == before


def test_two_outputs_in_one_file_are_refused(tmp_path, inventory):
    target = tmp_path / "same"
    done = kmsplan("plan", inventory, "--out", target, "--json", target)
    assert done.returncode == 2
    assert "also the output of --out" in one_error_line(done)


def test_scan_and_demo_into_a_missing_folder_fail_before_any_work(tmp_path):
    for args in (["scan", "--regions", "us-east-1", "--out", tmp_path / "no" / "inv.json"],
                 ["demo", "--out", tmp_path / "no" / "demo.xlsx"]):
        done = kmsplan(*args, env={**os.environ, "AWS_ENDPOINT_URL": "http://127.0.0.1:9"})
        assert done.returncode == 2
        assert "does not exist" in one_error_line(done)
    assert not (tmp_path / "no").exists()


def test_a_misspelt_region_is_exit_2_with_a_suggestion(tmp_path):
    out = tmp_path / "inventory.json"
    done = kmsplan("scan", "--regions", "us-east-1,eu-wst-1", "--out", out,
                   env={**os.environ, "AWS_ENDPOINT_URL": "http://127.0.0.1:9"})
    assert done.returncode == 2
    assert one_error_line(done) == ("kmsplan: error: --regions: 'eu-wst-1' is not an AWS "
                                    "region botocore knows; did you mean eu-west-1?\n")
    assert not out.exists()


def run_on_terminal(args: list, columns: int) -> str:
    with terminal(columns) as (master, slave, _):
        process = subprocess.Popen([*KMSPLAN, *map(str, args)], stdin=slave, stdout=slave,
                                   stderr=slave, env={**os.environ, "TERM": "dumb"})
        os.close(slave)
        shown = read_all(master)
        process.wait(timeout=300)
    assert process.returncode == 0, shown
    return shown.replace("\r\n", "\n")


def test_a_pipe_and_a_narrow_terminal_show_money_in_full(tmp_path):
    """123,456 keys at $1 a key-month: $123,456.00 a month; no requests priced."""
    args = ["price", "--keys", "123456", "--rotations", "2"]
    piped = kmsplan(*args)
    assert piped.returncode == 0, piped.stderr
    shown = run_on_terminal(args, columns=40)
    # 2 rotations billed at $1 each per key: 123,456 x 3 = $370,368.00 in all.
    for text in (piped.stdout, shown):
        assert "$123,456.00" in text
        total = [line for line in text.splitlines() if "Total per month" in line]
        assert len(total) == 1 and "$370,368.00" in total[0]
    # Neither is squeezed to the terminal's 40 columns: the same table, row for row.
    assert len(shown.splitlines()) == len(piped.stdout.splitlines())


def test_the_replan_command_is_one_line_on_a_pipe(tmp_path, inventory):
    deep = tmp_path / ("a-very-long-folder-name-" * 6)
    deep.mkdir()
    workbook = deep / "plan.xlsx"
    done = kmsplan("plan", inventory, "--out", workbook)
    assert done.returncode == 0, done.stderr
    assert f"Workbook: {workbook}\n" in done.stdout


def test_progress_goes_to_a_terminal_stderr_only(aws_client, fresh_aws, tmp_path):
    """stderr a terminal, stdout a pipe: the bar is drawn on stderr, stdout holds the one
    summary line; with stderr a pipe too, no progress is drawn at all."""
    aws_client("s3").create_bucket(Bucket="progress-bucket")
    env = {**os.environ, "AWS_ENDPOINT_URL": fresh_aws, "AWS_DEFAULT_REGION": "us-east-1"}
    args = [*KMSPLAN, "scan", "--regions", "us-east-1", "--out", str(tmp_path / "a.json")]
    with terminal() as (master, slave, _):
        process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=slave, env=env,
                                   text=True)
        os.close(slave)
        drawn = read_all(master)
        stdout = process.communicate(timeout=300)[0]
    assert process.returncode == 0, drawn
    assert "Scanning" in drawn and "calls" in drawn
    assert stdout == (f"1 resources and 0 keys in 1 account(s), 1 region(s): "
                      f"{tmp_path / 'a.json'}\n")
    piped = kmsplan("scan", "--regions", "us-east-1", "--out", tmp_path / "b.json", env=env)
    assert piped.returncode == 0
    assert piped.stderr == ""
