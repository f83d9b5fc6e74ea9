"""Read a billing export (local file, folder, or s3://bucket/prefix) into a Bill.

Memory stays bounded whatever the export's size: only the needed columns are read, a
batch (a Parquet row group slice, or a CSV block) at a time, and each batch is filtered to
KMS lines and grouped by pyarrow before anything reaches Python, so Python sees one row per
(month, account, usage type, resource, line type) group, never one per line.
"""

from __future__ import annotations

import csv
import gzip
import os
import tempfile
import zlib
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
from botocore.exceptions import ClientError

from planner.errors import InputError
from planner.reconcile.bill import FREE_TIER_SIGN, ZERO, Bill, BillBuilder
from planner.reconcile.formats import Format, detect
from pricing import PriceBook

SUFFIXES = (".csv.gz", ".csv", ".parquet")
BATCH_ROWS = 1 << 18  # Parquet rows per batch
CSV_BLOCK = 1 << 22  # bytes of CSV per block (pyarrow reads a few ahead)
MONEY = pa.decimal128(30, 12)  # CUR costs carry up to 10 decimals; sums stay exact
GROUP_BY = ["month", "line_type", "account", "usage_type", "resource", "region", "free"]
SUMS = ("quantity", "cost", "discount", "lines")
MERGE_ROWS = 200_000  # grouped rows held before they are grouped again


def read_bill(path: str, book: PriceBook, s3=None) -> Bill:
    """The KMS lines of the export at `path`, grouped. `s3`: a client for s3:// paths."""
    bill: Bill | None = None
    builder = None
    found = 0
    versions: dict[tuple[str, str], set[str]] = defaultdict(set)
    with _files(path, s3) as files:
        for name, local in files:
            found += 1
            where = PurePosixPath(name)
            versions[(str(where.parent.parent), where.name)].add(where.parent.name)
            columns = _columns(local, name)
            fmt = detect(columns, name)
            if bill is None:
                bill = Bill(source=f"{fmt.name} {path}", format=fmt.name)
                builder = BillBuilder(bill, book)
            elif fmt.name != bill.format:
                raise InputError(f"{name}: a {fmt.name} file among {bill.format} files")
            bill.resource_ids &= fmt.optional["resource"] in columns
            groups = _Groups()
            for batch in _batches(local, name, fmt, columns):
                bill.lines_read += batch.num_rows
                groups.add(_grouped(batch, fmt, name))
            _add_groups(builder, groups.result())
    if bill is None or not found:
        raise InputError(f"{path}: no billing export files ({', '.join(SUFFIXES)}) found")
    bill.warnings += _versions_warnings(versions)
    return bill


def _versions_warnings(versions: dict[tuple[str, str], set[str]]) -> list[str]:
    """A legacy report that keeps every version puts each in its own assembly folder, with
    the same file names: reading them all counts the month once per version."""
    return [f"{folder}: {name} is in {len(parents)} folders ({', '.join(sorted(parents))}): "
            "if these are versions of one report, the month is counted once per version; "
            "point --cur at one version's folder"
            for (folder, name), parents in sorted(versions.items()) if len(parents) > 1]


@contextmanager
def _files(path: str, s3) -> Iterator[Iterator[tuple[str, Path]]]:
    if path.startswith("s3://"):
        yield _s3_files(path, s3)
        return
    root = Path(path)
    if root.is_file():
        yield iter([(str(root), root)])
    elif root.is_dir():
        yield iter((str(p), p) for p in _walk(root))
    else:
        raise InputError(f"{path}: no such file or folder")


def _walk(root: Path) -> Iterator[Path]:
    for folder, dirs, names in os.walk(root):
        dirs.sort()
        for name in sorted(names):
            if name.endswith(SUFFIXES):
                yield Path(folder, name)


def _s3_files(url: str, s3) -> Iterator[tuple[str, Path]]:
    """Each export object under the prefix, copied to a temporary file one at a time
    (Parquet needs a seekable file; the copy is deleted once read)."""
    bucket, _, prefix = url.removeprefix("s3://").partition("/")
    if not bucket:
        raise InputError(f"{url}: an S3 path is s3://bucket/prefix")
    try:
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
            for item in page.get("Contents", []):
                key = item["Key"]
                if not key.endswith(SUFFIXES):
                    continue
                suffix = next(s for s in SUFFIXES if key.endswith(s))
                with tempfile.TemporaryDirectory(prefix="kmsplan-cur-") as folder:
                    local = Path(folder, "part" + suffix)
                    body = s3.get_object(Bucket=bucket, Key=key)["Body"]
                    with open(local, "wb") as handle:
                        for chunk in body.iter_chunks(1 << 20):
                            handle.write(chunk)
                    yield f"s3://{bucket}/{key}", local
    except ClientError as exc:
        if exc.response["Error"]["Code"] == "NoSuchBucket":
            raise InputError(f"{url}: no such bucket") from None
        raise


def _columns(local: Path, name: str) -> list[str]:
    try:
        if local.name.endswith(".parquet"):
            return pq.ParquetFile(local).schema_arrow.names
        opener = gzip.open if local.name.endswith(".gz") else open
        with opener(local, "rt", encoding="utf-8-sig", newline="") as handle:
            header = handle.readline()
    except (OSError, EOFError, zlib.error, UnicodeDecodeError, pa.ArrowException) as exc:
        raise InputError(f"{name}: cannot read it as a billing export: "
                         f"{type(exc).__name__}") from None
    return next(csv.reader([header]), [])


