"""Small inventories built in code, for plan and report tests."""

from __future__ import annotations

from planner.inventory import Inventory, Key, RegionSettings, Resource

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
                   accounts: list[str] | None = None) -> Inventory:
    return Inventory(
        scanned_at="2026-11-28T00:00:00+00:00", tool_version="test",
        accounts=accounts or sorted({r.account for r in resources} | {ACCOUNT}),
        regions=sorted({r.region for r in resources} | {REGION}),
        resources=resources, keys=keys or [], settings=settings or [],
    )
