"""What terminal progress costs a call: `usage measure`'s files/bytes/throughput line and the
scan's bar with its phase labels, drawn to an in-memory terminal.

    python bench/bench_progress.py [--files 50000] [--calls 100000]

Prints the time per report; multiply by the files (or calls) of a run to compare with the
run's own time (docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import io
import sys
import time
from unittest import mock

from rich.console import Console

import planner.cli.progress as progress


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=50_000)
    parser.add_argument("--calls", type=int, default=100_000)
    args = parser.parse_args()
    progress.err = Console(file=io.StringIO(), force_terminal=True, width=120)
    with mock.patch.object(sys.stderr, "isatty", lambda: True):
        with progress.files_read("Counting KMS requests:") as report:
            started = time.perf_counter()
            for n in range(1, args.files + 1):
                report(n, n * 230_000)  # about the size of a busy account's log file
            files = time.perf_counter() - started
        with progress.progress_bar("Scanning", waiting="listing") as report:
            started = time.perf_counter()
            for n in range(1, args.calls + 1):
                phase = "listing 1 of 50" if n < 50 else "reading 99,950 resources"
                report(n, args.calls, f"{phase}: 111122223333 us-east-1 s3 GetBucketEncryption")
            calls = time.perf_counter() - started
    print(f"usage measure: {args.files:,} reports in {files:.3f} s, "
          f"{files / args.files * 1e6:.1f} us each")
    print(f"scan: {args.calls:,} reports in {calls:.3f} s, {calls / args.calls * 1e6:.1f} us each")


if __name__ == "__main__":
    main()
