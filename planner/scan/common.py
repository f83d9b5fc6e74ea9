"""What every service scanner shares: the unit of work, its result, and error capture.

A scanner is a set of tasks. A task runs in the worker pool with the clients of one
(account, region), returns what it found, the errors it met, and follow-up tasks (one per
resource where AWS has no batch call). A failed call never becomes "none": the resource it
concerns is "unknown" with the AWS error code, and the call goes to the errors list.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from botocore.exceptions import BotoCoreError, ClientError
from botocore.parsers import ResponseParserError

from planner import bounds
from planner.errors import InputError
from planner.inventory import KEY_UNKNOWN, Resource, ScanError

# A resource whose key reference is resolved after the scan, once every key catalogue is in.
KMS_PENDING = "kms"



class MalformedResponse(Exception):
    """A 200 answer without a field AWS always sends (no KeyMetadata, no Keys list): the answer
    is input like any other, so the resource it concerns is unknown with this code."""


# Errors that mean "this call could not be answered" (an AWS error code, or no answer at all:
# connection refused, timeouts, an unparsable reply such as an HTML error page; botocore's
# ResponseParserError is not a BotoCoreError; an answer missing what it must hold).
CALL_ERRORS = (ClientError, BotoCoreError, ResponseParserError, MalformedResponse)
# What reading an answer of an unexpected shape raises where no `need` guards it (a list where
# a mapping was due, an id the call was not asked about, a number botocore could not convert):
# the runner records these as MalformedResponse rather than losing the whole scan.
SHAPE_ERRORS = (LookupError, TypeError, AttributeError, ValueError)


@dataclass(frozen=True)
class Alias:
    """One KMS alias as ListAliases reports it (TargetKeyId is absent for unused AWS aliases)."""

    account: str
    region: str
    name: str
    target_key_id: str | None


@dataclass
class Step:
    """What one task produced."""

    found: list = field(default_factory=list)  # Resource | Key | RegionSettings | Alias
    errors: list[ScanError] = field(default_factory=list)
    more: list[Task] = field(default_factory=list)


@dataclass(frozen=True)
class Task:
    scope: Scope
    service: str
    operation: str  # the call the task starts with, named in errors if the task fails whole
    run: Callable[[Scope], Step]

    @property
    def label(self) -> str:
        return f"{self.scope.account} {self.scope.region} {self.service} {self.operation}"


@dataclass(frozen=True)
class Scope:
    """One account in one region: the clients a task may use and where its findings belong."""

    account: str
    region: str
    partition: str
    regions: tuple[str, ...]  # every region this scan covers (S3 keeps buckets in these only)
    clients: object  # planner.scan.sessions.Clients

    def client(self, service: str, region: str | None = None):
        return self.clients.client(service, region or self.region)

    def at(self, region: str) -> Scope:
        return Scope(self.account, region, self.partition, self.regions, self.clients)


def error_code(exc: BaseException) -> tuple[str, str]:
    """(code, message) of a failed call: the AWS error code exactly, or the botocore error type.

    An error body that is HTML or XML the parser could not read (a proxy's 502 page) is reduced
    to its HTTP status: the page itself is neither a code nor a message anyone can use."""
    if isinstance(exc, ClientError):
        error = exc.response.get("Error") or {}
        code, message = str(error.get("Code") or ""), str(error.get("Message") or "")
        # No code at all: S3 parses a well-formed HTML page as XML and finds none in it.
        if not code or code.isdigit() or _markup(code) or _markup(message):
            # No AWS error code: botocore gives the HTTP status, and the body is a web page.
            status = (exc.response.get("ResponseMetadata") or {}).get("HTTPStatusCode")
            status = status or (code if code.isdigit() else "")
            page = "an HTML or XML error page" if _markup(message) else message[:200]
            if not status:
                return "Unknown", page or "no AWS error code"
            return f"HTTP{status}", page or "no AWS error code"
        return code, message[:1000]
    if isinstance(exc, ResponseParserError):
        return "ResponseParserError", "an answer that is not the AWS format (an HTML page?)"
    if isinstance(exc, SHAPE_ERRORS) and not isinstance(exc, MalformedResponse):
        return "MalformedResponse", f"unexpected answer shape ({type(exc).__name__}: {exc})"[:1000]
    return type(exc).__name__, str(exc)[:1000]


def _markup(text: str) -> bool:
    """Text that is a page, not an AWS code or message: tags, or a code no API would use."""
    return text.lstrip().startswith("<") or "</" in text or len(text) > 2000


def scan_error(scope: Scope, service: str, operation: str, exc: BaseException) -> ScanError:
    code, message = error_code(exc)
    if isinstance(exc, ClientError) and exc.operation_name:
        operation = exc.operation_name
    return ScanError(scope.account, scope.region, service, operation, code, message)


def mark_unknown(resource: Resource, step: Step, scope: Scope, operation: str, exc) -> None:
    """The resource's encryption could not be read: unknown, with "Code: message"."""
    error = scan_error(scope, resource.service, operation, exc)
    step.errors.append(error)
    resource.encryption = "unknown"
    resource.algorithm = None
    resource.kms_key_arn = None
    resource.error = f"{error.code}: {error.message}"


def encrypted_with(resource: Resource, key_ref: str | None) -> None:
    """An encrypted resource: its key is settled after the scan. Real AWS always names the key
    of an encrypted volume, snapshot or database; when an answer does not, it is still
    encrypted with KMS, under a key the scan cannot name."""
    if key_ref:
        resource.encryption = KMS_PENDING
        resource.kms_key_arn = key_ref
    else:
        resource.encryption = KEY_UNKNOWN
        resource.kms_key_arn = None
        resource.details["kms_key_raw"] = key_ref


def tag_dict(tags: list[dict] | None) -> dict[str, str]:
    """AWS's [{"Key": k, "Value": v}] as {k: v} (an entry without a key is no tag)."""
    return {tag["Key"]: str(tag.get("Value") or "") for tag in tags or []
            if isinstance(tag, dict) and isinstance(tag.get("Key"), str)}


def need(answer: object, *path: str):
    """The field at `path` in an answer (`need(answer, "KeyMetadata", "Arn")`): every field
    is read this way or with .get, never with [...]; a missing or null one is malformed."""
    value = answer
    for name in path:
        value = value.get(name) if isinstance(value, dict) else None
        if value is None:
            raise MalformedResponse(f"the answer has no {'.'.join(path)}")
    return value


def pages(client, operation: str, key: str, **params):
    """Every item under `key` across all pages (always the paginator: never the first page only).
    A page without its list is a malformed answer, never "nothing there": the listing fails
    (and with it, say, the key catalogue of that region), so nothing vanishes silently."""
    for page in client.get_paginator(operation).paginate(**params):
        items = page.get(key)
        if not isinstance(items, list):
            raise MalformedResponse(f"a {operation} page without its {key} list")
        yield from items


def figure(value, bound: bounds.Bound) -> float | None:
    """A number from an answer, or None (not read) when absent or outside the shared bounds:
    an answer's 1e308 or NaN must not reach the inventory, where it could not be read back."""
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    if not math.isfinite(number):
        return None
    try:
        bounds.number(number, bound, "answer")
    except InputError:
        return None
    return number


def gb(value) -> float | None:
    return figure(value, bounds.SIZE_GB)


def aws_time(value) -> str | None:
    """An answer's timestamp as ISO 8601 text, or None when absent or out of the date range."""
    if not isinstance(value, datetime):
        return None
    try:
        return bounds.moment(value, "answer").isoformat()
    except InputError:
        return None


@dataclass(frozen=True)
class UnreadKey:
    """A key ListKeys named but DescribeKey could not read: resources using it are unknown."""

    arn: str
    error: ScanError
