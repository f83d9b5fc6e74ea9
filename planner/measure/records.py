"""CloudTrail records -> counts by (key ARN, request class, calling service): the hot loop.

Each KMS record is reduced to its raw fields (raw_fields: the 13 values that decide its key,
class and caller), equal tuples are counted, and the rules in classify.py run once per
distinct tuple (features, then _add), not once per record. The fast path in _ctscan.c yields
the same tuples straight from the file's bytes; this module is the reference it must match.
"""

from __future__ import annotations

from collections import Counter

from planner.measure.classify import (
    OTHER_SERVICE,
    SERVICE_SIGNS,
    calling_service,
    request_class,
)
from planner.measure.counts import Measurement
from planner.measure.keyspecs import KeyDirectory

try:  # orjson parses CloudTrail files several times faster than the standard library
    from orjson import loads
except ImportError:  # pragma: no cover - the standard library is the fallback
    from json import loads

__all__ = ["CONTEXT_KEYS", "add_counted", "count_records", "loads", "raw_fields"]

KMS_SOURCE = "kms.amazonaws.com"
KEY_TYPE = "AWS::KMS::Key"
KEY_ARN_MARK = ":key/"  # arn:aws:kms:REGION:ACCOUNT:key/ID, not ...:alias/NAME
SERVICE_EVENT = "AwsServiceEvent"  # KMS acting on its own (rotation, deletion): no request
# The encryption-context keys that name a calling service; raw_fields keeps which are present
# as bits of one int (bit i: CONTEXT_KEYS[i]).
CONTEXT_KEYS = tuple(key for _, keys in SERVICE_SIGNS.values() for key in keys)


class RecordShapeError(ValueError):
    """A record whose fields have types CloudTrail never writes."""


def count_records(records: list, result: Measurement, keys: KeyDirectory, hosts: dict,
                  every_time: bool = False) -> None:
    """Add the KMS events among one file's `records` to `result`, all or nothing.

    The KMS events' times join the window; with `every_time`, every record's time does (for
    a file whose name gives no time). `hosts` memoizes the service each (invokedBy,
    sourceIPAddress, userAgent) names. Raises RecordShapeError (and adds nothing) if a record
    cannot be read.
    """
    seen: Counter = Counter()
    first = last = None
    try:
        for record in records:
            source = record.get("eventSource")
            if source != KMS_SOURCE and not every_time:
                continue
            when = record.get("eventTime")
            if type(when) is str:
                if first is None or when < first:
                    first = when
                if last is None or when > last:
                    last = when
            if source == KMS_SOURCE:
                seen[raw_fields(record)] += 1
    except (AttributeError, TypeError) as exc:  # not a dict, or an unhashable field value
        raise RecordShapeError(f"a record of unexpected shape: {exc}") from None
    if first is not None:
        result.saw_time(first, last)
    add_counted(result, keys, hosts, seen.items())


def raw_fields(record: dict) -> tuple:
    """(eventType, eventName, the first AWS::KMS::Key resource's key ARN, keyId, recipientAccountId,
    awsRegion, keyPairSpec, encryptionAlgorithm, signingAlgorithm, invokedBy, sourceIPAddress,
    userAgent, context bits): what decides one KMS record's key, class and caller."""
    params = record.get("requestParameters") or {}
    arn = None
    resources = record.get("resources")
    if resources:
        for resource in resources:
            # UpdateAlias lists the alias first, also typed AWS::KMS::Key: take a key's ARN.
            candidate = resource.get("ARN")
            if resource.get("type") == KEY_TYPE and isinstance(candidate, str) \
                    and KEY_ARN_MARK in candidate:
                arn = candidate
                break
    identity = record.get("userIdentity") or {}
    context = params.get("encryptionContext")
    bits = 0
    if isinstance(context, dict):
        for bit, key in enumerate(CONTEXT_KEYS):
            if key in context:
                bits |= 1 << bit
    return (
        record.get("eventType"), record.get("eventName"), arn, params.get("keyId"),
        record.get("recipientAccountId"), record.get("awsRegion"), params.get("keyPairSpec"),
        params.get("encryptionAlgorithm"), params.get("signingAlgorithm"),
        identity.get("invokedBy"), record.get("sourceIPAddress"), record.get("userAgent"), bits,
    )


def add_counted(result: Measurement, keys: KeyDirectory, hosts: dict, counted) -> None:
    """Add (raw fields, count) pairs, from count_records or the fast path, to `result`."""
    for raw, count in counted:
        _add(result, keys, features(raw, hosts), count)


def features(raw: tuple, hosts: dict) -> tuple:
    """raw_fields -> (eventType, eventName, key ARN or None, keyId, recipient account, region,
    keyPairSpec, algorithm, service): the key reference, class and calling service."""
    (event_type, name, arn, key_id, account, region, pair_spec, encryption, signing,
     invoked_by, source_ip, user_agent, bits) = raw
    caller = (invoked_by, source_ip, user_agent)
    service = hosts.get(caller)
    if service is None:
        if len(hosts) > 10_000:  # user agents vary; keep the memo bounded
            hosts.clear()
        service = hosts[caller] = calling_service(" ".join(str(part) for part in caller))
    if service == OTHER_SERVICE:
        present = {key: None for bit, key in enumerate(CONTEXT_KEYS) if bits >> bit & 1}
        service = calling_service("", present)
    return (
        event_type, name, arn, None if arn else key_id, account, None if arn else region,
        pair_spec, encryption or signing, service,
    )


def _add(result: Measurement, keys: KeyDirectory, features: tuple, count: int) -> None:
    event_type, name, arn, key_id, account, region, pair_spec, algorithm, service = features
    result.events += count
    result.saw_recipient(account)  # whose KMS logs were read decides cross-account copies
    if event_type == SERVICE_EVENT:
        result.not_billed += count
        return
    if not isinstance(arn, str) or not arn:
        arn = keys.resolve(key_id, account, region)
    if arn is None:
        result.unattributed += count  # ListKeys, CreateKey, ... or a key we cannot name
        return
    request = request_class(_text(name), keys.spec(arn), _text(pair_spec) or None,
                            _text(algorithm) or None)
    # The owner's or the caller's copy of a cross-account call: kept apart, settled by
    # Measurement once every file is read.
    result.add_request(arn, request, service, account, count)


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""
