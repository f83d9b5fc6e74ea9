"""What every service scanner shares: the unit of work, its result, and error capture.

A scanner is a set of tasks. A task runs in the worker pool with the clients of one
(account, region), returns what it found, the errors it met, and follow-up tasks (one per
resource where AWS has no batch call). A failed call never becomes "none": the resource it
concerns is "unknown" with the AWS error code, and the call goes to the errors list.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from botocore.exceptions import BotoCoreError, ClientError
from botocore.parsers import ResponseParserError

from planner.inventory import KEY_UNKNOWN, Resource, ScanError

# A resource whose key reference is resolved after the scan, once every key catalogue is in.
KMS_PENDING = "kms"

# Errors that mean "this call could not be answered" (an AWS error code, or no answer at all:
# connection refused, timeouts, an unparsable reply such as an HTML error page; botocore's
# ResponseParserError is not a BotoCoreError). Anything else is a bug and propagates.
CALL_ERRORS = (ClientError, BotoCoreError, ResponseParserError)


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
    """(code, message) of a failed call: the AWS error code exactly, or the botocore error type."""
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        return error.get("Code", "Unknown"), error.get("Message", "")
    return type(exc).__name__, str(exc)


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
    """AWS's [{"Key": k, "Value": v}] as {k: v}."""
    return {tag["Key"]: tag.get("Value", "") for tag in tags or []}


def pages(client, operation: str, key: str, **params):
    """Every item under `key` across all pages (always the paginator: never the first page only)."""
    for page in client.get_paginator(operation).paginate(**params):
        yield from page.get(key, [])


def gb(value) -> float | None:
    return None if value is None else float(value)


@dataclass(frozen=True)
class UnreadKey:
    """A key ListKeys named but DescribeKey could not read: resources using it are unknown."""

    arn: str
    error: ScanError
