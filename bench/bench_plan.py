"""Plan benchmark: build a plan for a synthetic inventory; time and peak memory.

Usage: python bench/bench_plan.py [RESOURCES ...]   (default: 100000)
Each size runs in a fresh subprocess so peak memory (ru_maxrss) is its own. The baseline in
the same process is loading the inventory JSON alone (the floor every plan pays).
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def one(size: int) -> dict:
    from bench.synthetic import synthetic_inventory
    from planner.inventory import load_inventory, save_inventory
    from planner.plan import PlanSettings, build_plan
    from planner.report.summary import summary
    from planner.usage import load_usage
    from pricing import load_price_book

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "inventory.json"
        save_inventory(synthetic_inventory(size), path)
        start = time.perf_counter()
        inventory = load_inventory(path)
        loaded = time.perf_counter()
        plan = build_plan(inventory, PlanSettings(), load_usage(), load_price_book())
        summary(plan)
        done = time.perf_counter()
    return {"resources": size, "load_s": round(loaded - start, 2),
            "plan_s": round(done - loaded, 2), "total_s": round(done - start, 2),
            "ratio_to_load": round((done - start) / (loaded - start), 2),
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024}


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--one":
        print(json.dumps(one(int(sys.argv[2]))))
        sys.exit(0)
    for size in [int(a) for a in sys.argv[1:]] or [100_000]:
        result = subprocess.run([sys.executable, __file__, "--one", str(size)],
                                capture_output=True, text=True, check=True)
        print(result.stdout.strip())
