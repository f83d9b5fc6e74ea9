"""Count KMS requests in CloudTrail log files, from a local folder or s3://bucket/prefix.

One file at a time: memory holds one decompressed file and the counters, never all records.
A file that cannot be read, decompressed or parsed is a BadFile in the result, not an error.
Each file goes first to the compiled fast path (_ctscan.c), which counts it or declines it;
a declined file is parsed and counted by records.py, the reference, which also judges it.
"""

from __future__ import annotations

import errno
import functools
import os
import re
import stat
import zlib
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime
from itertools import islice
from pathlib import Path

from botocore.exceptions import BotoCoreError, ClientError

from planner.errors import InputError
from planner.measure.counts import BadFile, Measurement
from planner.measure.keyspecs import KeyDirectory
from planner.measure.records import (
    CONTEXT_KEYS,
    RecordShapeError,
    add_counted,
    count_records,
    loads,
)
from planner.scan.common import error_code

try:
    from planner.measure._ctscan import Scanner
except ImportError:  # built without a C compiler: the reference path counts every file
    Scanner = None

KMS_NEEDLE = b'"kms.amazonaws.com"'
LOG_SUFFIX = ".json.gz"
BATCH_FILES = 64  # files per task when counting in several processes
# Distinct field tuples the fast path holds before they are added up (bounds its memory).
FLUSH_TUPLES = 20_000
# CloudTrail writes digest and Insights files beside the logs; they hold no API records.
NOT_LOGS = ("CloudTrail-Digest", "CloudTrail-Insight")
# Per file: CloudTrail's files are a few MB compressed; past these a file is bad, not read.
MAX_COMPRESSED_BYTES = 256 * 2**20
MAX_DECOMPRESSED_BYTES = 1024 * 2**20
READ_CHUNK = 2**20

# AccountID_CloudTrail_RegionName_YYYYMMDDTHHmmZ_UniqueString.json.gz: the time is when the
# file was delivered (CloudTrail guide, "CloudTrail log file name format").
LOG_NAME = re.compile(
    r"^\d{12}_CloudTrail_[a-z0-9-]+_(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})Z_\w+\.json\.gz$"
)

Reader = Callable[[], bytes]
FileProgress = Callable[[int, int], None]  # (files read, bytes read)


def local_files(folder: Path) -> Iterator[tuple[str, Reader]]:
    """Regular files only: a FIFO or device named *.json.gz would block or never end, so it
    is a bad file (named), never opened."""
    if not folder.is_dir():
        raise InputError(f"{folder}: not a folder of CloudTrail log files")
    for root, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d not in NOT_LOGS)
        for name in sorted(names):
            if name.endswith(LOG_SUFFIX):
                path = Path(root, name)
                try:
                    regular = stat.S_ISREG(path.stat().st_mode)
                except OSError:
                    regular = True  # vanished or unreadable: reading it says why
                yield str(path), (_bounded_reader(path) if regular
                                  else functools.partial(_not_regular, str(path)))


def _not_regular(name: str) -> bytes:
    raise OSError(errno.EINVAL, "not a regular file (a FIFO, socket or device): not opened")


def _bounded_reader(path: Path) -> Reader:
    return functools.partial(_read_capped, str(path))


def _read_capped(name: str) -> bytes:
    """A local file's bytes, refusing one larger than any CloudTrail log file."""
    with open(name, "rb") as handle:
        data = handle.read(MAX_COMPRESSED_BYTES + 1)
    if len(data) > MAX_COMPRESSED_BYTES:
        raise OSError(errno.EFBIG, f"larger than {MAX_COMPRESSED_BYTES // 2**20} MiB compressed")
    return data


