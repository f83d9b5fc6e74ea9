"""What every command shares: the consoles, money and number formatting, error exits."""

from __future__ import annotations

import re
import sys
from decimal import Decimal
from typing import NoReturn
from urllib.parse import urlsplit

from rich.console import Console

from planner.errors import InputError

# No console markup or emoji codes: what we print carries names, tags and error messages
# from AWS and from the user's files, and "[/]" or "[link=...]" in them must stay text.
# Style our own words with rich Text objects instead.
out = Console(highlight=False, markup=False, emoji=False)
err = Console(stderr=True, highlight=False, markup=False, emoji=False)
# Output to a pipe or a file is never wrapped or cut (money in full, a command on one line).
UNBOUNDED = 10_000


def set_up_consoles(stdout_taken: bool = False) -> None:
    """Called once a command knows its outputs: with a data stream on stdout (`--json -`),
    what is meant for a person goes to stderr. A console not on a terminal is unbounded."""
    out.file = sys.stderr if stdout_taken else None
    for console in (out, err):
        console.width = None if console.file.isatty() else UNBOUNDED


def show(renderable) -> None:
    """A table at its natural width, never squeezed to a narrow terminal (columns stay whole;
    the terminal may wrap the lines)."""
    from rich.measure import Measurement

    natural = Measurement.get(out, out.options.update(max_width=UNBOUNDED), renderable).maximum
    if natural <= out.width:
        out.print(renderable)
        return
    # Console.print never goes wider than its console: a console as wide as the table.
    # (Both width and height: with the width alone a dumb terminal is taken as 80 columns.)
    wide = Console(file=out.file, width=natural, height=out.height, highlight=False,
                   markup=False, emoji=False,
                   color_system=out.color_system, force_terminal=out.is_terminal)
    wide.print(renderable, crop=False)


def unencodable_replaced() -> None:
    """Characters the terminal cannot take (a lone surrogate in a name) print as
    replacements instead of stopping the command halfway through its output."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")


def fail(message: str, status: int) -> NoReturn:
    # One line, whatever the message holds: an AWS error's Message can be a whole HTML page.
    message = re.sub(r"\s*[\r\n]+\s*", " ", message).strip()
    print(f"kmsplan: error: {message}", file=sys.stderr)
    sys.exit(status)


def endpoint_url(value: str | None) -> str | None:
    """Option callback for --endpoint-url: http(s) and a host, or botocore fails later with
    a ValueError traceback."""
    if value is None:
        return None
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 (a port that is not a number raises here)
    except ValueError:
        parts = None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(f"--endpoint-url: {value!r} is not a URL such as "
                         "http://127.0.0.1:5000 (http or https, and a host)")
    return value


def usd(amount: Decimal) -> str:
    sign = "-" if amount < 0 else ""
    return f"{sign}${abs(amount):,.2f}"


def number(value: Decimal | int) -> str:
    """A quantity without exponent or trailing zeros: 199, 0.5, 2,010,000."""
    value = Decimal(value)
    text = f"{value.normalize():f}"
    whole, _, frac = text.partition(".")
    whole = f"{int(whole):,}" if whole not in ("-0", "") else whole
    return f"{whole}.{frac}" if frac else whole


def plain(value: Decimal) -> str:
    """A Decimal as a JSON string without exponent: '6.97', '199', '0.000137'."""
    return f"{value.normalize():f}" if value == value.to_integral() else f"{value:f}"


def prepare_outputs(outputs: dict, inputs: tuple = (), binary: tuple[str, ...] = ()) -> None:
    """Check every output before any work: each can be written, none is an input of the run
    or another output, at most one is stdout (`-`); then route the person's text."""
    from planner.files import check_not_inputs, check_output, is_stdout

    to_stdout = [option for option, path in outputs.items() if is_stdout(path)]
    if len(to_stdout) > 1:
        raise InputError(f"{' and '.join(to_stdout)}: only one output can go to stdout ('-')")
    for option, path in outputs.items():
        check_output(path, option, binary=option in binary)
    check_not_inputs(outputs, inputs)
    set_up_consoles(stdout_taken=bool(to_stdout))


def say(console: Console, text: str) -> None:
    """Plain text (no markup: it may hold names from AWS), never wrapped."""
    console.print(text, markup=False, highlight=False, soft_wrap=True)


def aws_failure(exc: BaseException) -> str:
    """One line for a failed AWS call: the operation, the AWS error code and its message, as
    the scan records them (an HTML or XML page is reduced to its HTTP status)."""
    from planner.scan.common import error_code

    code, message = error_code(exc)
    operation = getattr(exc, "operation_name", None) or "AWS"
    message = " ".join(message.split())  # one line, whatever the answer held
    return f"{operation}: {code}: {message}" if message else f"{operation}: {code}"
