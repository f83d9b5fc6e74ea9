"""Scan benchmark for queues, topics, streams, secrets, log groups, repositories and functions:
API calls against the minimum, and wall time with AWS-like latency (replayed answers).

    .venv/bin/python bench/bench_scan_messaging.py [--scale 1.0] [--workers 16] [--latency-ms 50]

Seeds moto's server (its own process, over HTTP) with ESTATE over 3 regions, scans only these
services (`services=`, KMS and tags always), counting calls, then replays the recorded answers
after `--latency-ms` each, as bench_scan.py does for S3, EBS, RDS and DynamoDB.
"""

from __future__ import annotations

import argparse
import io
import math
import sys
import time
import zipfile
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import boto3

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bench_scan import (  # noqa: E402
    LISTINGS,
    REGIONS,
    minimum,
    recording,
    replaying,
    separate_emulator,
)
from planner.emulator import emulator_environment  # noqa: E402
from planner.scan import run_scan  # noqa: E402

SERVICES = ["sqs", "sns", "kinesis", "secretsmanager", "logs", "ecr", "lambda"]
ESTATE = {"queues": 1000, "topics": 1000, "streams": 300, "secrets": 1000, "log_groups": 1000,
          "repositories": 500, "functions": 500}
OWN_LISTINGS = {"ListQueues", "ListTopics", "ListStreams", "ListSecrets", "DescribeLogGroups",
                "DescribeRepositories", "ListFunctions",
                "ListKeyRotations"}  # a listing per customer key, its pages as served
PER_RESOURCE = {"queue": "GetQueueAttributes", "topic": "GetTopicAttributes",
                "stream": "DescribeStreamSummary"}  # no batch call in these APIs


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("f.py", "def handler(event, context):\n    return None\n")
    return buffer.getvalue()


def seed(endpoint: str, counts: dict[str, int], threads: int = 16) -> None:
    def client(service, region):
        return boto3.client(service, region_name=region, endpoint_url=endpoint)

    keys = {r: client("kms", r).create_key()["KeyMetadata"]["Arn"] for r in REGIONS}
    role = client("iam", REGIONS[0]).create_role(
        RoleName="bench", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    code = _zip()

    def make(job):
        kind, i, region = job
        key = keys[region] if i % 2 else None
        c = client({"queues": "sqs", "topics": "sns", "streams": "kinesis",
                    "secrets": "secretsmanager", "log_groups": "logs", "repositories": "ecr",
                    "functions": "lambda"}[kind], region)
        name = f"bench-{i:05d}"
        if kind == "queues":
            c.create_queue(QueueName=name, Attributes={"KmsMasterKeyId": key} if key else {})
        elif kind == "topics":
            c.create_topic(Name=name, Attributes={"KmsMasterKeyId": key} if key else {})
        elif kind == "streams":
            c.create_stream(StreamName=name, ShardCount=1)
        elif kind == "secrets":
            c.create_secret(Name=name, SecretString="x", **({"KmsKeyId": key} if key else {}))
        elif kind == "log_groups":
            c.create_log_group(logGroupName=name, **({"kmsKeyId": key} if key else {}))
        elif kind == "repositories":
            c.create_repository(repositoryName=name, **(
                {"encryptionConfiguration": {"encryptionType": "KMS", "kmsKey": key}}
                if key else {}))
        else:
            c.create_function(FunctionName=name, Runtime="python3.12", Role=role,
                              Handler="f.handler", Code={"ZipFile": code},
                              Environment={"Variables": {"A": "1"}},
                              **({"KMSKeyArn": key} if key else {}))

    jobs = [(kind, i, REGIONS[i % 3]) for kind, n in counts.items() for i in range(n)]
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(make, jobs))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--workers", type=int, default=16)
    parser.add_argument("--latency-ms", type=float, default=50.0)
    args = parser.parse_args()
    counts = {k: max(3, math.ceil(v * args.scale)) for k, v in ESTATE.items()}
    with emulator_environment(), separate_emulator() as endpoint:
        started = time.perf_counter()
        seed(endpoint, counts)
        print(f"estate {counts} seeded in {time.perf_counter() - started:.1f} s", flush=True)
        session = boto3.Session(region_name=REGIONS[0])
        calls: Counter = Counter()
        answers: dict = {}
        started = time.perf_counter()
        inventory = run_scan(session, regions=list(REGIONS), endpoint_url=endpoint,
                             workers=args.workers, services=SERVICES,
                             client_hook=recording(answers, calls)).inventory
        bare = time.perf_counter() - started
        replayed_calls: Counter = Counter()
        started = time.perf_counter()
        run_scan(session, regions=list(REGIONS), endpoint_url=endpoint, workers=args.workers,
                 services=SERVICES,
                 client_hook=replaying(answers, args.latency_ms / 1000, replayed_calls))
        replayed = time.perf_counter() - started
    total = sum(calls.values())
    # bench_scan.minimum counts the pages of its LISTINGS (which name these services' too).
    pages = sum(n for op, n in calls.items() if op in OWN_LISTINGS)
    not_in_minimum = sum(n for op, n in calls.items() if op in OWN_LISTINGS - LISTINGS)
    per_resource = sum(1 for r in inventory.resources if r.resource_type in PER_RESOURCE)
    least = minimum(calls, inventory) + not_in_minimum + per_resource
    scopes = len(REGIONS) * (len(SERVICES) + 2)  # + kms and tags
    ideal = sum(replayed_calls.values()) * args.latency_ms / 1000 / args.workers
    by_type = Counter(r.resource_type for r in inventory.resources)
    print(f"resources {len(inventory.resources)} {dict(by_type)}, keys {len(inventory.keys)}, "
          f"errors {len(inventory.errors)}")
    print(f"calls {total} (minimum {least}: listing pages {pages} + per-resource "
          f"{per_resource} + the rest {least - pages - per_resource}; allowance +{scopes}) "
          f"-> extra {total - least}")
    print("calls by operation: " + ", ".join(f"{op} {n}" for op, n in calls.most_common()))
    print(f"wall time, emulator, no added latency: {bare:.1f} s")
    print(f"replayed answers, {args.latency_ms:.0f} ms a call: {replayed:.1f} s for "
          f"{sum(replayed_calls.values())} calls; ideal {ideal:.1f} s; "
          f"ratio {replayed / ideal:.2f}")


if __name__ == "__main__":
    main()
