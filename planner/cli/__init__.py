"""The command line. Only this package prints, prompts or shows progress.

Each command module parses its options and calls one library function. Errors map to exit
codes in one place, `main`: bad input (InputError, PriceBookError, usage errors) is one line on
stderr and status 2; anything else unexpected is status 1.
"""

from __future__ import annotations

import sys

import typer

from planner.cli import demo as demo_cmd
from planner.cli import interrupts
from planner.cli import plan as plan_cmd
from planner.cli import price as price_cmd
from planner.cli import prices as prices_cmd
from planner.cli import scan as scan_cmd
from planner.cli import usage as usage_cmd
from planner.cli import whatif as whatif_cmd
from planner.cli.common import fail, unencodable_replaced
from planner.errors import InputError
from pricing.book import PriceBookError

app = typer.Typer(
    name="kmsplan",
    help="Inventory AWS data-store encryption and price the move to customer managed KMS keys.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


@app.callback()
def _root() -> None:
    """kmsplan: scan, plan, what-if and price the move to customer managed KMS keys."""


# In the order of the job: try it, scan, plan, compare, price, maintain, measure.
app.command("demo", help=demo_cmd.__doc__)(demo_cmd.demo)
app.command("scan", help=scan_cmd.__doc__)(scan_cmd.scan)
app.command("plan", help=plan_cmd.__doc__)(plan_cmd.plan)
app.command("whatif", help=whatif_cmd.__doc__)(whatif_cmd.whatif)
app.command("price", help=price_cmd.__doc__)(price_cmd.price)
app.add_typer(prices_cmd.app, name="prices")
app.add_typer(usage_cmd.app, name="usage")


def main(argv: list[str] | None = None) -> None:
    command = typer.main.get_command(app)
    unencodable_replaced()
    previous_handler = interrupts.install()
    try:
        # Without standalone mode a command's `raise typer.Exit(n)` comes back as a return value.
        status = command.main(args=argv, prog_name="kmsplan", standalone_mode=False)
        if interrupts.received.is_set():
            interrupts.stop()
        if isinstance(status, int) and not isinstance(status, bool):
            sys.exit(status)
    except (InputError, PriceBookError) as exc:
        fail(str(exc), 2)
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
    except OSError as exc:
        # A report that could not be written (no folder, no permission, disk full).
        name = f"{exc.filename}: " if exc.filename else ""
        fail(f"{name}{exc.strerror or exc}", 1)
    finally:
        interrupts.restore(previous_handler)
    sys.exit(0)
