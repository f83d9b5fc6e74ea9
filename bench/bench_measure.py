"""Benchmark `usage measure` on a month of CloudTrail logs for a busy account.

    .venv/bin/python bench/bench_measure.py                 # 10M KMS events in 50,000 files
    .venv/bin/python bench/bench_measure.py --files 500     # scaled down

Generates the files once into bench/out/ (git-ignored; reused while the sizes match), then
in separate processes: the floor (read + gunzip every file, nothing else) and the measurement,
with the compiled fast path (the default), with the reference path alone (orjson), and with
--stdlib also the standard library's json; each with its wall time and peak resident memory
(ru_maxrss of that process).
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ACCOUNT = "111122223333"
TEMPLATES = 200  # distinct file bodies; the 50,000 files cycle through them
CALLERS = [  # (invokedBy, sourceIPAddress, userAgent)
    ("s3.amazonaws.com", "s3.amazonaws.com", "s3.amazonaws.com"),
    ("ec2.amazonaws.com", "ec2.amazonaws.com", "ec2.amazonaws.com"),
    ("rds.amazonaws.com", "rds.amazonaws.com", "rds.amazonaws.com"),
    ("dynamodb.amazonaws.com", "dynamodb.amazonaws.com", "dynamodb.amazonaws.com"),
    (None, "192.0.2.10", "aws-sdk-java/2.20.0 Linux/5.10 OpenJDK_64-Bit_Server_VM/17"),
]
OPERATIONS = ["Decrypt"] * 6 + ["GenerateDataKey"] * 3 + ["Encrypt"]


def record(rng: random.Random, day: int) -> dict:
    key = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/{rng.randrange(40):08d}-1234-1234-1234-123456789012"
    invoked, ip, agent = rng.choice(CALLERS)
    identity = {"type": "AWSService", "invokedBy": invoked} if invoked else {
        "type": "AssumedRole", "principalId": "AROAEXAMPLE:app", "accountId": ACCOUNT,
        "arn": f"arn:aws:sts::{ACCOUNT}:assumed-role/app/i-0abc", "accessKeyId": "ASIAEXAMPLE",
    }
    hour, minute, second = rng.randrange(24), rng.randrange(60), rng.randrange(60)
    when = f"2026-10-{day:02d}T{hour:02d}:{minute:02d}:{second:02d}Z"
    return {
        "eventVersion": "1.11", "userIdentity": identity, "eventTime": when,
        "eventSource": "kms.amazonaws.com", "eventName": rng.choice(OPERATIONS),
        "awsRegion": "us-east-1", "sourceIPAddress": ip, "userAgent": agent,
        "requestParameters": {
            "encryptionContext": {"aws:s3:arn": f"arn:aws:s3:::bucket-{rng.randrange(99)}/obj"},
            "encryptionAlgorithm": "SYMMETRIC_DEFAULT", "keyId": key,
        },
        "responseElements": None,
        "requestID": f"{rng.getrandbits(128):032x}", "eventID": f"{rng.getrandbits(128):032x}",
        "readOnly": True,
        "resources": [{"accountId": ACCOUNT, "type": "AWS::KMS::Key", "ARN": key}],
        "eventType": "AwsApiCall", "managementEvent": True, "recipientAccountId": ACCOUNT,
        "eventCategory": "Management",
        "tlsDetails": {"tlsVersion": "TLSv1.3", "cipherSuite": "TLS_AES_256_GCM_SHA384",
                       "clientProvidedHostHeader": "kms.us-east-1.amazonaws.com"},
    }


def generate(folder: Path, files: int, per_file: int) -> None:
    marker = folder / "SIZES"
    wanted = f"{files} {per_file}\n"
    if marker.exists() and marker.read_text() == wanted:
        return
    rng = random.Random(7)
    bodies = []
    for i in range(min(TEMPLATES, files)):
        day = i % 31 + 1
        records = [record(rng, day) for _ in range(per_file)]
        bodies.append((day, gzip.compress(json.dumps({"Records": records}).encode(), 6)))
    for n in range(files):
        day, body = bodies[n % len(bodies)]
        path = folder / f"AWSLogs/{ACCOUNT}/CloudTrail/us-east-1/2026/10/{day:02d}"
        path.mkdir(parents=True, exist_ok=True)
        (path / f"{ACCOUNT}_CloudTrail_us-east-1_202610{day:02d}T0000Z_{n:08d}.json.gz"
         ).write_bytes(body)
    marker.write_text(wanted)


CHILD = {
    "floor": """
