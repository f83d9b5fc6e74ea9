"""A synthetic inventory of any size, deterministic, for plan and report benchmarks.

Mix (by share of resources): buckets 20%, volumes 40%, snapshots 15%, DB instances 5%,
DB snapshots 5%, tables 15%; every encryption state appears; accounts x 3 regions.
"""

from __future__ import annotations

import random

from planner.inventory import Inventory, Key, RegionSettings, Resource

REGIONS = ("us-east-1", "eu-west-1", "ap-southeast-2")
MIX = (("bucket", 20), ("volume", 40), ("snapshot", 15), ("db-instance", 5),
       ("db-snapshot", 5), ("table", 15))
STATES = {
    "bucket": ("sse-s3", "sse-s3", "aws-managed", "customer-managed", "unknown"),
    "volume": ("none", "aws-managed", "customer-managed", "none"),
    "snapshot": ("none", "aws-managed", "customer-managed"),
    "db-instance": ("none", "aws-managed", "customer-managed"),
    "db-snapshot": ("none", "aws-managed", "customer-managed"),
    "table": ("aws-owned", "aws-managed", "customer-managed"),
}
SERVICE = {"bucket": "s3", "volume": "ebs", "snapshot": "ebs", "table": "dynamodb"}
ALIAS = {"s3": "aws/s3", "ebs": "aws/ebs", "rds": "aws/rds", "dynamodb": "aws/dynamodb"}


def synthetic_inventory(resources: int, accounts: int = 10, seed: int = 7) -> Inventory:
    rng = random.Random(seed)
    account_ids = [f"{100000000000 + i:012d}" for i in range(accounts)]
    keys, aws_keys, cmks = [], {}, {}
    for account in account_ids:
        for region in REGIONS:
            for service, alias in ALIAS.items():
                key_id = f"aws-{service}-{account}-{region}"
                arn = f"arn:aws:kms:{region}:{account}:key/{key_id}"
                keys.append(Key(account, region, key_id, arn, "AWS", "Enabled",
                                "SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT", "AWS_KMS",
                                rotation_enabled=True, aliases=[f"alias/{alias}"],
                                created="2020-01-01T00:00:00+00:00"))
                aws_keys[(account, region, service)] = arn
            for n in range(3):
                key_id = f"cmk-{n}-{account}-{region}"
                arn = f"arn:aws:kms:{region}:{account}:key/{key_id}"
                keys.append(Key(account, region, key_id, arn, "CUSTOMER",
                                "PendingDeletion" if n == 2 else "Enabled",
                                "SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT", "AWS_KMS",
                                rotation_enabled=n == 0, aliases=[f"alias/app-{n}"],
                                created=f"202{n + 2}-03-01T00:00:00+00:00"))
                cmks.setdefault((account, region), []).append(arn)
    types = [t for t, weight in MIX for _ in range(weight)]
    items = []
    for i in range(resources):
        rtype = types[i % len(types)]
        service = SERVICE.get(rtype, "rds")
        account = account_ids[i % accounts]
        region = REGIONS[(i // accounts) % len(REGIONS)]
        state = rng.choice(STATES[rtype])
        key = None
        if state == "aws-managed":
            key = aws_keys[(account, region, service)]
        elif state == "customer-managed":
            key = rng.choice(cmks[(account, region)])
        rid = f"{rtype}-{i}"
        items.append(Resource(
            account=account, region=region, service=service, resource_type=rtype,
            resource_id=rid, arn=f"arn:aws:{service}:{region}:{account}:{rid}", name=rid,
            tags={"team": f"team-{i % 17}"} if i % 3 else {}, encryption=state,
            algorithm=None, kms_key_arn=key,
            bucket_key_enabled=(i % 2 == 0) if service == "s3" else None,
            size_gb=float(8 + i % 500), object_count=(i * 37) % 1_000_000 if service == "s3"
            else None, error="AccessDenied: synthetic" if state == "unknown" else None,
            details={"snapshot_type": "manual" if i % 2 else "automated"}
            if rtype == "db-snapshot" else {},
        ))
    settings = [RegionSettings(a, r, (hash((a, r)) % 2) == 0, None)
                for a in account_ids for r in REGIONS]
    return Inventory(scanned_at="2026-11-28T00:00:00+00:00", tool_version="bench",
                     accounts=account_ids, regions=list(REGIONS), resources=items, keys=keys,
                     settings=settings)