def _batches(local: Path, name: str, fmt: Format, columns: list[str]) -> Iterator:
    wanted = [*fmt.columns.values(), *(c for c in fmt.optional.values() if c in columns)]
    try:
        if local.name.endswith(".parquet"):
            yield from pq.ParquetFile(local).iter_batches(BATCH_ROWS, columns=wanted)
            return
        reader = pacsv.open_csv(
            local, read_options=pacsv.ReadOptions(block_size=CSV_BLOCK),
            convert_options=pacsv.ConvertOptions(
                include_columns=wanted, column_types=dict.fromkeys(wanted, pa.string()),
                strings_can_be_null=False))
        yield from reader
    except (OSError, pa.ArrowException) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InputError(f"{name}: cannot read it as a billing export: {reason}") from None


def _decimal(column, name: str, field: str):
    if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
        column = pc.if_else(pc.equal(column, ""), "0", column)
    try:
        return pc.fill_null(pc.cast(column, MONEY, safe=False), 0)
    except pa.ArrowException:
        raise InputError(f"{name}: the column {field} holds a value that is not a number") \
            from None


def _text(column):
    if not pa.types.is_string(column.type):
        column = pc.cast(column, pa.string())
    return pc.fill_null(column, "") if column.null_count else column


def _month(column):
    """YYYY-MM of each usage start: text's first 7 characters, or a timestamp's year and
    month as the number YYYYMM (cheaper than formatting each; turned into text per group)."""
    if pa.types.is_timestamp(column.type) or pa.types.is_date(column.type):
        return pc.fill_null(pc.add(pc.multiply(pc.year(column), 100), pc.month(column)), 0)
    return pc.utf8_slice_codeunits(_text(column), 0, 7)


def _optional(table, fmt: Format, field: str):
    """An optional column's text, or "" on every row when the export does not have it."""
    column = fmt.optional.get(field)
    if column in table.column_names:
        return _text(table.column(column))
    return pa.repeat("", table.num_rows)


def _grouped(batch, fmt: Format, name: str):
    cols = fmt.columns
    table = pa.Table.from_batches([batch])
    table = table.filter(pc.equal(_text(table.column(cols["product"])), fmt.product_value))
    if table.num_rows == 0:
        return None
    line_type = _text(table.column(cols["line_type"]))
    if "charge_class" in fmt.optional and fmt.optional["charge_class"] in table.column_names:
        corrected = pc.equal(_text(table.column(fmt.optional["charge_class"])), "Correction")
        line_type = pc.if_else(corrected, "Correction", line_type)
    cost = _decimal(table.column(cols["cost"]), name, cols["cost"])
    sums = {"cost": cost}
    if "billed" in fmt.optional and fmt.optional["billed"] in table.column_names:
        billed = _decimal(table.column(fmt.optional["billed"]), name, fmt.optional["billed"])
        sums["discount"] = pc.subtract(billed, cost)  # FOCUS: the discount off list cost
    region, resource = (_optional(table, fmt, field) for field in ("region", "resource"))
    description = _text(table.column(cols["description"]))
    grouped = pa.table({
        "month": _month(table.column(cols["start"])),
        "line_type": line_type,
        "account": _text(table.column(cols["account"])),
        "usage_type": _text(table.column(cols["usage_type"])),
        "resource": resource,
        "region": region,
        "free": pc.match_substring(description, FREE_TIER_SIGN, ignore_case=True),
        "quantity": _decimal(table.column(cols["quantity"]), name, cols["quantity"]),
        **sums,
    })
    grouped = grouped.append_column("lines", pa.repeat(pa.scalar(1, pa.int64()),
                                                       grouped.num_rows))
    return _group(grouped)


def _group(table):
    """Rows with the same GROUP_BY values, their SUMS added up (same column names)."""
    summed = table.group_by(GROUP_BY).aggregate(
        [(name, "sum") for name in SUMS if name in table.column_names])
    return summed.rename_columns([name.removesuffix("_sum") for name in summed.column_names])


class _Groups:
    """Grouped batches, grouped again in pyarrow whenever they pile up: Python sees each
    distinct group once per file, not once per batch."""

    def __init__(self):
        self.parts: list = []
        self.rows = 0
        self.limit = MERGE_ROWS  # doubles with the distinct groups, so merges stay rare

    def add(self, grouped) -> None:
        if grouped is None:
            return
        self.parts.append(grouped)
        self.rows += grouped.num_rows
        if self.rows > self.limit:
            self._merge()
            self.limit = max(MERGE_ROWS, 2 * self.rows)

    def _merge(self) -> None:
        if len(self.parts) > 1:
            self.parts = [_group(pa.concat_tables(self.parts, promote_options="permissive"))]
        self.rows = self.parts[0].num_rows if self.parts else 0

    def result(self):
        self._merge()
        return self.parts[0] if self.parts else None


def _add_groups(builder: BillBuilder, grouped) -> None:
    if grouped is None:
        return
    for row in grouped.to_pylist():
        month = row["month"]
        if isinstance(month, int):  # YYYYMM from a timestamp column
            month = f"{month // 100:04d}-{month % 100:02d}"
        builder.add(month=month, line_type=row["line_type"], account=row["account"],
                    usage_type=row["usage_type"], resource=row["resource"] or None,
                    region=row["region"] or None, free=row["free"],
                    quantity=row["quantity"], cost=row["cost"], lines=row["lines"],
                    discount=row.get("discount") or ZERO)
