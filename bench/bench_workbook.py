"""Benchmark: the budget-review workbook for 100,000 resources.

    python bench/bench_workbook.py [--resources N]

A synthetic inventory (bench/synthetic.py, shared with the plan benchmark). Times planning (for
context), the styled workbook (named styles, Excel tables, charts,
formulas with cached values) and the same cells written with no styling, in one process.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import xlsxwriter  # noqa: E402

from bench.synthetic import synthetic_inventory  # noqa: E402
from planner.plan import PlanSettings, build_plan  # noqa: E402
from planner.report.workbook import write_plan_sheets, write_workbook  # noqa: E402
from planner.report.workbook.styles import Styles  # noqa: E402
from planner.usage import load_usage  # noqa: E402
from pricing import load_price_book  # noqa: E402


def write_unstyled(plan, path: Path) -> None:
    book = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "use_zip64": True})
    write_plan_sheets(book, plan, Styles.plain())
    book.close()


def timed(label: str, action) -> float:
    """Wall-clock seconds (the figure that counts) and this process's CPU seconds (what the
    wall clock would be on an idle machine)."""
    start, cpu = time.perf_counter(), time.process_time()
    action()
    seconds = time.perf_counter() - start
    print(f"{label:<32} {seconds:6.1f} s wall {time.process_time() - cpu:6.1f} s CPU")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resources", type=int, default=100_000)
    args = parser.parse_args()
    inventory = synthetic_inventory(args.resources)
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} "
          f"on {os.cpu_count()} CPUs")
    holder = {}
    timed(f"plan ({args.resources:,} resources)", lambda: holder.update(plan=build_plan(
        inventory, PlanSettings(), load_usage(), load_price_book())))
    plan = holder["plan"]
    with tempfile.TemporaryDirectory() as tmp:
        styled, plain = Path(tmp) / "styled.xlsx", Path(tmp) / "plain.xlsx"
        timed("workbook, styled", lambda: write_workbook(plan, styled))
        timed("same cells, no styling", lambda: write_unstyled(plan, plain))
        rows = len(plan.all_actions) + sum(len(p.one_time) for p in plan.all_actions)
        print(f"rows on Resources and One-time lines: {rows:,}; "
              f"file {styled.stat().st_size / 1e6:.1f} MB styled, "
              f"{plain.stat().st_size / 1e6:.1f} MB plain")


if __name__ == "__main__":
    main()
