"""The worker pool: runs tasks (and the follow-up tasks they return) on a bounded pool.

A task that fails whole (its listing call was refused, throttled past retries, or never
answered) becomes one entry in the errors list; the scan goes on with everything else.

A region that does not answer (a connect or read timeout after botocore's retries) is given
up: its tasks not yet started are not run, each recorded as an error with the code that
stopped the region, so one hung endpoint costs one call's retries, not one per resource.

Interrupted (Ctrl-C), the pool drops every task not yet started and does not wait for calls
in flight: their threads are left to end with the process.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass, field

from botocore.exceptions import ConnectionClosedError, ReadTimeoutError
from botocore.exceptions import ConnectionError as BotoConnectionError

from planner.inventory import ScanError
from planner.scan.common import CALL_ERRORS, SHAPE_ERRORS, Step, Task, scan_error

# progress(done, total, label): total grows as listings reveal per-resource work. The label
# starts with the phase ("listing 3 of 40" until every listing is answered, then "reading N
# resources"), then ": " and the call just finished.
Progress = Callable[[int, int, str], None]
# No answer at all once retries are spent: connect/read timeouts, refused or reset connections.
UNREACHABLE = (BotoConnectionError, ReadTimeoutError, ConnectionClosedError)
GIVEN_UP = "not attempted: an earlier call in this account and region got no answer"


class ScanInterrupted(KeyboardInterrupt):
    """Ctrl-C during the scan: how many tasks were dropped and how many calls were in flight."""

    def __init__(self, dropped: int, in_flight: int):
        super().__init__(f"{dropped} pending task(s) dropped, {in_flight} call(s) in flight")
        self.dropped = dropped
        self.in_flight = in_flight


@dataclass
class RunResult:
    found: list = field(default_factory=list)
    errors: list[ScanError] = field(default_factory=list)
    tasks_ok: int = 0  # tasks whose own first call was answered
    tasks_failed: int = 0


def _execute(task: Task, dead: dict) -> tuple[Step, bool]:
    place = (task.scope.account, task.scope.region)
    if place in dead:  # the region stopped answering: do not queue behind its timeouts
        error = dead[place]
        return Step(errors=[ScanError(place[0], place[1], task.service, task.operation,
                                      error.code, GIVEN_UP)]), False
    try:
        return task.run(task.scope), True
    except CALL_ERRORS + SHAPE_ERRORS as exc:
        error = scan_error(task.scope, task.service, task.operation, exc)
        if isinstance(exc, UNREACHABLE):
            dead.setdefault(place, error)
        return Step(errors=[error]), False


def phase(listed: int, listings: int, reads: int) -> str:
    """What the scan is doing: listing until every first task (a listing) is answered, then
    reading the resources the listings revealed (follow-up tasks, one per resource)."""
    if listed < listings:
        return f"listing {listed:,} of {listings:,}"
    return f"reading {reads:,} resources"


def run_tasks(tasks: list[Task], workers: int, progress: Progress | None = None) -> RunResult:
    result = RunResult()
    total, done, listed = len(tasks), 0, 0
    dead: dict[tuple[str, str], ScanError] = {}  # (account, region) -> what stopped it
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="scan")
    pending = {}
    try:
        pending = {pool.submit(_execute, task, dead): task for task in tasks}
        listings = set(pending)
        while pending:
            finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                task = pending.pop(future)
                step, ok = future.result()
                result.found.extend(step.found)
                result.errors.extend(step.errors)
                if ok:
                    result.tasks_ok += 1
                else:
                    result.tasks_failed += 1
                for follow_up in step.more:
                    pending[pool.submit(_execute, follow_up, dead)] = follow_up
                total += len(step.more)
                done += 1
                if future in listings:
                    listed += 1
                    listings.discard(future)
                if progress is not None:
                    progress(done, total,
                             f"{phase(listed, len(tasks), total - len(tasks))}: {task.label}")
    except KeyboardInterrupt:
        cancelled = sum(future.cancel() for future in pending)
        pool.shutdown(wait=False, cancel_futures=True)
        raise ScanInterrupted(cancelled, len(pending) - cancelled) from None
    pool.shutdown(wait=True)
    return result
