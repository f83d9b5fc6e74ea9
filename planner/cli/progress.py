"""A progress bar for long library calls that report (done, total, label)."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from planner.cli.common import out

Report = Callable[[int, int, str], None]


@contextlib.contextmanager
def progress_bar(title: str, quiet: bool = False) -> Iterator[Report | None]:
    """Yield a progress callback, or None when quiet or when stdout is not a terminal."""
    if quiet or not sys.stdout.isatty():
        yield None
        return
    columns = (TextColumn(title), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
               TextColumn("{task.description}", markup=False))
    with Progress(*columns, console=out, transient=True) as bar:
        job = bar.add_task("", total=None)

        def report(done: int, total: int, label: str) -> None:
            bar.update(job, completed=done, total=total, description=label)

        yield report
