"""KMS: every key (DescribeKey, rotation status and history, last use, grants) and every
alias, per account and region."""

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
                     "ListKeyRotations", "GetKeyLastUsage", "ListGrants")}
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
        custom_key_store=meta.get("CustomKeyStoreId"),
    )
    _multi_region(key, meta.get("MultiRegionConfiguration") or {})
    # Tags come from planner/scan/tags.py (one GetResources listing for all keys).
    if _rotatable(key):
        _rotation_status(kms, key, scope, step)
        if key.manager == "CUSTOMER":  # rotations are billed on customer managed keys only
            key.rotations = _rotations(kms, key, scope, step)
    if key.manager == "CUSTOMER":  # what tells an idle key from one in use (plan/savings.py)
        key.last_usage = _last_usage(kms, key, scope, step)
        key.grants = _grants(kms, key, scope, step)
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


def _multi_region(key: Key, config: dict) -> None:
    """A multi-Region key's role; a primary also names its replicas (a primary with live
    replicas is never idle: the replicas share its key material)."""
    key.multi_region_type = config.get("MultiRegionKeyType")
    if key.multi_region_type == "PRIMARY":
        key.replica_keys = [r["Arn"] for r in config.get("ReplicaKeys", []) if r.get("Arn")]
    primary = config.get("PrimaryKey") or {}
    if key.multi_region_type == "REPLICA" and primary.get("Arn"):
        key.primary_key = primary["Arn"]


def _last_usage(kms, key: Key, scope: Scope, step: Step) -> dict:
    """GetKeyLastUsage: the last successful cryptographic operation since KMS began tracking
    (an empty KeyLastUsage means none since TrackingStartDate). Unread: the error code, and
    the plan calls the key's last use unknown."""
    try:
        answer = kms.get_key_last_usage(KeyId=key.arn)
    except CALL_ERRORS as exc:
        error = scan_error(scope, SERVICE, "GetKeyLastUsage", exc)
        step.errors.append(error)
        return {"operation": None, "timestamp": None, "tracking_start": None,
                "error": error.code}
    used = answer.get("KeyLastUsage") or {}
    return {"operation": used.get("Operation"), "timestamp": aws_time(used.get("Timestamp")),
            "tracking_start": aws_time(answer.get("TrackingStartDate")),
            "event_id": used.get("CloudTrailEventId"), "error": None}


def _grants(kms, key: Key, scope: Scope, step: Step) -> int | None:
    """Grants on the key (ListGrants returns only grants in force: a retired or revoked grant
    is gone). A grant lets a service use the key without any resource naming it."""
    try:
        return sum(1 for _ in pages(kms, "list_grants", "Grants", KeyId=key.arn))
    except CALL_ERRORS as exc:
        step.errors.append(scan_error(scope, SERVICE, "ListGrants", exc))
        return None

