"""How long `kmsplan --help` takes, as a user starts it: a new interpreter each time.

    python bench/bench_help.py [--runs 20] [--tree DIR]

--tree runs the `planner` package of another checkout (e.g. an older commit unpacked with
`git archive`), to compare. Prints the median and the fastest run, and the same for a bare
interpreter (`python -c pass`), which no change to kmsplan can make faster.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time


def timed(argv: list[str], env: dict, runs: int) -> tuple[list[float], list[float]]:
    """Wall and CPU (user + system) seconds of each run. On a busy machine the CPU time is
    about what the wall time would be on an idle one."""
    times, cpu = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        # From a neutral folder: `-m planner` in a checkout would import that checkout.
        subprocess.run(argv, env=env, cwd=tempfile.gettempdir(), stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return times, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--tree", help="a checkout whose planner package to time instead")
    options = parser.parse_args()
    env = dict(os.environ)
    if options.tree:
        env["PYTHONPATH"] = options.tree
    rows = [("python -c pass", [sys.executable, "-c", "pass"]),
            ("kmsplan --help", [sys.executable, "-m", "planner", "--help"])]
    print(f"load average at start: {os.getloadavg()[0]:.2f}")
    for label, argv in rows:
        times, cpu = timed(argv, env, options.runs)
        print(f"{label:16} wall median {statistics.median(times):.3f} s, fastest "
              f"{min(times):.3f} s; CPU median {statistics.median(cpu):.3f} s "
              f"({options.runs} runs)")


if __name__ == "__main__":
    main()
