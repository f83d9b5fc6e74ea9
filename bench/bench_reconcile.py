"""Reconcile benchmark: a generated CUR 2.0 of 10 million lines, as Parquet and as CSV gz.

Usage: python bench/bench_reconcile.py [LINES]   (default: 10000000)
The exports are made once under bench/out/ (git-ignored) and reused. For each format, in a
fresh subprocess each (so peak memory, VmHWM, is its own):
- baseline: pyarrow reading only the columns the reconciliation needs, batch by batch;
- reconcile: planner.reconcile reading the same file into a Bill and comparing it with a
  plan of the same keys.
The estate: 5,000 customer managed keys billed hourly (24 x 30 lines each), daily request
lines in two classes, the free tier, and the rest of the lines other services (EC2, S3).
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OUT = ROOT / "bench" / "out"
KEYS = 5_000
ACCOUNT = "111111111111"
CHUNK = 1_000_000
COLUMNS = [  # a CUR 2.0 export's usual columns, the needed ones among them
    "identity_line_item_id", "identity_time_interval", "bill_payer_account_id",
    "bill_billing_period_start_date", "line_item_usage_account_id", "line_item_line_item_type",
    "line_item_usage_start_date", "line_item_usage_end_date", "line_item_product_code",
    "line_item_usage_type", "line_item_operation", "line_item_resource_id",
    "line_item_usage_amount", "line_item_unblended_rate", "line_item_unblended_cost",
    "line_item_blended_cost", "line_item_line_item_description", "product_region_code",
    "pricing_unit", "product_instance_type", "line_item_availability_zone",
]


def key_arn(i: int) -> str:
    return f"arn:aws:kms:us-east-1:{ACCOUNT}:key/{i:08d}-0000-4000-8000-000000000000"


def _chunk(start: int, size: int, kms_key_lines: int, kms_request_lines: int):
    import numpy as np
    import pyarrow as pa

    index = np.arange(start, start + size)
    key_line = index < kms_key_lines
    request_line = (index >= kms_key_lines) & (index < kms_key_lines + kms_request_lines)
    kms = key_line | request_line
    key = np.where(key_line, index % KEYS, (index - kms_key_lines) % KEYS)
    hour = np.where(key_line, index // KEYS, (index // KEYS) % 30 * 24)
    asym = request_line & ((index // (KEYS * 30)) % 2 == 1)
    day = hour // 24 + 1
    stamps = np.array([f"2026-10-{d:02d}T{h % 24:02d}:00:00Z" for d, h in zip(day, hour,
                                                                            strict=True)])
    usage_type = np.where(key_line, "us-east-1-KMS-Keys", np.where(
        asym, "us-east-1-KMS-Requests-Asymmetric", np.where(
            request_line, "us-east-1-KMS-Requests", np.where(
                index % 2 == 0, "USE1-BoxUsage:m5.large", "USE1-TimedStorage-ByteHrs"))))
    resource_id = np.where(kms, np.char.add(np.char.add(f"arn:aws:kms:us-east-1:{ACCOUNT}:key/",
                                                        np.char.zfill(key.astype(str), 8)),
                                            "-0000-4000-8000-000000000000"),
                           np.char.add("i-0abc", (index % 100_000).astype(str)))
    quantity = np.where(key_line, 1 / 730, np.where(request_line, 3_000.0, 1.0))
    cost = np.where(key_line, 1 / 730, np.where(asym, 0.045, np.where(request_line, 0.009,
                                                                          0.096)))
    text = pa.array(np.where(kms, "AWS Key Management Service usage", "EC2 and S3 usage"))
    columns = {
        "identity_line_item_id": pa.array(np.char.add("li-", index.astype(str))),
        "identity_time_interval": pa.array(stamps), "bill_payer_account_id":
        pa.array(np.full(size, "999999999999")), "bill_billing_period_start_date":
        pa.array(np.full(size, "2026-10-01T00:00:00Z")),
        "line_item_usage_account_id": pa.array(np.full(size, ACCOUNT)),
        "line_item_line_item_type": pa.array(np.full(size, "Usage")),
        "line_item_usage_start_date": pa.array(stamps),
        "line_item_usage_end_date": pa.array(stamps),
        "line_item_product_code": pa.array(np.where(kms, "awskms", np.where(
            index % 2 == 0, "AmazonEC2", "AmazonS3"))),
        "line_item_usage_type": pa.array(usage_type),
        "line_item_operation": pa.array(np.where(kms, "", "RunInstances")),
        "line_item_resource_id": pa.array(resource_id),
        "line_item_usage_amount": pa.array(quantity), "line_item_unblended_rate":
        pa.array(np.full(size, 0.096)), "line_item_unblended_cost": pa.array(cost),
        "line_item_blended_cost": pa.array(cost), "line_item_line_item_description": text,
        "product_region_code": pa.array(np.full(size, "us-east-1")),
        "pricing_unit": pa.array(np.where(kms, "Keys", "Hrs")),
        "product_instance_type": pa.array(np.where(kms, "", "m5.large")),
        "line_item_availability_zone": pa.array(np.where(kms, "", "us-east-1a")),
    }
    return pa.table({name: columns[name] for name in COLUMNS})


def make(lines: int) -> dict[str, Path]:
    """The two exports, made once and reused (delete bench/out/ to make them again)."""
    import pyarrow as pa
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    OUT.mkdir(parents=True, exist_ok=True)
    paths = {"parquet": OUT / f"cur2-{lines}.parquet", "csv.gz": OUT / f"cur2-{lines}.csv.gz"}
    if all(p.exists() for p in paths.values()):
        return paths
    key_lines = min(lines * 36 // 100, KEYS * 24 * 30)
    request_lines = min(lines * 3 // 100, KEYS * 30 * 2)
    writer = csv_writer = None
    with pa.CompressedOutputStream(str(paths["csv.gz"]) + ".tmp", "gzip") as sink:
        for start in range(0, lines, CHUNK):
            table = _chunk(start, min(CHUNK, lines - start), key_lines, request_lines)
            if writer is None:
                writer = pq.ParquetWriter(str(paths["parquet"]) + ".tmp", table.schema)
                csv_writer = pacsv.CSVWriter(sink, table.schema)
            writer.write_table(table, row_group_size=250_000)
            csv_writer.write_table(table)
            print(f"  made {start + table.num_rows:,} lines", file=sys.stderr)
        writer.close()
        csv_writer.close()
    for path in paths.values():
        Path(str(path) + ".tmp").replace(path)
    return paths


def baseline(path: Path) -> None:
    """Only the needed columns, batch by batch, and nothing done with them."""
    import pyarrow as pa
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    from planner.reconcile.formats import CUR2
    from planner.reconcile.reader import CSV_BLOCK

    wanted = [*CUR2.columns.values(), CUR2.optional["resource"], CUR2.optional["region"]]
    if path.name.endswith(".parquet"):
        for _ in pq.ParquetFile(path).iter_batches(1 << 18, columns=wanted):
            pass
        return
    reader = pacsv.open_csv(path, read_options=pacsv.ReadOptions(block_size=CSV_BLOCK),
                            convert_options=pacsv.ConvertOptions(
                                include_columns=wanted,
                                column_types=dict.fromkeys(wanted, pa.string())))
    for _ in reader:
        pass


def reconcile_file(path: Path) -> dict:
    from planner.inventory import Inventory, Key
    from planner.plan import PlanSettings, build_plan
    from planner.reconcile.compare import reconcile
    from planner.reconcile.reader import read_bill
    from planner.usage import load_usage
    from pricing import load_price_book

    keys = [Key(account=ACCOUNT, region="us-east-1", key_id=key_arn(i).rsplit("/", 1)[1],
                arn=key_arn(i), manager="CUSTOMER", state="Enabled",
                spec="SYMMETRIC_DEFAULT", usage="ENCRYPT_DECRYPT", origin="AWS_KMS",
                created="2026-01-01T00:00:00+00:00") for i in range(KEYS)]
    inventory = Inventory(scanned_at="2026-11-02T00:00:00+00:00", tool_version="bench",
                          accounts=[ACCOUNT], regions=["us-east-1"], resources=[], keys=keys,
                          settings=[])
    book = load_price_book()
    plan = build_plan(inventory, PlanSettings(), load_usage(), book)
    result = reconcile(plan, read_bill(str(path), book))
    return {"billed_usd": f"{result.billed_usd:.2f}", "lines": len(result.lines)}


def _peak_kb() -> int:
    """This process's peak resident memory (VmHWM: since exec, unlike ru_maxrss, which on
    Linux keeps the parent's peak from before the exec)."""
    for text in Path("/proc/self/status").read_text().splitlines():
        if text.startswith("VmHWM:"):
            return int(text.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def child(kind: str, path: str) -> None:
    import pyarrow.csv  # noqa: F401 (imports are not the work being timed)
    import pyarrow.parquet  # noqa: F401

    import planner.plan  # noqa: F401
    import planner.reconcile.reader  # noqa: F401

    start = time.perf_counter()
    extra = baseline(Path(path)) if kind == "baseline" else reconcile_file(Path(path))
    seconds = time.perf_counter() - start
    peak_mb = _peak_kb() / 1024
    print(json.dumps({"kind": kind, "seconds": round(seconds, 1), "peak_mb": round(peak_mb),
                      **(extra or {})}))


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3])
        return
    lines = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000_000
    paths = make(lines)
    for fmt, path in paths.items():
        runs = {}
        for kind in ("baseline", "reconcile"):
            done = subprocess.run([sys.executable, __file__, "--child", kind, str(path)],
                                  capture_output=True, text=True, check=True)
            runs[kind] = json.loads(done.stdout)
        ratio = runs["reconcile"]["seconds"] / max(runs["baseline"]["seconds"], 0.01)
        print(json.dumps({"format": fmt, "lines": lines, "mb_on_disk":
                          round(path.stat().st_size / 2**20), **{
                              f"{k}_{m}": v[m] for k, v in runs.items()
                              for m in ("seconds", "peak_mb")},
                          "ratio": round(ratio, 2), "billed_usd":
                          runs["reconcile"]["billed_usd"]}))


if __name__ == "__main__":
    main()
