"""Help on every command, readable metavars, --version, and a quick --help: the heavy
libraries are imported only by the commands that use them."""

from __future__ import annotations

import subprocess
import sys

import pytest

from planner import __version__

COMMANDS = [["demo"], ["scan"], ["plan"], ["whatif"], ["price"], ["prices"],
            ["prices", "refresh"], ["usage"], ["usage", "measure"]]
HEAVY = ("boto3", "botocore", "pandas", "pyarrow", "xlsxwriter", "openpyxl", "yaml")


def kmsplan(*args):
    return subprocess.run([sys.executable, "-m", "planner", *args], capture_output=True,
                          text=True, timeout=120, check=False)


def test_help_imports_no_heavy_library():
    probe = ("import sys\nfrom planner.cli import main\n"
             "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
             f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          timeout=120, check=True)
    assert done.stdout.splitlines()[-1] == "[]"


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_has_help(command):
    done = kmsplan(*command, "-h")
    assert done.returncode == 0, done.stderr
    usage, _, rest = done.stdout.partition("\n\n")
    assert usage.startswith("Usage: kmsplan " + " ".join(command))
    assert rest.strip() and not rest.startswith("Options:")  # a sentence before the options
    assert "<list" not in done.stdout and "<" not in usage


def test_version():
    done = kmsplan("--version")
    assert (done.returncode, done.stdout) == (0, f"kmsplan {__version__}\n")


def test_shell_completion_is_offered():
    assert "--show-completion" in kmsplan("--help").stdout
