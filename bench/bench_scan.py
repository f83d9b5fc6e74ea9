"""Scan benchmark: API calls per scan against the minimum, and wall time with added latency.

    .venv/bin/python bench/bench_scan.py [--scale 1.0] [--workers 16] [--latency-ms 50]

Seeds the local AWS emulator (moto's server, over HTTP) with the estate of issue 3 (1,000
buckets, 5,000 volumes, 500 DB instances, 1,000 tables over 3 regions; --scale shrinks it),
scans it once to count calls, then once more with `--latency-ms` of sleep before every HTTP
request (a botocore before-send hook) to stand for real AWS round trips.
"""

from __future__ import annotations

import argparse
import contextlib
import math
import socket
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import boto3

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from planner.emulator import emulator_environment, local_aws  # noqa: E402
from planner.scan import run_scan  # noqa: E402
from planner.scan.registry import SERVICES  # noqa: E402

REGIONS = ("us-east-1", "eu-west-1", "ap-southeast-2")
ESTATE = {"buckets": 1000, "volumes": 5000, "db_instances": 500, "tables": 1000}
# The storage and database services (issue 16), one listing each: --stores N seeds N of each.
STORES = ("file_systems", "fsx", "graphs", "warehouses", "caches", "memorydbs", "domains",
          "vaults")
LISTINGS = {  # paginated listing calls: their page count is what the server hands out
    "ListBuckets", "ListKeys", "ListAliases", "DescribeVolumes", "DescribeSnapshots",
    "DescribeDBInstances", "DescribeDBClusters", "DescribeDBSnapshots",
    "DescribeDBClusterSnapshots", "ListTables", "ListMetrics", "GetResources",
    "DescribeFileSystems", "DescribeClusters", "DescribeReplicationGroups", "ListBackupVaults",
    "ListDomainNames", "ListKeyRotations", "ListNamespaces", "DescribeServerlessCaches",
}
# Listings of services this estate leaves empty: one page per region each.
LISTINGS |= {"ListQueues", "ListTopics", "ListStreams", "ListSecrets", "DescribeLogGroups",
             "DescribeRepositories", "ListFunctions"}


def seed(endpoint: str, counts: dict[str, int], threads: int = 16) -> dict[str, int]:
    """Create the estate; return how many keys were made (they add per-key calls)."""
    def client(service, region):
        return boto3.client(service, region_name=region, endpoint_url=endpoint)

    keys = {r: client("kms", r).create_key()["KeyMetadata"]["Arn"] for r in REGIONS}
    jobs = []
    for i in range(counts["buckets"]):
        jobs.append(("bucket", i, REGIONS[i % 3]))
    for i in range(counts["volumes"]):
        jobs.append(("volume", i, REGIONS[i % 3]))
    for i in range(counts["db_instances"]):
        jobs.append(("db", i, REGIONS[i % 3]))
    for i in range(counts["tables"]):
        jobs.append(("table", i, REGIONS[i % 3]))
    for kind in STORES:
        jobs += [(kind, i, REGIONS[i % 3]) for i in range(counts.get(kind, 0))]
    services = {"bucket": "s3", "volume": "ec2", "db": "rds", "table": "dynamodb",
                **STORE_CLIENTS}
    clients = {(kind, r): client(services[kind], r) for kind in services for r in REGIONS}

    def make(job):
        kind, i, region = job
        c = clients[kind, region]
        if kind == "bucket":
            name = f"bench-{i:05d}"
            config = {} if region == "us-east-1" else {
                "CreateBucketConfiguration": {"LocationConstraint": region}}
            c.create_bucket(Bucket=name, **config)
            if i % 3 == 0:
                c.put_bucket_encryption(Bucket=name, ServerSideEncryptionConfiguration={
                    "Rules": [{"ApplyServerSideEncryptionByDefault": {
                        "SSEAlgorithm": "aws:kms", "KMSMasterKeyID": keys[region]}}]})
        elif kind == "volume":
            options = {"Encrypted": True, "KmsKeyId": keys[region]} if i % 2 else {}
            c.create_volume(AvailabilityZone=f"{region}a", Size=8, **options)
        elif kind in STORE_CLIENTS:
            seed_store(c, kind, i, keys[region])
        elif kind == "db":
            c.create_db_instance(DBInstanceIdentifier=f"bench-{i:04d}", Engine="postgres",
                                 DBInstanceClass="db.t3.micro", AllocatedStorage=20,
                                 MasterUsername="admin", MasterUserPassword="not-a-secret-1",
                                 StorageEncrypted=bool(i % 2), KmsKeyId=keys[region])
        else:
            c.create_table(TableName=f"bench-{i:05d}", BillingMode="PAY_PER_REQUEST",
                           KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                           AttributeDefinitions=[{"AttributeName": "id",
                                                  "AttributeType": "S"}])

    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(make, jobs))
    return {"keys": len(keys)}


