"""The command line. Only this package prints, prompts or shows progress.

Each command module parses its options and calls one library function; heavy libraries (boto3,
pandas, the workbook writer) are imported inside the commands that use them, so `--help` is
quick. Errors map to exit codes in one place, `main`: bad input (InputError, PriceBookError,
usage errors) is one line on stderr and status 2; a `--fail-on` condition 3; Ctrl-C 130;
anything else unexpected 1.
"""

from __future__ import annotations

import sys
import typing
from pathlib import Path
from typing import Annotated

import typer

from planner import __version__
from planner.cli import demo as demo_cmd
from planner.cli import interrupts
from planner.cli import plan as plan_cmd
from planner.cli import price as price_cmd
from planner.cli import prices as prices_cmd
from planner.cli import reconcile as reconcile_cmd
from planner.cli import scan as scan_cmd
from planner.cli import usage as usage_cmd
from planner.cli import whatif as whatif_cmd
from planner.cli.common import fail, set_up_consoles, unencodable_replaced
from planner.errors import InputError

app = typer.Typer(
    name="kmsplan",
    help="Inventory AWS data-store encryption and price the move to customer managed KMS keys.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _print_version(value: bool) -> None:
    if value:
        print(f"kmsplan {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[bool, typer.Option(
        "--version", callback=_print_version, is_eager=True,
        help="Print the version and exit.")] = False,
) -> None:
    """kmsplan: scan, plan, what-if and price the move to customer managed KMS keys."""


# In the order of the job: try it, scan, plan, compare, price, maintain, measure.
app.command("demo", help=demo_cmd.__doc__)(demo_cmd.demo)
app.command("scan", help=scan_cmd.__doc__)(scan_cmd.scan)
app.command("plan", help=plan_cmd.__doc__)(plan_cmd.plan)
app.command("whatif", help=whatif_cmd.__doc__)(whatif_cmd.whatif)
app.command("price", help=price_cmd.__doc__)(price_cmd.price)
app.command("reconcile", help=reconcile_cmd.__doc__)(reconcile_cmd.reconcile)
app.add_typer(prices_cmd.app, name="prices")
app.add_typer(usage_cmd.app, name="usage")

JSON_OPTION = "--json"


def with_json_values(argv: list[str]) -> list[str]:
    """`--json` with no value means `--json -` (stdout): the flag form `price --json` and
    `usage measure --json` had before `--json [PATH|-]` meant the same on every command."""
    result = []
    for index, token in enumerate(argv):
        if token == "--":
            return result + argv[index:]
        result.append(token)
        if token == JSON_OPTION:
            following = argv[index + 1] if index + 1 < len(argv) else None
            if following is None or (following.startswith("-") and following != "-"):
                result.append("-")
    return result


def _input_errors() -> tuple[type[Exception], ...]:
    """InputError, and the price book's own error once that module has been loaded (it is
    not imported just to be caught: --help stays quick)."""
    book = sys.modules.get("pricing.book")
    return (InputError, book.PriceBookError) if book else (InputError,)


def readable_metavars(command) -> None:
    """Metavars a user understands (N, FILE, PROFILE) where an option names none: typer's
    own are type names such as <str> or <int range>."""
    for sub in getattr(command, "commands", {}).values():
        readable_metavars(sub)
    for param in command.params:
        if (param.param_type_name != "option" or param.metavar is not None
                or getattr(param, "is_flag", False)):
            continue
        annotation = param.type_descriptor.annotation
        kinds = set(typing.get_args(annotation)) or {annotation}
        if int in kinds:
            param.metavar = "N"
        elif Path in kinds:
            param.metavar = "FILE"
        elif str in kinds:
            param.metavar = param.name.upper().replace("_", "-")


def main(argv: list[str] | None = None) -> None:
    args = with_json_values(list(sys.argv[1:] if argv is None else argv))
    set_up_consoles()
    command = typer.main.get_command(app)
    readable_metavars(command)
    unencodable_replaced()
    previous_handler = interrupts.install()
    try:
        # Without standalone mode a command's `raise typer.Exit(n)` comes back as a return value.
        status = command.main(args=args, prog_name="kmsplan", standalone_mode=False)
        if interrupts.received.is_set():
            interrupts.stop()
        if isinstance(status, int) and not isinstance(status, bool):
            sys.exit(status)
    except KeyboardInterrupt as exc:
        interrupts.stop(exc)
    except typer.Abort:
        fail("aborted", 1)
    except typer.Exit as exc:
        if interrupts.received.is_set():
            interrupts.stop()
        sys.exit(exc.exit_code)
    except typer.TyperException as exc:
        context = getattr(exc, "ctx", None)
        if type(exc).__name__ == "NoArgsIsHelpError" and context is not None:
            print(context.get_help())
            sys.exit(0)
        message = exc.format_message() if hasattr(exc, "format_message") else str(exc)
        fail(" ".join(message.split()), getattr(exc, "exit_code", 2))
    except Exception as exc:
        if isinstance(exc, _input_errors()):
            fail(str(exc), 2)
        if isinstance(exc, OSError):
            # A report that could not be written (no folder, no permission, disk full).
            name = f"{exc.filename}: " if exc.filename else ""
            fail(f"{name}{exc.strerror or exc}", 1)
        raise
    finally:
        interrupts.restore(previous_handler)
    sys.exit(0)
