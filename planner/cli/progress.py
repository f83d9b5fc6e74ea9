"""Progress on stderr for long library calls that report (done, total, label).

Shown only when stderr is a terminal and not --quiet. The bar never moves backwards: a scan's
total grows as listings reveal per-resource reads, so the bar shows the largest share done so
far, the counts beside it, and an estimate of the time left.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator

from planner.cli.common import err

Report = Callable[[int, int, str], None]
STEPS = 1000


@contextlib.contextmanager
def progress_bar(title: str, quiet: bool = False, unit: str = "calls", waiting: str = ""
                 ) -> Iterator[Report | None]:
    """Yield a progress callback, or None when quiet or when stderr is not a terminal."""
    if quiet or not sys.stderr.isatty():
        yield None
        return
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    columns = (TextColumn(title), BarColumn(), TextColumn("{task.fields[counts]}"),
               TimeRemainingColumn(), TextColumn("{task.description}", markup=False))
    with Progress(*columns, console=err, transient=True) as bar:
        job = bar.add_task(waiting, total=STEPS, counts="")
        shown = 0

        def report(done: int, total: int, label: str) -> None:
            nonlocal shown
            shown = max(shown, int(STEPS * done / total) if total else 0)
            bar.update(job, completed=shown, description=label,
                       counts=f"{done:,} of {total:,} {unit}")

        yield report


@contextlib.contextmanager
def status(message: str, quiet: bool = False) -> Iterator[None]:
    """A spinner with a message on stderr while a step with no count runs."""
    if quiet or not sys.stderr.isatty():
        yield
        return
    with err.status(message):
        yield
