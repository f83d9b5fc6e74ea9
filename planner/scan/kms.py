"""KMS: every key (DescribeKey, rotation status) and every alias, per account and region."""

from __future__ import annotations

from planner.inventory import Key
from planner.scan.common import (
    CALL_ERRORS,
    Alias,
    Scope,
    Step,
    Task,
    UnreadKey,
    error_code,
    pages,
    scan_error,
)

SERVICE = "kms"
OPERATIONS = {"kms": ("ListKeys", "ListAliases", "DescribeKey", "GetKeyRotationStatus")}
# Rotation status exists only for symmetric keys with AWS-generated material, and only while
# the key is usable; asking otherwise is an error by design, not a failure to read.
ROTATION_STATES = ("Enabled", "Disabled")
NO_ROTATION_CODES = ("UnsupportedOperationException", "KMSInvalidStateException")


def tasks(scope: Scope) -> list[Task]:
    return [
        Task(scope, SERVICE, "ListKeys", list_keys),
        Task(scope, SERVICE, "ListAliases", list_aliases),
    ]


def list_keys(scope: Scope) -> Step:
    kms = scope.client("kms")
    step = Step()
    for entry in pages(kms, "list_keys", "Keys"):
        arn = entry["KeyArn"]
        step.more.append(Task(scope, SERVICE, "DescribeKey", lambda s, arn=arn: read_key(s, arn)))
    return step


def list_aliases(scope: Scope) -> Step:
    kms = scope.client("kms")
    found = [
        Alias(scope.account, scope.region, a["AliasName"], a.get("TargetKeyId"))
        for a in pages(kms, "list_aliases", "Aliases")
    ]
    return Step(found=found)


def read_key(scope: Scope, arn: str) -> Step:
    kms = scope.client("kms")
    step = Step()
    try:
        meta = kms.describe_key(KeyId=arn)["KeyMetadata"]
    except CALL_ERRORS as exc:
        error = scan_error(scope, SERVICE, "DescribeKey", exc)
        step.errors.append(error)
        step.found.append(UnreadKey(arn, error))
        return step
    key = Key(
        account=scope.account,
        region=scope.region,
        key_id=meta["KeyId"],
        arn=meta["Arn"],
        manager=meta.get("KeyManager", "CUSTOMER"),
        state=meta.get("KeyState", "Unknown"),
        spec=meta.get("KeySpec", meta.get("CustomerMasterKeySpec", "SYMMETRIC_DEFAULT")),
        usage=meta.get("KeyUsage", "ENCRYPT_DECRYPT"),
        origin=meta.get("Origin", "AWS_KMS"),
        multi_region=bool(meta.get("MultiRegion", False)),
        created=meta["CreationDate"].isoformat() if meta.get("CreationDate") else None,
    )
    key.rotation_enabled = _rotation(kms, key, scope, step)  # tags: planner/scan/tags.py
    step.found.append(key)
    return step


def _rotation(kms, key: Key, scope: Scope, step: Step) -> bool | None:
    if key.spec != "SYMMETRIC_DEFAULT" or key.origin != "AWS_KMS":
        return None
    if key.state not in ROTATION_STATES:
        return None
    try:
        return bool(kms.get_key_rotation_status(KeyId=key.arn)["KeyRotationEnabled"])
    except CALL_ERRORS as exc:
        if error_code(exc)[0] not in NO_ROTATION_CODES:
            step.errors.append(scan_error(scope, SERVICE, "GetKeyRotationStatus", exc))
        return None

