"""--endpoint-url is checked once, before any boto3 client is made: a bad URL is one line on
stderr and exit 2, for every command that takes the option."""

from __future__ import annotations

import pytest

from planner.cli import main
from planner.cli.common import endpoint_url
from planner.errors import InputError

COMMANDS = [
    ["scan", "--out", "{tmp}/inventory.json"],
    ["prices", "refresh", "--regions", "us-east-1", "--out", "{tmp}/book.yaml"],
    ["usage", "measure", "--cloudtrail", "{tmp}", "--out", "{tmp}/usage.yaml"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c[:2]))
@pytest.mark.parametrize("bad", ["notaurl", "ftp://127.0.0.1:5000", "http://", "http://h:port"])
def test_a_bad_endpoint_url_is_one_line_and_exit_2(command, bad, tmp_path, capsys):
    argv = [part.format(tmp=tmp_path) for part in command] + ["--endpoint-url", bad]
    with pytest.raises(SystemExit) as stopped:
        main(argv)
    err = capsys.readouterr().err
    assert stopped.value.code == 2
    assert err == (f"kmsplan: error: --endpoint-url: {bad!r} is not a URL such as "
                   "http://127.0.0.1:5000 (http or https, and a host)\n")
    assert not list(tmp_path.iterdir())  # nothing written


def test_the_scan_reads_a_bad_url_from_aws_endpoint_url_too(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL", "localhost:5000")
    with pytest.raises(SystemExit) as stopped:
        main(["scan", "--out", str(tmp_path / "inventory.json")])
    assert stopped.value.code == 2
    assert "--endpoint-url: 'localhost:5000' is not a URL" in capsys.readouterr().err


@pytest.mark.parametrize("good", [None, "http://127.0.0.1:5000", "https://kms.example.com",
                                  "http://[::1]:5000/"])
def test_good_endpoint_urls_pass_unchanged(good):
    assert endpoint_url(good) == good


def test_the_check_raises_the_projects_input_error():
    with pytest.raises(InputError, match="--endpoint-url"):
        endpoint_url("127.0.0.1")