def s3_files(s3, url: str) -> Iterator[tuple[str, Reader]]:
    """Objects under s3://bucket/prefix, listed page by page and read one at a time."""
    bucket, _, prefix = url.removeprefix("s3://").partition("/")
    if not bucket:
        raise InputError(f"{url}: an S3 path is s3://bucket/prefix")
    pages = s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
    try:
        for page in pages:
            for item in page.get("Contents", []):
                key = item["Key"]
                is_log = not any(part in NOT_LOGS for part in key.split("/"))
                if key.endswith(LOG_SUFFIX) and is_log:
                    yield f"s3://{bucket}/{key}", _object_reader(s3, bucket, key)
    except ClientError as exc:
        if exc.response["Error"]["Code"] == "NoSuchBucket":
            raise InputError(f"{url}: no such bucket") from None
        raise


def _object_reader(s3, bucket: str, key: str) -> Reader:
    def read() -> bytes:
        body = s3.get_object(Bucket=bucket, Key=key)["Body"]
        parts, total = [], 0
        try:
            # Read to the end: botocore checks the length it was promised on the last, empty
            # read, so an object cut short mid-download raises IncompleteReadError.
            while chunk := body.read(READ_CHUNK):
                total += len(chunk)
                if total > MAX_COMPRESSED_BYTES:
                    raise OSError(errno.EFBIG, f"larger than {MAX_COMPRESSED_BYTES // 2**20} "
                                  "MiB compressed")
                parts.append(chunk)
        finally:
            body.close()
        return b"".join(parts)

    return read


def measure_files(
    files: Iterable[tuple[str, Reader]], source: str, keys: KeyDirectory | None = None,
    workers: int = 1, fast: bool = True, progress: FileProgress | None = None,
) -> Measurement:
    """Count the KMS events in each file. `source` names where the files came from.

    With workers > 1, batches of files are counted in that many processes (the readers must
    then be picklable, as local files' are) and the parts added up. `fast=False` leaves every
    file to the reference path (for comparisons; the counts are the same). `progress` is
    called with (files, bytes read so far) after each file (each batch, with workers > 1).
    """
    keys = keys or KeyDirectory()
    if workers > 1:
        return _measure_in_processes(files, source, keys, workers, fast, progress)
    result = Measurement(source=source)
    services: dict[tuple, str | None] = {}
    scanner = Scanner(CONTEXT_KEYS) if fast and Scanner is not None else None
    for name, read in files:
        result.files += 1
        problem = _count_file(name, read, result, keys, services, scanner)
        if problem:
            result.bad_files.append(BadFile(name, problem))
        if progress is not None:
            progress(result.files, result.bytes_read)
        if scanner is not None and len(scanner) > FLUSH_TUPLES:
            add_counted(result, keys, services, scanner.take())
    if scanner is not None:
        add_counted(result, keys, services, scanner.take())
    return result


def _measure_in_processes(files, source: str, keys: KeyDirectory, workers: int,
                          fast: bool, progress: FileProgress | None) -> Measurement:
    result = Measurement(source=source)
    pending: deque = deque()
    with ProcessPoolExecutor(workers) as pool:
        files = iter(files)
        while batch := list(islice(files, BATCH_FILES)):
            pending.append(pool.submit(measure_files, batch, source, keys, 1, fast))
            if len(pending) > 2 * workers:  # a few batches in flight, never the whole listing
                _merge_part(result, pending.popleft().result(), progress)
        while pending:
            _merge_part(result, pending.popleft().result(), progress)
    return result


def _merge_part(result: Measurement, part: Measurement, progress: FileProgress | None) -> None:
    result.merge(part)
    if progress is not None:
        progress(result.files, result.bytes_read)


def fast_path_built() -> bool:
    """Whether the compiled fast path is installed (it needs a C compiler at install time)."""
    return Scanner is not None


def delivery_time(name: str) -> str | None:
    """The time in a CloudTrail log file's name, as an ISO 8601 time; None for other names."""
    match = LOG_NAME.match(name.rsplit("/", 1)[-1])
    if match is None:
        return None
    year, month, day, hour, minute = match.groups()
    return f"{year}-{month}-{day}T{hour}:{minute}:00Z"


