"""Benchmark: `kmsplan whatif` peak memory against the number of scenarios.

    python bench/bench_whatif.py [RESOURCES]   (default: 100000)

The synthetic inventory (bench/synthetic.py) is written once; then `kmsplan whatif` with the
workbook and JSON runs with 1, 3 and 6 scenarios (plus the base), each in a fresh process so
that its peak memory (ru_maxrss) is its own. The scenarios are price discounts on the key-month
(a scenarios file), so every plan is the same size and any growth would be plans held, not a
bigger plan: memory should not grow with the scenarios, as each plan is written and let go
before the next is made.
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

SWEEPS = (1, 3, 6)


def scenarios_file(folder: Path, count: int) -> Path:
    """`count` scenarios, each a discount on the key-month price: plans of the same size."""
    path = folder / f"scenarios-{count}.yaml"
    path.write_text("scenarios:\n" + "".join(
        f"  - name: discount {n}\n    prices: {{key_month: \"0.{99 - n}\"}}\n"
        for n in range(1, count + 1)))
    return path


def run(folder: Path, scenarios: int) -> dict:
    from planner.cli import main

    start = time.perf_counter()
    try:
        main(["whatif", str(folder / "inventory.json"), "--scenarios",
              str(scenarios_file(folder, scenarios)),
              "--out", str(folder / "whatif.xlsx"), "--json", str(folder / "whatif.json"),
              "--quiet"])
    except SystemExit as done:
        if done.code not in (0, None):
            raise
    return {"scenarios": scenarios + 1, "seconds": round(time.perf_counter() - start, 1),
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024}


def main() -> None:
    size = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    with tempfile.TemporaryDirectory() as name:
        subprocess.run([sys.executable, str(ROOT / "bench" / "bench_plan_outputs.py"),
                        "--inventory", str(size), name], check=True)
        for scenarios in SWEEPS:
            result = subprocess.run([sys.executable, __file__, "--run", str(scenarios), name],
                                    check=True, capture_output=True, text=True)
            print(json.dumps({"resources": size,
                              **json.loads(result.stdout.splitlines()[-1])}), flush=True)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--run"]:
        print(json.dumps(run(Path(sys.argv[3]), int(sys.argv[2]))))
    else:
        main()