STORE_CLIENTS = {"file_systems": "efs", "fsx": "fsx", "graphs": "rds", "warehouses": "redshift",
                 "caches": "elasticache", "memorydbs": "memorydb", "domains": "opensearch",
                 "vaults": "backup"}


def seed_store(c, kind: str, i: int, key: str) -> None:
    """One storage or database resource; every other one on the region's customer key."""
    on_key = {"KmsKeyId": key} if i % 2 else {}
    name = f"bench-{kind[:4]}-{i:05d}"  # one namespace per kind (moto shares some)
    if kind == "file_systems":
        c.create_file_system(CreationToken=name, Encrypted=bool(i % 2), **on_key)
    elif kind == "fsx":
        c.create_file_system(FileSystemType="WINDOWS", StorageCapacity=32,
                             SubnetIds=["subnet-0123456789abcdef0"], KmsKeyId=key)
    elif kind == "graphs":
        c.create_db_cluster(DBClusterIdentifier=name, Engine="neptune",
                            StorageEncrypted=bool(i % 2), **on_key)
    elif kind == "warehouses":
        c.create_cluster(ClusterIdentifier=name, NodeType="dc2.large", MasterUsername="admin",
                         MasterUserPassword="Not-a-secret-1", ClusterType="single-node",
                         Encrypted=bool(i % 2), **on_key)
    elif kind == "caches":
        c.create_replication_group(ReplicationGroupId=name, ReplicationGroupDescription="b",
                                   Engine="redis", AtRestEncryptionEnabled=bool(i % 2), **on_key)
    elif kind == "memorydbs":
        c.create_cluster(ClusterName=name, NodeType="db.t4g.small", ACLName="open-access",
                         **on_key)
    elif kind == "domains":
        rest = {"Enabled": True, "KmsKeyId": key} if i % 2 else {"Enabled": False}
        c.create_domain(DomainName=name, EncryptionAtRestOptions=rest)
    else:
        c.create_backup_vault(BackupVaultName=name, **({"EncryptionKeyArn": key} if i % 2
                                                       else {}))


@contextlib.contextmanager
def separate_emulator():
    """moto's server in its own process, so the emulator and the scanner do not share a GIL."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # moto's server with the listings it lacks answered (planner/emulator_gaps.py).
    server = subprocess.Popen([sys.executable, "-c", "from planner.emulator_gaps import serve; "
                               f"serve({port})"], cwd=Path(__file__).resolve().parents[1],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    endpoint = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{endpoint}/moto-api/").close()
                break
            except OSError:
                time.sleep(0.1)
        yield endpoint
    finally:
        server.terminate()
        server.wait(timeout=10)


def counting(calls: Counter):
    def hook(client):
        def record(model, **_):
            calls[model.name] += 1

        client.meta.events.register("before-call", record)

    return hook


def latency(seconds: float, calls: Counter):
    def hook(client):
        counting(calls)(client)

        def wait(**_):
            time.sleep(seconds)

        client.meta.events.register("before-send", wait)

    return hook


def _key(client, model, params) -> tuple:
    # GetMetricData's window moves with the clock; the rest of a call names it exactly.
    fixed = {k: v for k, v in params.items() if k not in ("StartTime", "EndTime")}
    return (client.meta.service_model.service_name, client.meta.region_name,
            client._request_signer._credentials.access_key, model.name, repr(sorted(
                fixed.items())))


def _keep_key(client):
    """Name each call by its API parameters (before-call only sees the serialized request)."""
    def keep(params, model, context, **_):
        context["bench_key"] = _key(client, model, params)

    return keep


class _Http:
    headers: dict = {}
    raw = None  # botocore's GetBucketLocation handler reads the body only when there is one

    def __init__(self, status_code: int):
        self.status_code = status_code  # 300 and above: botocore raises the recorded error


def recording(answers: dict, calls: Counter):
    """Count calls and keep every answer, to replay them without the emulator."""
    def hook(client):
        counting(calls)(client)

        def after(http_response, parsed, context, **_):
            answers[context["bench_key"]] = (http_response.status_code, parsed)

        client.meta.events.register("before-parameter-build", _keep_key(client))
        client.meta.events.register("after-call", after)

    return hook


def replaying(answers: dict, seconds: float, calls: Counter):
    """Answer every call from the recording after `seconds`: AWS's latency, no emulator CPU."""
    def hook(client):
        counting(calls)(client)

        def answer(context, **_):
            time.sleep(seconds)
            status, parsed = answers[context["bench_key"]]
            return _Http(status), parsed

        client.meta.events.register("before-parameter-build", _keep_key(client))
        client.meta.events.register("before-call", answer)

    return hook