def _count_file(name, read: Reader, result: Measurement, keys, services, scanner) -> str | None:
    """Add one file's KMS events and the time it covers to `result`; return why the file is
    bad (it then adds nothing), or None.

    The time covered is the one in the file's name and its KMS events' times; a file named
    otherwise is parsed, even without KMS events, for the times of all its records.
    """
    stamp = delivery_time(name)
    try:
        data = read()
        result.bytes_read += len(data)
    except ClientError as exc:  # the code as the scan records it (a web page: HTTP502)
        return f"cannot read: {error_code(exc)[0]}"
    except OSError as exc:
        return f"cannot read: {exc.strerror or exc}"
    except BotoCoreError as exc:  # an S3 object cut short mid-download (IncompleteReadError)
        return f"cannot read: {type(exc).__name__} (cut short?)"
    try:
        raw = gunzip_capped(data, MAX_DECOMPRESSED_BYTES)
    except (OSError, EOFError, zlib.error) as exc:  # BadGzipFile is an OSError
        return f"not a complete gzip file: {exc}"
    except DecompressedTooLarge as exc:
        return str(exc)
    result.near = _parsed(stamp)
    try:
        return _count_raw(raw, stamp, result, keys, services, scanner)
    finally:
        result.near = None


def _parsed(stamp: str | None):
    return None if stamp is None else datetime.fromisoformat(stamp.replace("Z", "+00:00"))


class DecompressedTooLarge(ValueError):
    pass


def gunzip_capped(data: bytes, cap: int) -> bytes:
    """gzip.decompress, every member, but streamed and stopped past `cap` bytes: a gzip bomb
    (8 MB that inflate to 8 GiB) is refused after `cap` bytes of memory, not 8 GiB."""
    parts, total = [], 0
    while data:
        inflater = zlib.decompressobj(wbits=31)
        chunk = inflater.decompress(data, cap - total + 1)
        while True:
            total += len(chunk)
            if total > cap:
                raise DecompressedTooLarge(
                    f"decompresses to more than {cap // 2**20} MiB: not read (a gzip bomb?)")
            parts.append(chunk)
            if not inflater.unconsumed_tail:
                break
            chunk = inflater.decompress(inflater.unconsumed_tail, cap - total + 1)
        if not inflater.eof:
            raise EOFError("Compressed file ended before the end-of-stream marker was reached")
        data = inflater.unused_data.lstrip(b"\x00")  # gzip allows zero padding after a member
    return b"".join(parts)


def _count_raw(raw: bytes, stamp, result: Measurement, keys, services, scanner) -> str | None:
    if KMS_NEEDLE not in raw and stamp is not None:
        # No KMS event can be in it; check its shape without paying for a parse.
        body = raw.strip()
        if not (body.startswith(b"{") and body.endswith(b"}")):
            return "not valid JSON: not one whole JSON object (truncated?)"
        if b'"Records"' not in body:
            return "not a CloudTrail log file (no Records)"
        result.saw_stamp(stamp)
        return None
    if scanner is not None:
        times = scanner.scan(raw, stamp is None)  # None: declined, nothing counted
        if times is None:
            result.declined_files += 1
        else:
            result.fast_files += 1
            if times[0] is not None:
                result.saw_time(*times)
            if stamp is not None:
                result.saw_stamp(stamp)
            return None
    try:
        document = loads(raw)
    except ValueError as exc:
        return f"not valid JSON: {exc}"
    records = document.get("Records") if isinstance(document, dict) else None
    if not isinstance(records, list):
        return "not a CloudTrail log file (no Records)"
    try:
        count_records(records, result, keys, services, every_time=stamp is None)
    except RecordShapeError as exc:
        return str(exc)
    if stamp is not None:
        result.saw_stamp(stamp)
    return None
