"""Small inventories built in code, for plan and report tests."""

from __future__ import annotations

from planner.inventory import SERVICES, Inventory, Key, RegionSettings, Resource

ACCOUNT = "111111111111"
REGION = "us-east-1"


def key_arn(key_id: str, account: str = ACCOUNT, region: str = REGION) -> str:
    return f"arn:aws:kms:{region}:{account}:key/{key_id}"


def make_key(key_id: str, *, manager: str = "CUSTOMER", state: str = "Enabled",
             rotation: bool | None = False, aliases: list[str] | None = None,
             created: str = "2026-11-01T00:00:00+00:00", account: str = ACCOUNT,
             region: str = REGION) -> Key:
    return Key(account=account, region=region, key_id=key_id,
               arn=key_arn(key_id, account, region), manager=manager, state=state,
               spec="SYMMETRIC_DEFAULT", usage="ENCRYPT_DECRYPT", origin="AWS_KMS",
               rotation_enabled=rotation, aliases=aliases or [], created=created)


def make_resource(resource_type: str, resource_id: str, encryption: str, *,
                  key: str | None = None, account: str = ACCOUNT, region: str = REGION,
                  size_gb: float | None = None, object_count: int | None = None,
                  bucket_key: bool | None = None, tags: dict | None = None,
                  details: dict | None = None, error: str | None = None) -> Resource:
    service = {"bucket": "s3", "volume": "ebs", "snapshot": "ebs", "table": "dynamodb"}.get(
        resource_type, "rds")
    algorithm = {"sse-s3": "AES256", "aws-managed": "aws:kms",
                 "customer-managed": "aws:kms"}.get(encryption) if service == "s3" else None
    return Resource(
        account=account, region=region, service=service, resource_type=resource_type,
        resource_id=resource_id, arn=f"arn:aws:{service}:{region}:{account}:{resource_id}",
        name=resource_id, tags=tags or {}, encryption=encryption, algorithm=algorithm,
        kms_key_arn=key, bucket_key_enabled=bucket_key if service == "s3" else None,
        size_gb=size_gb, object_count=object_count, error=error, details=details or {},
    )


def make_inventory(resources: list[Resource], keys: list[Key] | None = None,
                   settings: list[RegionSettings] | None = None,
                   accounts: list[str] | None = None,
                   services: list[str] | None = None) -> Inventory:
    """`services`: those the scan read (default: every one, as a scan without --services)."""
    return Inventory(
        scanned_at="2026-11-28T00:00:00+00:00", tool_version="test",
        accounts=accounts or sorted({r.account for r in resources} | {ACCOUNT}),
        regions=sorted({r.region for r in resources} | {REGION}),
        resources=resources, keys=keys or [], settings=settings or [],
        services=["kms", *SERVICES, "tags"] if services is None else services,
    )


def rich_inventory() -> Inventory:
    """Two accounts, two regions, every service and encryption state, an at-risk key, an
    unreadable bucket, an Aurora cluster with a member, and EBS default-encryption settings."""
    other, eu = "222222222222", "eu-west-1"
    cmk = make_key("1111aaaa", rotation=True, aliases=["alias/app-data"],
                   created="2024-06-01T00:00:00+00:00")
    doomed = make_key("2222bbbb", state="PendingDeletion", aliases=["alias/old-logs"],
                      created="2023-01-15T00:00:00+00:00")
    aws_s3 = make_key("3333cccc", manager="AWS", aliases=["alias/aws/s3"])
    eu_key = make_key("4444dddd", rotation=False, aliases=["alias/eu-orders"], account=other,
                      region=eu, created="2025-03-01T00:00:00+00:00")
    resources = [
        make_resource("bucket", "web-assets", "sse-s3", object_count=250_000),
        make_resource("bucket", "billing-exports", "aws-managed", key=aws_s3.arn,
                      object_count=1_200_000, bucket_key=False),
        make_resource("bucket", "app-uploads", "customer-managed", key=cmk.arn,
                      bucket_key=True, object_count=40_000),
        make_resource("bucket", "audit-logs", "customer-managed", key=doomed.arn,
                      object_count=900_000),
        make_resource("bucket", "partner-drop", "unknown", error="AccessDenied: Access Denied"),
        make_resource("bucket", "eu-orders-archive", "none", account=other, region=eu,
                      object_count=3_000_000),
        make_resource("volume", "vol-0a1b2c3d", "none", size_gb=200),
        make_resource("volume", "vol-0e5f6a7b", "aws-managed", size_gb=500),
        make_resource("volume", "vol-0c8d9e0f", "customer-managed", key=cmk.arn, size_gb=100),
        make_resource("snapshot", "snap-0123abcd", "none", size_gb=80),
        make_resource("volume", "vol-0eu11111", "none", account=other, region=eu, size_gb=1000),
        make_resource("db-instance", "orders-db", "none", size_gb=400),
        make_resource("db-cluster", "ledger", "aws-managed", size_gb=800),
        make_resource("db-instance", "ledger-1", "aws-managed",
                      details={"cluster_id": "ledger"}),
        make_resource("db-snapshot", "orders-db-manual-1", "none", size_gb=400,
                      details={"snapshot_type": "manual"}),
        make_resource("db-instance", "eu-crm", "customer-managed", key=eu_key.arn,
                      account=other, region=eu, size_gb=250),
        make_resource("table", "sessions", "aws-owned"),
        make_resource("table", "carts", "aws-managed"),
        make_resource("table", "eu-events", "aws-owned", account=other, region=eu),
    ]
    settings = [RegionSettings(ACCOUNT, REGION, False, None),
                RegionSettings(other, eu, True, None)]
    return make_inventory(resources, [cmk, doomed, aws_s3, eu_key], settings,
                          accounts=[ACCOUNT, other])
