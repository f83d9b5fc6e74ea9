"""prefetched(): readers started in a thread pool, handed back in listing order, a bounded
number ahead. Fake readers; the waits have timeouts only so that a bug fails instead of hanging.
"""

from __future__ import annotations

import threading

import pytest
from botocore.exceptions import ClientError

from planner.errors import InputError
from planner.measure.prefetch import prefetched

THREADS = 4
WAIT = 30  # seconds; never reached unless prefetched() is broken


def prefetch_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("prefetch")]


def constant(body: bytes):
    return lambda: body


def test_pairs_come_in_listing_order_though_later_reads_finish_first():
    finished: list[int] = []
    lock = threading.Lock()
    later_done = threading.Event()

    def reader(i: int):
        def read() -> bytes:
            if i == 0:  # the first read finishes only after reads 1, 2 and 3
                assert later_done.wait(WAIT)
            with lock:
                finished.append(i)
                if {1, 2, 3} <= set(finished):
                    later_done.set()
            return f"body {i}".encode()

        return read

    files = [(f"file-{i:02d}", reader(i)) for i in range(20)]
    got = [(name, read()) for name, read in prefetched(files, THREADS)]
    assert got == [(f"file-{i:02d}", f"body {i}".encode()) for i in range(20)]
    assert finished.index(0) > max(finished.index(1), finished.index(2), finished.index(3))


def test_as_many_reads_as_threads_run_at_once_and_never_more():
    lock = threading.Lock()
    running = most = 0
    # Each read waits until THREADS reads are in flight together: 20 reads pass only if they
    # really run THREADS at a time.
    together = threading.Barrier(THREADS, timeout=WAIT)

    def read() -> bytes:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        together.wait()
        with lock:
            running -= 1
        return b"x"

    bodies = [read() for _, read in prefetched([(f"f{i}", read) for i in range(20)], THREADS)]
    assert bodies == [b"x"] * 20
    assert most == THREADS


def test_the_listing_is_pulled_lazily_a_bounded_number_ahead():
    pulled: list[int] = []

    def listing():
        for i in range(30):
            pulled.append(i)
            yield f"f{i}", constant(bytes([i]))

    for held, (name, read) in enumerate(prefetched(listing(), THREADS)):
        # While the caller holds pair `held`, THREADS more are being read: no further.
        assert len(pulled) == min(30, held + 1 + THREADS)
        assert (name, read()) == (f"f{held}", bytes([held]))
    assert not prefetch_threads()  # the pool is shut down once the listing is done


def test_a_readers_error_surfaces_when_that_reader_is_called_not_before_or_after():
    denied = ClientError({"Error": {"Code": "AccessDenied", "Message": "no"}}, "GetObject")
    broken = OSError(5, "Input/output error")

    def raising(error: Exception):
        def read() -> bytes:
            raise error

        return read

    files = [(f"f{i}", constant(bytes([i]))) for i in range(12)]
    files[3] = ("f3", raising(denied))
    files[8] = ("f8", raising(broken))
    outcomes = []
    for _, read in prefetched(files, THREADS):
        try:
            outcomes.append(read())
        except (ClientError, OSError) as exc:
            outcomes.append(exc)
    assert outcomes[3] is denied  # the very exception the reader raised
    assert outcomes[8] is broken
    assert [outcomes[i] for i in (0, 1, 2, 4, 5, 6, 7, 9, 10, 11)] == [
        bytes([i]) for i in (0, 1, 2, 4, 5, 6, 7, 9, 10, 11)
    ]


def test_an_error_from_the_listing_surfaces_and_stops_the_threads():
    def listing():
        yield "f0", constant(b"0")
        raise InputError("s3://trail-bucket/: no such bucket")

    with pytest.raises(InputError, match="no such bucket"):
        list(prefetched(listing(), THREADS))
    assert not prefetch_threads()


def test_stopping_early_stops_the_threads_and_the_listing():
    pulled: list[int] = []
    called: list[int] = []

    def listing():
        for i in range(100):
            pulled.append(i)
            yield f"f{i}", lambda i=i: called.append(i) or b""

    files = prefetched(listing(), THREADS)
    for held, (_, read) in enumerate(files):
        read()
        if held == 1:
            break
    files.close()
    assert not prefetch_threads()
    assert pulled == list(range(2 + THREADS))  # nothing pulled after the caller stopped
    assert set(called) <= set(pulled)


def test_one_thread_passes_the_pairs_through_unread():
    called: list[str] = []
    files = [("a", lambda: called.append("a") or b"a"), ("b", lambda: called.append("b") or b"b")]
    assert list(prefetched(iter(files), 1)) == files  # the same readers, not started
    assert called == []
