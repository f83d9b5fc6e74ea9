"""The inventory: what a scan found, as a versioned JSON artifact (schema kmsplan.inventory/1).

Every stage after the scan works offline from this file. The field names are a contract
(../shared/reference/contracts.md): add freely, rename only with a schema bump.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field, fields
from datetime import datetime
from pathlib import Path

from planner import bounds
from planner.errors import InputError
from planner.files import atomic_open
from planner.text import writable

SCHEMA = "kmsplan.inventory/1"

SERVICES = ("s3", "ebs", "rds", "dynamodb")
RESOURCE_TYPES = (
    "bucket", "volume", "snapshot", "db-instance", "db-cluster", "db-snapshot",
    "db-cluster-snapshot", "table",
)
# The encryption ladder, lowest first; "unknown" sits outside it. "kms-key-unknown": encrypted
# with KMS under a key the scan could not name (kms_key_arn null, details["kms_key_raw"]).
ENCRYPTION_STATES = ("none", "sse-s3", "aws-owned", "kms-key-unknown", "aws-managed",
                     "customer-managed", "unknown")
KEY_UNKNOWN = "kms-key-unknown"
ORGANIZATIONS = "organizations"  # accounts_from: the account list came from AWS Organizations
PARTITION = re.compile(r"^aws(-[a-z]+)*$")
# Storage and database services (planner/scan/{efs,fsx,rds_engines,redshift,...}.py).
SERVICES += ("efs", "fsx", "docdb", "neptune", "redshift", "elasticache", "memorydb",
             "opensearch", "backup")
STORE_RESOURCE_TYPES = ("efs-file-system", "fsx-file-system", "docdb-cluster",
                        "neptune-cluster", "redshift-cluster", "redshift-namespace",
                        "replication-group", "serverless-cache", "memorydb-cluster",
                        "opensearch-domain", "backup-vault")
RESOURCE_TYPES += STORE_RESOURCE_TYPES
ALGORITHMS = ("AES256", "aws:kms", "aws:kms:dsse", None)

# Messaging, secrets and logs (issue 16): one service name and one resource type each.
SERVICES += ("sqs", "sns", "kinesis", "secretsmanager", "logs", "ecr", "lambda")
RESOURCE_TYPES += ("queue", "topic", "stream", "secret", "log-group", "repository", "function")


@dataclass(slots=True)
class Resource:
    account: str
    region: str
    service: str
    resource_type: str
    resource_id: str
    arn: str
    name: str
    tags: dict[str, str] = field(default_factory=dict)
    encryption: str = "unknown"
    algorithm: str | None = None
    kms_key_arn: str | None = None
    bucket_key_enabled: bool | None = None
    size_gb: float | None = None
    object_count: int | None = None
    error: str | None = None
    # Service detail the plan uses (volume attachment, engine, cluster membership, ...).
    details: dict = field(default_factory=dict)


@dataclass(slots=True)
class Key:
    account: str
    region: str
    key_id: str
    arn: str
    manager: str  # "AWS" | "CUSTOMER"
    state: str  # KMS KeyState: Enabled, Disabled, PendingDeletion, ...
    spec: str  # KeySpec: SYMMETRIC_DEFAULT, RSA_2048, ...
    usage: str  # KeyUsage: ENCRYPT_DECRYPT, SIGN_VERIFY, GENERATE_VERIFY_MAC, ...
    origin: str
    multi_region: bool = False
    rotation_enabled: bool | None = None
    aliases: list[str] = field(default_factory=list)
    created: str | None = None
    tags: dict[str, str] = field(default_factory=dict)
    # From ListKeyRotations (automatic and on-demand rotations so far; null = not read) and
    # GetKeyRotationStatus (period and next date, null while rotation is off).
    rotations: int | None = None
    rotation_period_days: int | None = None
    next_rotation: str | None = None  # ISO date (UTC), YYYY-MM-DD
    # GetKeyLastUsage (customer managed keys): {operation, timestamp, tracking_start,
    # event_id, error}; error is the AWS error code when it could not be read. Null: not asked.
    last_usage: dict | None = None
    grants: int | None = None  # ListGrants: grants in force (null = not read)
    custom_key_store: str | None = None  # CustomKeyStoreId (CloudHSM or external key store)
    multi_region_type: str | None = None  # PRIMARY | REPLICA (multi-Region keys)
    replica_keys: list[str] = field(default_factory=list)  # a primary's replicas (ARNs)
    primary_key: str | None = None  # a replica's primary (ARN)

    @property
    def aws_managed(self) -> bool:
        """KeyManager "AWS", or an alias/aws/ alias (reserved for AWS managed keys in real
        AWS; the local emulator reports KeyManager CUSTOMER for every key)."""
        return self.manager == "AWS" or any(a.startswith("alias/aws/") for a in self.aliases)


@dataclass(slots=True)
class RegionSettings:
    account: str
    region: str
    ebs_encryption_by_default: bool | None = None
    ebs_default_key_arn: str | None = None


@dataclass(slots=True)
class ScanError:
    account: str
    region: str
    service: str
    operation: str
    code: str
    message: str


@dataclass
class Inventory:
    scanned_at: str
    tool_version: str
    accounts: list[str]
    regions: list[str]
    resources: list[Resource] = field(default_factory=list)
    keys: list[Key] = field(default_factory=list)
    settings: list[RegionSettings] = field(default_factory=list)
    errors: list[ScanError] = field(default_factory=list)
    schema: str = SCHEMA
    partition: str = "aws"  # aws, aws-cn, aws-us-gov: every ARN the plan builds uses it
    accounts_from: str | None = None  # "organizations" when --org listed the accounts
    # The services the scan read (registry names, kms and tags included); None: a file from
    # before the field, so which ones is unknown (planner/plan/idle.py then judges no key idle).
    services: list[str] | None = None

    @property
    def scanned_org(self) -> bool:
        return self.accounts_from == ORGANIZATIONS
    # What loading changed and the reports must say (not written back to the file).
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "schema": self.schema,
            "scanned_at": self.scanned_at,
            "tool_version": self.tool_version,
            "accounts": self.accounts,
            "regions": self.regions,
            "partition": self.partition,
            "accounts_from": self.accounts_from,
            "services": self.services,
            "resources": [asdict(r) for r in self.resources],
            "keys": [asdict(k) for k in self.keys],
            "settings": [asdict(s) for s in self.settings],
            "errors": [asdict(e) for e in self.errors],
        }


def save_inventory(inventory: Inventory, path: str | Path) -> None:
    with atomic_open(path, "w", encoding="utf-8") as handle:
        json.dump(inventory.to_dict(), handle, indent=1, sort_keys=False)
        handle.write("\n")


def _build(cls, raw: object, where: str):
    """A dataclass from a JSON object: required fields present, unknown fields kept out."""
    if not isinstance(raw, dict):
        raise InputError(f"{where}: must be an object")
    names = {f.name for f in fields(cls)}
    try:
        return cls(**{k: v for k, v in raw.items() if k in names})
    except TypeError:
        missing = [f.name for f in fields(cls) if f.name not in raw]
        raise InputError(f"{where}: missing field {missing[0]!r}") from None


_TEXT, _MAYBE_TEXT = "text", "text or null"
_MAYBE_BOOL, _BOOL = "true, false or null", "true or false"
_MAYBE_COUNT, _MAYBE_SIZE = "a whole number >= 0 or null", "a number >= 0 or null"
_MAP, _LIST = "an object", "a list of text"
_MAYBE_MAP = "an object or null"
_TAGS = "an object of text values"
# Field types an inventory must have; anything else is bad input, not a crash later.
FIELD_TYPES = {
    Resource: {"account": _TEXT, "region": _TEXT, "resource_id": _TEXT, "arn": _TEXT,
               "name": _TEXT, "tags": _TAGS, "kms_key_arn": _MAYBE_TEXT,
               "bucket_key_enabled": _MAYBE_BOOL, "size_gb": _MAYBE_SIZE,
               "object_count": _MAYBE_COUNT, "error": _MAYBE_TEXT, "details": _MAP},
    Key: {"account": _TEXT, "region": _TEXT, "key_id": _TEXT, "arn": _TEXT,
          "manager": _TEXT, "state": _TEXT, "spec": _TEXT, "usage": _TEXT, "origin": _TEXT,
          "multi_region": _BOOL, "rotation_enabled": _MAYBE_BOOL, "aliases": _LIST,
          "created": _MAYBE_TEXT, "tags": _TAGS, "rotations": _MAYBE_COUNT,
          "rotation_period_days": _MAYBE_COUNT, "next_rotation": _MAYBE_TEXT,
          "last_usage": _MAYBE_MAP, "grants": _MAYBE_COUNT, "custom_key_store": _MAYBE_TEXT,
          "multi_region_type": _MAYBE_TEXT, "replica_keys": _LIST,
          "primary_key": _MAYBE_TEXT},
    RegionSettings: {"account": _TEXT, "region": _TEXT,
                     "ebs_encryption_by_default": _MAYBE_BOOL,
                     "ebs_default_key_arn": _MAYBE_TEXT},
    ScanError: dict.fromkeys(("account", "region", "service", "operation", "code", "message"),
                             _TEXT),
}


def _fits(value: object, kind: str) -> bool:
    if value is None:
        return kind.endswith("or null")
    if kind in (_TEXT, _MAYBE_TEXT):
        return isinstance(value, str)
    if kind in (_BOOL, _MAYBE_BOOL):
        return isinstance(value, bool)
    if kind in (_MAP, _MAYBE_MAP):
        return isinstance(value, dict)
    if kind == _TAGS:
        return isinstance(value, dict) and all(
            isinstance(k, str) and isinstance(v, str) for k, v in value.items())
    if kind == _LIST:
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    number = isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0
    return number and (kind == _MAYBE_SIZE or isinstance(value, int))


# Figures and dates an inventory may hold, each within the shared bounds (planner.bounds).
FIELD_BOUNDS = {
    Resource: {"size_gb": bounds.SIZE_GB, "object_count": bounds.COUNT},
    Key: {"rotations": bounds.ROTATIONS, "rotation_period_days": bounds.DAYS},
    RegionSettings: {},
    ScanError: {},
}
FIELD_DATES = {Resource: (), Key: ("created", "next_rotation"), RegionSettings: (),
               ScanError: ()}


def _check_types(item, where: str):
    for name, kind in FIELD_TYPES[type(item)].items():
        if not _fits(getattr(item, name), kind):
            raise InputError(f"{where}.{name}: must be {kind}, got {getattr(item, name)!r}")
    for name, bound in FIELD_BOUNDS[type(item)].items():
        if getattr(item, name) is not None:
            bounds.check(getattr(item, name), bound, f"{where}.{name}")
    for name in FIELD_DATES[type(item)]:
        if getattr(item, name) is not None:
            bounds.moment(getattr(item, name), f"{where}.{name}")
    if isinstance(item, Resource) and item.details:
        _check_details(item.details, f"{where}.details")
    return item


def _check_details(value: object, where: str) -> None:
    """Service details are free-form, but every number in them is finite and bounded."""
    if isinstance(value, dict):
        for name, inner in value.items():
            _check_details(inner, f"{where}.{name}")
    elif isinstance(value, list):
        for i, inner in enumerate(value):
            _check_details(inner, f"{where}[{i}]")
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        bounds.check(abs(value), bounds.QUANTITY, where)


def _records(data: dict, name: str, label: str) -> list:
    value = data.get(name, [])
    if not isinstance(value, list):
        raise InputError(f"{label}: {name}: must be a list")
    return value


def _texts(data: dict, name: str, label: str) -> list[str]:
    value = data.get(name)
    if not _fits(value, _LIST):
        raise InputError(f"{label}: {name}: must be {_LIST}")
    return list(value)


LAST_USAGE_TIMES = ("timestamp", "tracking_start")


def _check_last_usage(value: dict | None, where: str) -> None:
    """GetKeyLastUsage as the scan wrote it: texts or null, and ISO dates that parse (an
    unreadable date must not pass for "never used": the plan could call the key idle)."""
    if value is None:
        return
    for name in ("operation", "event_id", "error", *LAST_USAGE_TIMES):
        if not _fits(value.get(name), _MAYBE_TEXT):
            raise InputError(f"{where}.{name}: must be {_MAYBE_TEXT}, got {value.get(name)!r}")
    for name in LAST_USAGE_TIMES:
        if value.get(name) is not None:
            try:
                datetime.fromisoformat(value[name].replace("Z", "+00:00"))
            except ValueError:
                raise InputError(f"{where}.{name}: {value[name]!r} is not an ISO date-time"
                                 ) from None


def _check_choice(value: object, allowed: tuple, where: str) -> None:
    if value not in allowed:
        raise InputError(f"{where}: {value!r} is not one of {', '.join(map(str, allowed))}")


def inventory_from_dict(data: object, label: str) -> Inventory:
    if not isinstance(data, dict):
        raise InputError(f"{label}: an inventory is a JSON object")
    if data.get("schema") != SCHEMA:
        raise InputError(
            f"{label}: schema must be {SCHEMA!r}, got {data.get('schema')!r}"
        )
    for name in ("scanned_at", "tool_version", "accounts", "regions", "resources"):
        if name not in data:
            raise InputError(f"{label}: missing field {name!r}")
    resources = []
    for i, raw in enumerate(_records(data, "resources", label)):
        where = f"{label}: resources[{i}]"
        resource = _check_types(_build(Resource, raw, where), where)
        _check_choice(resource.service, SERVICES, f"{where}.service")
        _check_choice(resource.resource_type, RESOURCE_TYPES, f"{where}.resource_type")
        _check_choice(resource.encryption, ENCRYPTION_STATES, f"{where}.encryption")
        _check_choice(resource.algorithm, ALGORITHMS, f"{where}.algorithm")
        resources.append(resource)
    keys = [_check_types(_build(Key, raw, f"{label}: keys[{i}]"), f"{label}: keys[{i}]")
            for i, raw in enumerate(_records(data, "keys", label))]
    for i, key in enumerate(keys):
        _check_last_usage(key.last_usage, f"{label}: keys[{i}].last_usage")
    settings = [
        _check_types(_build(RegionSettings, raw, f"{label}: settings[{i}]"),
                     f"{label}: settings[{i}]")
        for i, raw in enumerate(_records(data, "settings", label))
    ]
    errors = [
        _check_types(_build(ScanError, raw, f"{label}: errors[{i}]"), f"{label}: errors[{i}]")
        for i, raw in enumerate(_records(data, "errors", label))
    ]
    if not isinstance(data["tool_version"], str):
        raise InputError(f"{label}: tool_version: must be text")
    bounds.moment(data["scanned_at"], f"{label}: scanned_at")
    return Inventory(
        scanned_at=data["scanned_at"],
        tool_version=data["tool_version"],
        accounts=_texts(data, "accounts", label),
        regions=_texts(data, "regions", label),
        resources=resources,
        keys=keys,
        settings=settings,
        errors=errors,
        partition=_partition(data, label),
        accounts_from=_accounts_from(data, label),
        services=_services(data, label),
    )


def _partition(data: dict, label: str) -> str:
    value = data.get("partition", "aws")  # inventories written before the field: aws
    if not isinstance(value, str) or not PARTITION.match(value):
        raise InputError(f"{label}: partition: {value!r} is not an AWS partition name")
    return value


def _accounts_from(data: dict, label: str) -> str | None:
    value = data.get("accounts_from")
    _check_choice(value, (ORGANIZATIONS, None), f"{label}: accounts_from")
    return value


def _services(data: dict, label: str) -> list[str] | None:
    value = data.get("services")  # absent or null: unknown which services were scanned
    if value is not None and not _fits(value, _LIST):
        raise InputError(f"{label}: services: must be {_LIST}")
    return None if value is None else list(value)


def load_inventory(path: str | Path) -> Inventory:
    label = str(path)
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
        data = json.loads(text, parse_constant=_no_constant)
    except FileNotFoundError:
        raise InputError(f"{label}: no such inventory file") from None
    except OSError as exc:
        raise InputError(f"{label}: cannot read the inventory: {exc.strerror}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        line = getattr(exc, "lineno", None)
        where = f" line {line}" if line else ""
        raise InputError(f"{label}:{where} is not valid JSON") from None
    except ValueError as exc:  # NaN/Infinity, or an integer too long to convert
        raise InputError(f"{label}: not an inventory: {str(exc)[:80]}") from None
    except RecursionError:
        raise InputError(f"{label}: nested too deeply to be an inventory") from None
    replaced = [0]
    if SURROGATE_ESCAPE.search(text):  # only \\ud800-\\udfff escapes can make one
        data = _writable(data, replaced)
    inventory = inventory_from_dict(data, label)
    if replaced[0]:
        inventory.notes.append(
            f"{label}: {replaced[0]} text value(s) held characters that cannot be written "
            "as UTF-8 (lone surrogates); each was replaced with U+FFFD")
    return inventory


def _writable(value, replaced: list[int]):
    """The JSON data with every text value writable as UTF-8; `replaced` counts the changes."""
    if isinstance(value, str):
        fixed = writable(value)
        replaced[0] += fixed is not value and fixed != value
        return fixed
    if isinstance(value, list):
        return [_writable(v, replaced) for v in value]
    if isinstance(value, dict):
        return {_writable(k, replaced): _writable(v, replaced) for k, v in value.items()}
    return value


SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def _no_constant(name: str):
    """NaN and Infinity are not JSON, though Python's reader accepts them."""
    raise ValueError(f"{name} is not a JSON number")
