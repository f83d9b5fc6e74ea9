"""KMS: every key (DescribeKey, rotation status and history) and every alias, per account
and region."""

from __future__ import annotations

from planner import bounds
from planner.inventory import Key
from planner.scan.common import (
    CALL_ERRORS,
    Alias,
    Scope,
    Step,
    Task,
    UnreadKey,
    aws_time,
    error_code,
    figure,
    need,
    pages,
    scan_error,
)

SERVICE = "kms"
OPERATIONS = {"kms": ("ListKeys", "ListAliases", "DescribeKey", "GetKeyRotationStatus",
                     "ListKeyRotations")}
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
        arn = need(entry, "KeyArn")  # a key without its ARN: the catalogue is not complete
        step.more.append(Task(scope, SERVICE, "DescribeKey", lambda s, arn=arn: read_key(s, arn)))
    return step


def list_aliases(scope: Scope) -> Step:
    kms = scope.client("kms")
    found = [
        Alias(scope.account, scope.region, need(a, "AliasName"), a.get("TargetKeyId"))
        for a in pages(kms, "list_aliases", "Aliases")
    ]
    return Step(found=found)


def read_key(scope: Scope, arn: str) -> Step:
    kms = scope.client("kms")
    step = Step()
    try:
        meta = need(kms.describe_key(KeyId=arn), "KeyMetadata")
        key_id, key_arn = need(meta, "KeyId"), need(meta, "Arn")
    except CALL_ERRORS as exc:
        error = scan_error(scope, SERVICE, "DescribeKey", exc)
        step.errors.append(error)
        step.found.append(UnreadKey(arn, error))
        return step
    key = Key(
        account=scope.account,
        region=scope.region,
        key_id=key_id,
        arn=key_arn,
        manager=meta.get("KeyManager", "CUSTOMER"),
        state=meta.get("KeyState", "Unknown"),
        spec=meta.get("KeySpec", meta.get("CustomerMasterKeySpec", "SYMMETRIC_DEFAULT")),
        usage=meta.get("KeyUsage", "ENCRYPT_DECRYPT"),
        origin=meta.get("Origin", "AWS_KMS"),
        multi_region=bool(meta.get("MultiRegion", False)),
        created=aws_time(meta.get("CreationDate")),
    )
    # Tags come from planner/scan/tags.py (one GetResources listing for all keys).
    if _rotatable(key):
        _rotation_status(kms, key, scope, step)
        if key.manager == "CUSTOMER":  # rotations are billed on customer managed keys only
            key.rotations = _rotations(kms, key, scope, step)
    step.found.append(key)
    return step


def _rotatable(key: Key) -> bool:
    return (key.spec == "SYMMETRIC_DEFAULT" and key.origin == "AWS_KMS"
            and key.state in ROTATION_STATES)


def _rotation_status(kms, key: Key, scope: Scope, step: Step) -> None:
    """Whether automatic rotation is on, its period and the next date (both given only while
    it is on)."""
    try:
        status = kms.get_key_rotation_status(KeyId=key.arn)
        enabled = need(status, "KeyRotationEnabled")
    except CALL_ERRORS as exc:
        if error_code(exc)[0] not in NO_ROTATION_CODES:
            step.errors.append(scan_error(scope, SERVICE, "GetKeyRotationStatus", exc))
        return
    key.rotation_enabled = bool(enabled)
    period = figure(status.get("RotationPeriodInDays"), bounds.DAYS)
    key.rotation_period_days = None if period is None else int(period)
    next_date = aws_time(status.get("NextRotationDate"))
    key.next_rotation = next_date[:10] if next_date else None


def _rotations(kms, key: Key, scope: Scope, step: Step) -> int | None:
    """Rotations so far, automatic and on-demand: one entry each (the default listing leaves
    out the key's first key material). The plan prices them; the count stays plain here."""
    try:
        return sum(1 for _ in pages(kms, "list_key_rotations", "Rotations", KeyId=key.arn))
    except CALL_ERRORS as exc:
        if error_code(exc)[0] not in NO_ROTATION_CODES:
            step.errors.append(scan_error(scope, SERVICE, "ListKeyRotations", exc))
        return None
