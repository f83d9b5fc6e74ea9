"""Benchmark `usage measure --cloudtrail s3://...`: objects read one at a time vs prefetched.

    .venv/bin/python bench/bench_measure_s3.py [--objects 400] [--latency-ms 50] [--threads 10]
                                               [--separate-emulator]

Puts N CloudTrail log files (bench_measure.py's record generator) into the local emulator's
bucket, then measures them in this process: serially (threads=1, as before prefetching) and
prefetched (--threads, default botocore's connection pool of 10, what `usage measure` uses;
the client pools a connection for each thread), each with --latency-ms of sleep before every
HTTP request (a botocore before-send handler) to stand for a network round trip; then once
prefetched with no added latency: what the emulator and this process can serve, the
ceiling of the prefetched figure.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import sys
import time
from contextlib import closing
from pathlib import Path

import boto3
from botocore.config import Config

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bench_measure import ACCOUNT, TEMPLATES, record  # noqa: E402
from bench.bench_scan import separate_emulator  # noqa: E402
from planner.emulator import emulator_environment, local_aws  # noqa: E402
from planner.measure.cloudtrail import measure_files, s3_files  # noqa: E402
from planner.measure.prefetch import prefetched  # noqa: E402

BUCKET = "bench-trail"
PREFIX = f"AWSLogs/{ACCOUNT}/CloudTrail/"


def put_logs(s3, objects: int, per_file: int) -> int:
    """N log files over October (bodies cycle through TEMPLATES, as in bench_measure.py);
    returns the bytes stored."""
    s3.create_bucket(Bucket=BUCKET)
    rng = random.Random(7)
    bodies = []
    for i in range(min(TEMPLATES, objects)):
        day = i % 31 + 1
        records = [record(rng, day) for _ in range(per_file)]
        bodies.append((day, gzip.compress(json.dumps({"Records": records}).encode(), 6)))
    stored = 0
    for n in range(objects):
        day, body = bodies[n % len(bodies)]
        key = (f"{PREFIX}us-east-1/2026/10/{day:02d}/"
               f"{ACCOUNT}_CloudTrail_us-east-1_202610{day:02d}T0000Z_{n:08d}.json.gz")
        s3.put_object(Bucket=BUCKET, Key=key, Body=body)
        stored += len(body)
    return stored


def timed(endpoint: str, threads: int, latency: float) -> tuple[float, object]:
    # A connection for each thread, as botocore's default pool of 10 gives `usage measure`.
    s3 = boto3.client("s3", region_name="us-east-1", endpoint_url=endpoint,
                      config=Config(max_pool_connections=max(10, threads)))
    if latency:
        s3.meta.events.register("before-send", lambda **_: time.sleep(latency))
    started = time.perf_counter()
    with closing(prefetched(s3_files(s3, f"s3://{BUCKET}/{PREFIX}"), threads)) as files:
        measurement = measure_files(files, "bench")
    return time.perf_counter() - started, measurement


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--objects", type=int, default=400)
    parser.add_argument("--events-per-file", type=int, default=200)
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--threads", type=int, default=10)
    parser.add_argument("--separate-emulator", action="store_true",
                        help="Serve the emulator from its own process (no shared GIL).")
    args = parser.parse_args()
    latency = args.latency_ms / 1000
    server = separate_emulator if args.separate_emulator else local_aws
    with emulator_environment(), server() as endpoint:
        s3 = boto3.client("s3", region_name="us-east-1", endpoint_url=endpoint)
        stored = put_logs(s3, args.objects, args.events_per_file)
        print(f"{args.objects} objects, {stored / 1e6:.1f} MB gzipped, "
              f"{'separate' if args.separate_emulator else 'in-process'} emulator")
        runs = [("serial", 1, latency), ("prefetched", args.threads, latency),
                ("prefetched, no added latency", args.threads, 0.0)]
        results, counts = {}, []
        for label, threads, wait in runs:
            seconds, m = timed(endpoint, threads, wait)
            results[label] = seconds
            counts.append((m.files, m.events, m.monthly_keys(), m.bad_files))
            print(f"{label} ({threads} thread(s), {wait * 1000:.0f} ms a request): "
                  f"{seconds:.2f} s, {m.files / seconds:.0f} objects/s, {m.events:,} events, "
                  f"{len(m.bad_files)} bad files")
    if any(c != counts[0] for c in counts):
        raise SystemExit("the runs counted differently")
    ideal = args.objects * latency
    print(f"serial / prefetched: {results['serial'] / results['prefetched']:.2f}x "
          f"(requests x latency: {ideal:.1f} s serially, {ideal / args.threads:.1f} s "
          f"with {args.threads} threads); the same counts in every run")


if __name__ == "__main__":
    main()
