"""Read (name, reader) pairs ahead in a thread pool, keeping their order.

For S3 objects: each read is a GetObject round trip that waits on the network, not the CPU,
so a few in flight at once hide the latency while the main thread counts. The listing is
pulled lazily from the caller's thread, and only a bounded number of objects are read ahead,
so memory stays flat however many objects there are.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor, wait

from planner.measure.cloudtrail import Reader

STOP_SECONDS = 1.0  # how long a stop waits for reads already running


def prefetched(files: Iterable[tuple[str, Reader]], threads: int) -> Iterator[tuple[str, Reader]]:
    """The same (name, reader) pairs in the same order; each reader was started in one of
    `threads` threads, and calling it returns its bytes or raises what the reader raised.

    Ahead of the pair the caller holds, at most `threads` more are taken from `files` and
    read, so all threads stay busy while the caller counts one, and no more are held.
    Close the generator (or let it finish) to stop the pool; reads not yet started are
    cancelled. threads <= 1: the pairs pass through untouched, read when called.
    """
    if threads <= 1:
        yield from files
        return
    pending: deque = deque()
    pool = ThreadPoolExecutor(threads, thread_name_prefix="prefetch")
    held = None  # the future whose result the caller was last handed
    try:
        for name, read in files:
            pending.append((name, pool.submit(read)))
            if len(pending) > threads:
                name, held = pending.popleft()
                yield name, held.result
        while pending:
            name, held = pending.popleft()
            yield name, held.result
    finally:
        # Early stop, an error or Ctrl-C: drop what has not started; give reads in flight
        # a moment to end, and no more (a hung GetObject must not hold up an interrupt: it
        # ends with its read timeout, in a thread nobody waits for).
        running = [f for f in (held, *(f for _, f in pending)) if f is not None and not f.cancel()]
        settled = not wait(running, timeout=STOP_SECONDS).not_done
        pool.shutdown(wait=settled, cancel_futures=True)
