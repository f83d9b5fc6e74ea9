"""One CloudTrail record -> (key ARN, request class, calling service): the hot loop."""

from __future__ import annotations

from planner.measure.classify import OTHER_SERVICE, calling_service, request_class
from planner.measure.counts import Measurement
from planner.measure.keyspecs import KeyDirectory

try:  # orjson parses CloudTrail files several times faster than the standard library
    from orjson import loads
except ImportError:  # pragma: no cover - the standard library is the fallback
    from json import loads

__all__ = ["count_records", "loads"]

KMS_SOURCE = "kms.amazonaws.com"
KEY_TYPE = "AWS::KMS::Key"


def key_arn(record: dict, params: dict, keys: KeyDirectory) -> str | None:
    """The key a request used: resources[] first, then requestParameters.keyId."""
    resources = record.get("resources")
    if isinstance(resources, list):
        for resource in resources:
            if isinstance(resource, dict) and resource.get("type") == KEY_TYPE:
                arn = resource.get("ARN")
                if isinstance(arn, str) and arn:
                    return arn
    account = record.get("recipientAccountId")
    return keys.resolve(params.get("keyId"), account, record.get("awsRegion"))


def count_records(records: list, result: Measurement, keys: KeyDirectory, cache: dict) -> None:
    """Add the KMS requests among `records` to `result`.

    `cache` remembers the service each (invokedBy, sourceIPAddress, userAgent) names, so the
    string search runs once per distinct caller, not once per event.
    """
    first = last = None
    counts = result.requests
    for record in records:
        if not isinstance(record, dict) or record.get("eventSource") != KMS_SOURCE:
            continue
        result.events += 1
        when = record.get("eventTime")
        if isinstance(when, str):
            if first is None or when < first:
                first = when
            if last is None or when > last:
                last = when
        if record.get("eventType") == "AwsServiceEvent":
            result.not_billed += 1  # KMS acting on its own (rotation, deletion): no request
            continue
        params = record.get("requestParameters")
        if not isinstance(params, dict):
            params = {}
        arn = key_arn(record, params, keys)
        if arn is None:
            result.unattributed += 1
            continue
        request = request_class(
            record.get("eventName") or "",
            keys.spec(arn),
            params.get("keyPairSpec"),
            params.get("encryptionAlgorithm") or params.get("signingAlgorithm"),
        )
        counts[(arn, request, _service(record, params, cache))] += 1
    if first is not None:
        result.saw_time(first, last)


def _service(record: dict, params: dict, cache: dict) -> str:
    identity = record.get("userIdentity")
    invoked = identity.get("invokedBy") if isinstance(identity, dict) else None
    caller = (invoked, record.get("sourceIPAddress"), record.get("userAgent"))
    service = cache.get(caller)
    if service is None:
        if len(cache) > 10_000:  # user agents vary; keep the memo bounded
            cache.clear()
        service = cache[caller] = calling_service(" ".join(str(part) for part in caller))
    if service == OTHER_SERVICE:
        return calling_service("", params.get("encryptionContext"))
    return service
