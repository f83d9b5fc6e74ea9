"""Atomic writes: a report is either the new one, whole, or the previous one, untouched."""

from __future__ import annotations

import contextlib
import functools
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from planner.errors import InputError


@contextlib.contextmanager
def atomic_path(target: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside `target`; rename it over `target` only on success."""
    target = Path(target)
    folder = target.parent if str(target.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:  # name the file the user asked for, not the temporary one
        raise OSError(exc.errno, exc.strerror, str(target)) from None
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        # mkstemp makes the file private (0600); a report gets the usual umask permissions.
        os.chmod(tmp_path, 0o666 & ~_umask())
        os.replace(tmp_path, target)
    finally:
        tmp_path.unlink(missing_ok=True)


def check_writable(*targets: str | Path | None) -> None:
    """Fail before any work or any write when an output's folder is missing or read-only."""
    for target in targets:
        if target is None:
            continue
        folder = Path(target).parent
        if not folder.is_dir():
            raise InputError(f"{target}: the folder {str(folder)!r} does not exist")
        if not os.access(folder, os.W_OK):
            raise InputError(f"{target}: the folder {str(folder)!r} is not writable")


@contextlib.contextmanager
def atomic_open(target: str | Path, mode: str = "w", **kwargs) -> Iterator[IO]:
    with atomic_path(target) as tmp, open(tmp, mode, **kwargs) as handle:
        yield handle
        handle.flush()
        os.fsync(handle.fileno())


@functools.cache
def _umask() -> int:
    """The process umask, read once (os.umask can only read it by setting it)."""
    current = os.umask(0)
    os.umask(current)
    return current
