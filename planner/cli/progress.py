"""Progress on stderr for long library calls that report (done, total, label).

Shown only when stderr is a terminal and not --quiet. The bar never moves backwards: a scan's
total grows as listings reveal per-resource reads, so the bar shows the largest share done so
far, the counts beside it, and an estimate of the time left. A label's first word names its
phase (a scan's "listing ...", then "reading N resources: ..."): a new phase is drawn at once,
not at the next refresh, so a short phase is seen too.
"""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Callable, Iterator

from planner.cli.common import err

Report = Callable[[int, int, str], None]
FilesReport = Callable[[int, int], None]  # (files read, bytes read)
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
        shown, phase = 0, waiting.split(" ", 1)[0]

        def report(done: int, total: int, label: str) -> None:
            nonlocal shown, phase
            shown = max(shown, int(STEPS * done / total) if total else 0)
            now = label.split(" ", 1)[0]
            bar.update(job, completed=shown, description=label,
                       counts=f"{done:,} of {total:,} {unit}", refresh=now != phase)
            phase = now

        yield report


@contextlib.contextmanager
def status(message: str, quiet: bool = False) -> Iterator[None]:
    """A spinner with a message on stderr while a step with no count runs."""
    if quiet or not sys.stderr.isatty():
        yield
        return
    with err.status(message):
        yield


@contextlib.contextmanager
def files_read(title: str, quiet: bool = False) -> Iterator[FilesReport | None]:
    """Yield a callback for (files, bytes) read so far, shown with the throughput since the
    start; None when quiet or when stderr is not a terminal. The total is not known ahead (an
    S3 listing is read as the files are), so there is no bar."""
    if quiet or not sys.stderr.isatty():
        yield None
        return
    from rich.filesize import decimal
    from rich.progress import Progress, SpinnerColumn, TextColumn

    columns = (SpinnerColumn(), TextColumn(title), TextColumn("{task.description}",
                                                              markup=False))
    started = time.monotonic()
    with Progress(*columns, console=err, transient=True) as bar:
        job = bar.add_task("", total=None)

        def report(files: int, size: int) -> None:
            elapsed = time.monotonic() - started
            rate = f", {decimal(int(size / elapsed))}/s" if elapsed > 0 else ""
            bar.update(job, description=f"{files:,} files, {decimal(size)} read{rate}")

        yield report
