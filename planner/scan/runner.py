"""The worker pool: runs tasks (and the follow-up tasks they return) on a bounded pool.

A task that fails whole (its listing call was refused, throttled past retries, or never
answered) becomes one entry in the errors list; the scan goes on with everything else.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass, field

from planner.inventory import ScanError
from planner.scan.common import CALL_ERRORS, Step, Task, scan_error

# progress(done, total, label): total grows as listings reveal per-resource work.
Progress = Callable[[int, int, str], None]


@dataclass
class RunResult:
    found: list = field(default_factory=list)
    errors: list[ScanError] = field(default_factory=list)
    tasks_ok: int = 0  # tasks whose own first call was answered
    tasks_failed: int = 0


def _execute(task: Task) -> tuple[Step, bool]:
    try:
        return task.run(task.scope), True
    except CALL_ERRORS as exc:
        return Step(errors=[scan_error(task.scope, task.service, task.operation, exc)]), False


def run_tasks(tasks: list[Task], workers: int, progress: Progress | None = None) -> RunResult:
    result = RunResult()
    total, done = len(tasks), 0
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="scan") as pool:
        pending = {pool.submit(_execute, task): task for task in tasks}
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
                    pending[pool.submit(_execute, follow_up)] = follow_up
                total += len(step.more)
                done += 1
                if progress is not None:
                    progress(done, total, task.label)
    return result