import gzip, os
from concurrent.futures import ProcessPoolExecutor
def gunzip(paths):
    return sum(len(gzip.decompress(open(path, 'rb').read())) for path in paths)
paths = [os.path.join(root, name) for root, _, names in os.walk(FOLDER)
         for name in names if name.endswith('.json.gz')]
batches = [paths[i:i + 64] for i in range(0, len(paths), 64)]
if WORKERS > 1:
    with ProcessPoolExecutor(WORKERS) as pool:
        n = sum(pool.map(gunzip, batches))
else:
    n = sum(map(gunzip, batches))
RESULT = {'bytes': n, 'workers': WORKERS}
""",
    "measure": """
from pathlib import Path
import planner.measure.records as records
if STDLIB:
    import json
    import planner.measure.cloudtrail as cloudtrail
    cloudtrail.loads = json.loads
from planner.measure.cloudtrail import local_files, measure_files
m = measure_files(local_files(Path(FOLDER)), 'bench', workers=WORKERS, fast=FAST)
parser = 'json' if STDLIB else records.loads.__module__
RESULT = {'events': m.events, 'files': m.files, 'bad_files': len(m.bad_files),
          'keys': len(m.monthly_keys()), 'workers': WORKERS, 'fast_files': m.fast_files,
          'path': 'fast path' if FAST else f'reference path, {parser}'}
""",
}


def run_child(kind: str, folder: Path, stdlib: bool = False, workers: int = 1,
              fast: bool = True) -> dict:
    code = (f"import time, json, resource\nFOLDER = {str(folder)!r}\nSTDLIB = {stdlib}\n"
            f"WORKERS = {workers}\nFAST = {fast}\n"
            "start = time.perf_counter()\n" + CHILD[kind] +
            "RESULT['seconds'] = time.perf_counter() - start\n"
            "RESULT['peak_mb'] = max(resource.getrusage(who).ru_maxrss for who in"
            " (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)) / 1024\n"
            "print(json.dumps(RESULT))\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True,
                          capture_output=True, text=True)
    return json.loads(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=50_000)
    parser.add_argument("--events-per-file", type=int, default=200)
    parser.add_argument("--out", type=Path, default=ROOT / "bench/out/cloudtrail")
    parser.add_argument("--workers", type=int, default=1,
                        help="Processes for a parallel run too (floor and fast path).")
    parser.add_argument("--stdlib", action="store_true",
                        help="Also the reference path with the standard library's json.")
    args = parser.parse_args()
    folder = args.out / f"{args.files}x{args.events_per_file}"
    started = time.perf_counter()
    generate(folder, args.files, args.events_per_file)
    print(f"files ready in {time.perf_counter() - started:.1f} s: {folder}")
    # The floor runs before and after the measurements, and the faster of the two is the
    # floor: a VM's speed drifts by 10-25% over minutes, and the faster floor errs against us.
    floors = [run_child("floor", folder)]
    if args.workers > 1:
        floors.append(run_child("floor", folder, workers=args.workers))
    runs = [run_child("measure", folder), run_child("measure", folder, fast=False)]
    if args.workers > 1:
        runs.append(run_child("measure", folder, workers=args.workers))
    if args.stdlib:
        runs.append(run_child("measure", folder, stdlib=True, fast=False))
    floors.append(run_child("floor", folder))
    for run in floors:
        print(f"floor (read + gunzip, {run['workers']} process(es)): {run['seconds']:.1f} s, "
              f"{run['bytes'] / 1e9:.2f} GB, peak {run['peak_mb']:.0f} MB")
    floor = min((run for run in floors if run["workers"] == 1), key=lambda run: run["seconds"])
    for run in runs:
        print(f"measure ({run['path']}, {run['workers']} process(es)): "
              f"{run['seconds']:.1f} s, {run['events']:,} events, "
              f"{run['events'] / run['seconds']:,.0f} events/s, "
              f"{run['seconds'] / floor['seconds']:.2f}x the 1-process floor, "
              f"peak {run['peak_mb']:.0f} MB, bad files {run['bad_files']}, "
              f"files on the fast path {run['fast_files']:,}")
    print(f"bench process peak {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