def minimum(calls: Counter, inventory) -> int:
    """List pages as served, plus the per-resource calls AWS offers no batch for."""
    pages = sum(n for op, n in calls.items() if op in LISTINGS)
    buckets = sum(1 for r in inventory.resources if r.resource_type == "bucket")
    tables = sum(1 for r in inventory.resources if r.resource_type == "table")
    rotatable = sum(1 for k in inventory.keys if k.spec == "SYMMETRIC_DEFAULT"
                    and k.origin == "AWS_KMS" and k.state in ("Enabled", "Disabled"))
    settings = len(inventory.settings) + sum(1 for s in inventory.settings
                                             if s.ebs_encryption_by_default)
    metric_calls = calls["GetMetricData"]  # ceil(series / 500) per region, by construction
    domains = Counter(r.region for r in inventory.resources if r.service == "opensearch")
    batches = sum(math.ceil(n / 5) for n in domains.values())  # DescribeDomains: 5 a call
    return (1 + pages + 2 * buckets  # GetBucketLocation (no BucketRegion here) + encryption
            + tables + len(inventory.keys) + rotatable + settings + metric_calls + batches)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--workers", type=int, default=16)
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--stores", type=int, default=0,
                        help="Also seed this many of each storage and database service.")
    parser.add_argument("--in-process", action="store_true",
                        help="Serve the emulator from this process (shares the GIL).")
    args = parser.parse_args()
    counts = {k: max(3, math.ceil(v * args.scale)) for k, v in ESTATE.items()}
    counts.update({kind: args.stores for kind in STORES})
    server = local_aws if args.in_process else separate_emulator
    with emulator_environment(), server() as endpoint:
        started = time.perf_counter()
        seed(endpoint, counts)
        seeded = time.perf_counter() - started
        print(f"estate {counts} seeded in {seeded:.1f} s", flush=True)
        session = boto3.Session(region_name=REGIONS[0])
        calls: Counter = Counter()
        answers: dict = {}
        started = time.perf_counter()
        outcome = run_scan(session, regions=list(REGIONS), endpoint_url=endpoint,
                           workers=args.workers, client_hook=recording(answers, calls))
        bare = time.perf_counter() - started
        inventory = outcome.inventory
        total = sum(calls.values())
        least = minimum(calls, inventory)
        scopes = len(inventory.accounts) * len(REGIONS) * len(SERVICES)
        slow_calls: Counter = Counter()
        started = time.perf_counter()
        run_scan(session, regions=list(REGIONS), endpoint_url=endpoint, workers=args.workers,
                 client_hook=latency(args.latency_ms / 1000, slow_calls))
        slow = time.perf_counter() - started
        ideal = sum(slow_calls.values()) * args.latency_ms / 1000 / args.workers
        replayed_calls: Counter = Counter()
        started = time.perf_counter()
        run_scan(session, regions=list(REGIONS), endpoint_url=endpoint, workers=args.workers,
                 client_hook=replaying(answers, args.latency_ms / 1000, replayed_calls))
        replayed = time.perf_counter() - started
        replay_ideal = sum(replayed_calls.values()) * args.latency_ms / 1000 / args.workers
    print(f"resources {len(inventory.resources)}, keys {len(inventory.keys)}, "
          f"errors {len(inventory.errors)}")
    print(f"calls {total} (minimum {least}, allowance +{scopes} for "
          f"{len(REGIONS)} regions x {len(SERVICES)} services) -> extra {total - least}")
    print("calls by operation: " + ", ".join(f"{op} {n}" for op, n in calls.most_common()))
    print(f"wall time without added latency: {bare:.1f} s")
    print(f"wall time with {args.latency_ms:.0f} ms a call, {args.workers} workers: {slow:.1f} s; "
          f"calls x latency / workers = {ideal:.1f} s; ratio {slow / ideal:.2f}")
    print(f"replayed answers (no emulator CPU), {args.latency_ms:.0f} ms a call: "
          f"{replayed:.1f} s for {sum(replayed_calls.values())} calls; "
          f"ideal {replay_ideal:.1f} s; ratio {replayed / replay_ideal:.2f}")


if __name__ == "__main__":
    main()
