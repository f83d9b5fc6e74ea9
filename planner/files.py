"""Writing outputs without harming what they are written to.

A report is either the new one, whole, or the previous one, untouched. Only a regular file
(or a path that does not exist yet) is replaced atomically: a symlink is written through (its
target is replaced, the link kept), a character device or FIFO is streamed to (never renamed
over: `--json /dev/stdout` as root once replaced the machine's /dev/stdout), `-` is this
process's stdout, and a directory is an error.

Every write goes through one private temporary folder beside the target, named
`.NAME.PID.XXXXXXXX.tmp`, that also holds the workbook writer's working files and is removed
afterwards; one left by a killed run is removed by the next write to the same folder.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import os
import re
import shutil
import stat
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

from planner.errors import InputError

STDOUT = "-"
# Temporaries of a run that died without a process id in their name (the naming before this
# one, `.NAME.XXXXXXXX.tmp` from mkstemp) are stale once this old.
LEGACY_STALE_SECONDS = 3600
_OURS = re.compile(r"^\.(?P<name>.+?)\.(?:(?P<pid>\d+)\.)?[a-z0-9_]{8}(?:\.old)?\.tmp$")


def is_stdout(target: str | Path | None) -> bool:
    return target is not None and str(target) == STDOUT


def _kind(path: Path) -> str:
    """'new', 'file', 'stream' (character device, FIFO, socket) or 'directory'."""
    try:
        mode = os.stat(path).st_mode  # follows symlinks: the link's target is what is written
    except FileNotFoundError:
        return "new"
    if stat.S_ISDIR(mode):
        return "directory"
    if stat.S_ISREG(mode):
        return "file"
    return "stream"


def real_target(target: str | Path) -> Path:
    """The path actually replaced: a symlink (or a chain of them) resolved to its target, so
    the link itself is kept."""
    path = Path(target)
    return Path(os.path.realpath(path)) if path.is_symlink() else path


def check_output(target: str | Path | None, option: str = "", binary: bool = False) -> None:
    """Fail (InputError, before any work) when `target` cannot take an output."""
    if target is None:
        return
    label = f"{option} {target}" if option else str(target)
    if is_stdout(target):
        if binary and sys.stdout.isatty():
            raise InputError(f"{label}: a workbook is binary; will not write it to a terminal "
                             "(redirect stdout to a file, or name a file)")
        return
    path = real_target(target)
    kind = _kind(path)
    if kind == "directory":
        raise InputError(f"{label}: is a directory; name a file")
    if kind == "stream":
        if binary and _is_terminal(path):
            raise InputError(f"{label}: a workbook is binary; will not write it to a terminal")
        return
    folder = path.parent
    if not folder.is_dir():
        raise InputError(f"{target}: the folder {str(folder)!r} does not exist")
    if not os.access(folder, os.W_OK):
        raise InputError(f"{target}: the folder {str(folder)!r} is not writable")


def check_not_inputs(outputs: dict[str, str | Path | None],
                     inputs: Iterable[str | Path | None]) -> None:
    """An output that is also an input of the same run (or another output) is bad input: the
    run would overwrite what it reads, or write two reports into one file."""
    seen: dict[tuple, str] = {}
    for item in inputs:
        if item is not None and not is_stdout(item) and Path(item).exists():
            seen[_identity(Path(item))] = f"the input {item}"
    for option, target in outputs.items():
        if target is None or is_stdout(target):
            continue
        path = Path(target)
        if _kind(real_target(path)) == "stream":
            continue
        identity = _identity(path)
        if identity in seen:
            raise InputError(f"{option} {target}: is {seen[identity]}; name another file")
        seen[identity] = f"also the output of {option}"


def check_csv_folder(folder: str | Path | None, names: Iterable[str],
                     option: str = "--csv") -> None:
    """A CSV folder is replaced whole, so it may hold only the tables kmsplan writes there."""
    if folder is None:
        return
    path = real_target(folder)
    kind = _kind(path)
    if kind == "new":
        check_output(path, option)  # its folder exists and can take a new folder
        return
    if kind != "directory":
        raise InputError(f"{option} {folder}: is not a folder")
    expected = set(names)
    others = sorted(p.name for p in path.iterdir()
                    if p.name not in expected and not _OURS.match(p.name))
    if others:
        shown = ", ".join(others[:3]) + (" ..." if len(others) > 3 else "")
        raise InputError(f"{option} {folder}: the folder holds files kmsplan did not write "
                         f"({shown}); the set is replaced whole, so name a new or empty folder")
    if not os.access(path.parent, os.W_OK):
        raise InputError(f"{option} {folder}: the folder {str(path.parent)!r} is not writable")


def _identity(path: Path) -> tuple:
    try:
        info = os.stat(path)
        return ("inode", info.st_dev, info.st_ino)
    except OSError:
        return ("path", os.path.realpath(path))


def _is_terminal(path: Path) -> bool:
    if not stat.S_ISCHR(os.stat(path).st_mode):
        return False
    try:
        fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK | os.O_NOCTTY)
    except OSError:
        return False
    try:
        return os.isatty(fd)
    finally:
        os.close(fd)


def remove_stale_temporaries(folder: Path, name: str | None = None) -> None:
    """Remove temporaries of our own naming left in `folder` by runs that died."""
    with contextlib.suppress(OSError):
        for entry in os.scandir(folder):
            match = _OURS.match(entry.name)
            if not match or (name is not None and match["name"] != name):
                continue
            if match["pid"] is not None:
                if _alive(int(match["pid"])):
                    continue
            elif time.time() - entry.stat(follow_symlinks=False).st_mtime < LEGACY_STALE_SECONDS:
                continue
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path, ignore_errors=True)
            else:
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # PermissionError: someone else's live process
        return True
    return True


def _work_folder(folder: Path, name: str, suffix: str = "") -> Path:
    return Path(tempfile.mkdtemp(prefix=f".{name}.{os.getpid()}.", suffix=f"{suffix}.tmp",
                                 dir=folder))


@contextlib.contextmanager
def temporary_folder(target: str | Path) -> Iterator[Path]:
    """A private folder for writing `target` (beside it when it is replaced, in the system's
    temporary folder when it is streamed to); removed afterwards, whatever happens."""
    if is_stdout(target) or _kind(real_target(target)) == "stream":
        folder = Path(tempfile.gettempdir())
        name = "kmsplan-output"
    else:
        path = real_target(target)
        folder = path.parent if str(path.parent) else Path(".")
        name = path.name
    remove_stale_temporaries(folder, name)
    try:
        work = _work_folder(folder, name)
    except OSError as exc:  # name the file the user asked for, not the temporary one
        raise OSError(exc.errno, exc.strerror, str(target)) from None
    try:
        yield work
    finally:
        shutil.rmtree(work, ignore_errors=True)


@contextlib.contextmanager
def atomic_path(target: str | Path) -> Iterator[Path]:
    """Yield a temporary path for `target`; on success it replaces a regular (or new) file,
    or is copied to a stream (device, FIFO, `-`). The temporary's folder also suits
    working files (XlsxWriter's tmpdir): `path.parent`."""
    with temporary_folder(target) as work:
        tmp = work / (Path(target).name if not is_stdout(target) else "stdout")
        tmp.touch()
        yield tmp
        publish(tmp, target)


def publish(tmp: Path, target: str | Path) -> None:
    """Put the finished `tmp` where `target` says."""
    if is_stdout(target):
        sys.stdout.flush()
        with open(tmp, "rb") as source:
            shutil.copyfileobj(source, sys.stdout.buffer)
        sys.stdout.buffer.flush()
        return
    path = real_target(target)
    kind = _kind(path)
    if kind == "directory":
        raise IsADirectoryError(21, "Is a directory", str(target))
    if kind == "stream":
        with open(tmp, "rb") as source, open(path, "wb") as sink:
            shutil.copyfileobj(source, sink)
        return
    # The private folder is 0700; a report gets the usual umask permissions.
    os.chmod(tmp, 0o666 & ~_umask())
    os.replace(tmp, path)


@contextlib.contextmanager
def atomic_open(target: str | Path, mode: str = "w", **kwargs) -> Iterator[IO]:
    with atomic_path(target) as tmp:
        with open(tmp, mode, **kwargs) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())


@contextlib.contextmanager
def atomic_folder(target: str | Path) -> Iterator[Path]:
    """Yield a new folder; on success it takes the place of the folder `target` whole (an
    atomic exchange where the kernel has one), so a reader never sees a mixed set."""
    path = real_target(target)
    parent = path.parent if str(path.parent) else Path(".")
    remove_stale_temporaries(parent, path.name)
    try:
        work = _work_folder(parent, path.name)
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, str(target)) from None
    try:
        yield work
        os.chmod(work, 0o777 & ~_umask())
        if not path.exists():
            os.rename(work, path)
        elif not _exchange(work, path):
            old = _work_folder(parent, path.name, ".old")
            os.rename(path, old / "set")
            os.rename(work, path)
            shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux renameat2 RENAME_EXCHANGE); False where unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    done = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    return done == 0


@functools.cache
def _umask() -> int:
    """The process umask, read once (os.umask can only read it by setting it)."""
    current = os.umask(0)
    os.umask(current)
    return current
