"""Savings benchmark: idle-key verdicts and levers on the synthetic inventory (its unreadable
resources left out) plus many quiet customer managed keys (last used long ago, no grants,
half with rotation on).

Usage: python bench/bench_savings.py [RESOURCES [EXTRA_KEYS]]   (default: 100000 10000)
Times CPU seconds (time.process_time), steadier than wall time on a shared machine: the
whole plan with --retire-idle-keys, and plan_savings alone on that plan's inputs.
"""

from __future__ import annotations

import json
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def quiet_keys(inventory, count: int) -> None:
    from planner.inventory import Key

    accounts, regions = inventory.accounts, inventory.regions
    for n in range(count):
        account, region = accounts[n % len(accounts)], regions[n % len(regions)]
        key_id = f"quiet-{n}"
        inventory.keys.append(Key(
            account, region, key_id, f"arn:aws:kms:{region}:{account}:key/{key_id}",
            "CUSTOMER", "Enabled", "SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT", "AWS_KMS",
            rotation_enabled=n % 2 == 0, aliases=[f"alias/quiet-{n}"],
            created=f"20{20 + n % 5}-0{1 + n % 9}-01T00:00:00+00:00", rotations=n % 4,
            rotation_period_days=365, grants=0,
            last_usage={"operation": "Decrypt", "timestamp": "2026-01-01T00:00:00+00:00",
                        "tracking_start": "2025-06-01T00:00:00+00:00", "error": None}))


def main(resources: int, extra: int) -> dict:
    from bench.synthetic import synthetic_inventory
    from planner.plan import PlanSettings, build_plan
    from planner.plan.savings import plan_savings
    from planner.usage import load_usage
    from pricing import load_price_book

    inventory = synthetic_inventory(resources)
    # Unreadable resources would leave every key of their region unknown: leave them out so
    # the quiet keys take the whole idle path (evidence, forecast, retire-key).
    inventory.resources = [r for r in inventory.resources if r.encryption != "unknown"]
    quiet_keys(inventory, extra)
    usage, book = load_usage(), load_price_book()
    start = time.process_time()
    plan = build_plan(inventory, PlanSettings(retire_idle_keys=True), usage, book)
    planned = time.process_time()
    keep = replace(plan, settings=PlanSettings(), region_actions=[
        p for p in plan.region_actions if p.action != "retire-key"])
    again = time.process_time()
    savings = plan_savings(keep, usage)
    done = time.process_time()
    return {"resources": resources, "keys": len(inventory.keys),
            "idle": len(savings.with_verdict("idle")),
            "plan_cpu_s": round(planned - start, 2), "savings_cpu_s": round(done - again, 2)}


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:]]
    print(json.dumps(main(*(args + [100_000, 10_000][len(args):]))))
