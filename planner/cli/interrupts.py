"""Ctrl-C: stop within moments, say what was stopped, exit 130; a second Ctrl-C exits at once.

The first SIGINT raises KeyboardInterrupt in the main thread as usual, so every `finally`
on the way out runs (atomic writes remove their temporary files: no partial output). The
process then ends with os._exit, not waiting for worker threads blocked in a network read
(Python would join them at exit, which took minutes against a hung region). While those
cleanups run, a second SIGINT ends the process immediately.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from typing import NoReturn

STATUS = 130  # 128 + SIGINT, what shells report for a command stopped by Ctrl-C
# Set by the first SIGINT. typer turns a KeyboardInterrupt into a plain exit status 130, so
# the CLI checks this rather than the exception, which never reaches it.
received = threading.Event()


def install():
    """Handle SIGINT as above; returns the previous handler (None off the main thread)."""
    if threading.current_thread() is not threading.main_thread():
        return None

    def first(signum, frame):
        received.set()
        signal.signal(signal.SIGINT, second)
        raise KeyboardInterrupt

    def second(signum, frame):
        os._exit(STATUS)

    return signal.signal(signal.SIGINT, first)


def restore(previous) -> None:
    if previous is not None:
        signal.signal(signal.SIGINT, previous)


def stop(exc: BaseException | None = None) -> NoReturn:
    """Say what was stopped and end the process now (exit 130)."""
    detail = str(exc or "").strip()
    print(f"kmsplan: interrupted{f' ({detail})' if detail else ''}; no output was left "
          "half-written", file=sys.stderr)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(STATUS)
