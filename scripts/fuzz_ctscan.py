"""Mutation-fuzz the fast path (planner/measure/_ctscan.c) under AddressSanitizer and UBSan.

    .venv/bin/python scripts/fuzz_ctscan.py [--runs 100000] [--seed 1]

Builds a sanitized copy of the extension into a temporary folder, then feeds it mutated
CloudTrail files (bytes changed, inserted, deleted, cut short). For every file it accepts, the
file must be valid JSON and its counts must equal the reference path's (raw_fields over
orjson's parse). Any memory error aborts with the sanitizer's report. Run it after changing
the C file; it is not part of `make test` (it needs gcc's libasan and takes a minute).
"""

from __future__ import annotations

import argparse
import gzip
import os
import random
import subprocess
import sys
import sysconfig
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "planner/measure/_ctscan.c"
ALPHABET = b'{}[]",:\\ntfu0123456789-.eE \xc3\xa9\xed\xa0\x80\xf0\x9f'


def build(folder: Path) -> None:
    target = folder / f"_ctscan{sysconfig.get_config_var('EXT_SUFFIX')}"
    subprocess.run(["gcc", "-O1", "-g", "-fsanitize=address,undefined", "-fno-omit-frame-pointer",
                    "-fno-sanitize-recover=undefined", "-std=c11", "-fPIC", "-shared",
                    f"-I{sysconfig.get_paths()['include']}", str(SOURCE), "-o", str(target)],
                   check=True)


def mutate(rng: random.Random, body: bytes) -> bytes:
    data = bytearray(body)
    for _ in range(rng.randint(1, 6)):
        op, pos = rng.randrange(4), rng.randrange(len(data) + 1)
        if op == 0 and data:
            data[min(pos, len(data) - 1)] = rng.choice(ALPHABET)
        elif op == 1:
            data[pos:pos] = bytes([rng.choice(ALPHABET)])
        elif op == 2:
            del data[pos:pos + rng.randint(1, 20)]
        else:
            del data[pos:]
    return bytes(data)


def fuzz(folder: Path, runs: int, seed: int) -> None:
    sys.path[:0] = [str(folder), str(ROOT)]
    import _ctscan  # the sanitized build
    import orjson

    from planner.measure.records import CONTEXT_KEYS, KMS_SOURCE, raw_fields
    from tests.measure.trail import sample_trail

    seeds = [gzip.decompress(body) for body in sample_trail().values()]
    rng = random.Random(seed)
    scanner = _ctscan.Scanner(CONTEXT_KEYS)
    accepted = 0
    for _ in range(runs):
        body = mutate(rng, rng.choice(seeds))
        if scanner.scan(body, rng.random() < 0.5) is None:
            continue
        accepted += 1
        records = orjson.loads(body)["Records"]  # accepted: must be valid CloudTrail JSON
        expected = Counter(raw_fields(r) for r in records if r.get("eventSource") == KMS_SOURCE)
        assert dict(scanner.take()) == expected, body
    print(f"{runs:,} mutated files, {accepted:,} accepted, all counted as the reference counts")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if "FUZZ_CTSCAN_DIR" in os.environ:
        fuzz(Path(os.environ["FUZZ_CTSCAN_DIR"]), args.runs, args.seed)
        return
    with tempfile.TemporaryDirectory() as folder:
        build(Path(folder))
        libasan = subprocess.run(["gcc", "-print-file-name=libasan.so"], check=True,
                                 capture_output=True, text=True).stdout.strip()
        env = {**os.environ, "FUZZ_CTSCAN_DIR": folder, "LD_PRELOAD": libasan,
               "ASAN_OPTIONS": "detect_leaks=0"}
        sys.exit(subprocess.run([sys.executable, *sys.argv], env=env).returncode)


if __name__ == "__main__":
    main()
