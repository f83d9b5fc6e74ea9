"""Benchmark: `kmsplan plan` with every output (workbook, JSON, CSV) for a large estate.

    python bench/bench_plan_outputs.py [RESOURCES]   (default: 1000000)

The synthetic inventory (bench/synthetic.py) is written once, in its own process. Then, each
in a fresh process so that its peak memory (ru_maxrss) is its own: the baseline (load the
inventory, plan, summarise: what every output needs), and `kmsplan plan` with the workbook,
the JSON summary and the CSV files, as a user runs it. Prints one JSON line per run.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def write_inventory(size: int, path: Path) -> None:
    from bench.synthetic import synthetic_inventory
    from planner.inventory import save_inventory

    save_inventory(synthetic_inventory(size), path)


def run_plan(folder: Path, outputs: bool) -> dict:
    from planner.cli import main
    from planner.inventory import load_inventory
    from planner.plan import PlanSettings, build_plan
    from planner.report.summary import summary
    from planner.usage import load_usage
    from pricing import load_price_book

    start = time.perf_counter()
    if not outputs:
        summary(build_plan(load_inventory(folder / "inventory.json"), PlanSettings(),
                           load_usage(), load_price_book()))
    else:
        try:
            main(["plan", str(folder / "inventory.json"), "--json",
                  str(folder / "summary.json"), "--out", str(folder / "plan.xlsx"), "--csv",
                  str(folder / "csv"), "--quiet"])
        except SystemExit as done:
            if done.code not in (0, None):
                raise
    seconds = time.perf_counter() - start
    sizes = {p.name: p.stat().st_size for p in folder.iterdir() if p.is_file()}
    return {"run": "kmsplan plan: workbook, JSON, CSV" if outputs else "baseline: load, plan",
            "seconds": round(seconds, 1),
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
            "workbook_mb": round(sizes.get("plan.xlsx", 0) / 1e6, 1)}


def main() -> None:
    size = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        subprocess.run([sys.executable, __file__, "--inventory", str(size), name], check=True)
        for outputs in (False, True):
            result = subprocess.run(
                [sys.executable, __file__, "--plan", "1" if outputs else "0", name],
                check=True, capture_output=True, text=True)
            print(json.dumps({"resources": size, **json.loads(result.stdout.splitlines()[-1])}),
                  flush=True)
            (folder / "plan.xlsx").unlink(missing_ok=True)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--inventory"]:
        write_inventory(int(sys.argv[2]), Path(sys.argv[3]) / "inventory.json")
    elif sys.argv[1:2] == ["--plan"]:
        print(json.dumps(run_plan(Path(sys.argv[3]), sys.argv[2] == "1")))
    else:
        main()
