"""The inventory: what a scan found, as a versioned JSON artifact (schema kmsplan.inventory/1).

Every stage after the scan works offline from this file. The field names are a contract
(../shared/reference/contracts.md): add freely, rename only with a schema bump.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from planner.errors import InputError
from planner.files import atomic_open

SCHEMA = "kmsplan.inventory/1"

SERVICES = ("s3", "ebs", "rds", "dynamodb")
RESOURCE_TYPES = (
    "bucket", "volume", "snapshot", "db-instance", "db-cluster", "db-snapshot",
    "db-cluster-snapshot", "table",
)
# The encryption ladder, lowest first; "unknown" sits outside it.
ENCRYPTION_STATES = ("none", "sse-s3", "aws-owned", "aws-managed", "customer-managed", "unknown")
ALGORITHMS = ("AES256", "aws:kms", "aws:kms:dsse", None)


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

    def to_dict(self) -> dict:
        return {
            "schema": self.schema,
            "scanned_at": self.scanned_at,
            "tool_version": self.tool_version,
            "accounts": self.accounts,
            "regions": self.regions,
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
    for i, raw in enumerate(data["resources"]):
        where = f"{label}: resources[{i}]"
        resource = _build(Resource, raw, where)
        _check_choice(resource.service, SERVICES, f"{where}.service")
        _check_choice(resource.resource_type, RESOURCE_TYPES, f"{where}.resource_type")
        _check_choice(resource.encryption, ENCRYPTION_STATES, f"{where}.encryption")
        _check_choice(resource.algorithm, ALGORITHMS, f"{where}.algorithm")
        resources.append(resource)
    keys = [_build(Key, raw, f"{label}: keys[{i}]") for i, raw in enumerate(data.get("keys", []))]
    settings = [
        _build(RegionSettings, raw, f"{label}: settings[{i}]")
        for i, raw in enumerate(data.get("settings", []))
    ]
    errors = [
        _build(ScanError, raw, f"{label}: errors[{i}]")
        for i, raw in enumerate(data.get("errors", []))
    ]
    return Inventory(
        scanned_at=data["scanned_at"],
        tool_version=data["tool_version"],
        accounts=list(data["accounts"]),
        regions=list(data["regions"]),
        resources=resources,
        keys=keys,
        settings=settings,
        errors=errors,
    )


def load_inventory(path: str | Path) -> Inventory:
    label = str(path)
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except FileNotFoundError:
        raise InputError(f"{label}: no such inventory file") from None
    except OSError as exc:
        raise InputError(f"{label}: cannot read the inventory: {exc.strerror}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        line = getattr(exc, "lineno", None)
        where = f" line {line}" if line else ""
        raise InputError(f"{label}:{where} is not valid JSON") from None
    return inventory_from_dict(data, label)
