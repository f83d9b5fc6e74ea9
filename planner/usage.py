"""Usage assumptions: per-type defaults, per-resource overrides, measured KMS request counts.

Every figure comes back with where it came from: "measured: <source>, <window>", "usage file",
or "default". The report echoes each one. File format: docs/usage.md (schema kmsplan.usage/1).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from importlib import resources
from pathlib import Path

from planner import bounds
from planner.errors import InputError
from planner.inventory import STORE_RESOURCE_TYPES
from planner.yamlfile import parse_yaml, read_yaml
from pricing.costs import REQUEST_CLASSES

SCHEMA = "kmsplan.usage/1"
TYPE_FIELDS: dict[str, tuple[str, ...]] = {
    "bucket": ("monthly_get_requests", "monthly_put_requests", "object_count"),
    "volume": ("monthly_attach_events",),
    "snapshot": (),
    "db-instance": ("monthly_start_events",),
    "db-cluster": ("monthly_start_events",),
    "db-snapshot": (),
    "db-cluster-snapshot": (),
    "table": ("active_connections",),
}
TYPE_FIELDS |= {
    "queue": ("active_principals",),
    "topic": ("active_principals",),
    "stream": ("active_principals",),
    "log-group": ("active_principals",),
    "secret": ("monthly_get_secret_value_requests",),
    "repository": ("monthly_image_layer_pulls", "monthly_image_layer_pushes"),
    "function": ("monthly_cold_starts",),
}
# Storage and database services: one monthly KMS request figure per resource type.
TYPE_FIELDS.update({rtype: ("monthly_kms_requests",) for rtype in STORE_RESOURCE_TYPES})
ALL_FIELDS = frozenset(f for names in TYPE_FIELDS.values() for f in names)
PARAMETERS = {
    "bucket_key_request_reduction": "fraction",
    "table_decrypts_per_connection_month": "count",
    "snapshot_copy_retention_days": "days",
    "cutover_window_days": "days",
    "noncurrent_version_retention_days": "days",
    "ebs_snapshot_original_share": "fraction",
    "labour_rate_usd_per_hour": "money",
    "labour_hours": "hours",
    "idle_key_days": "days",
    "idle_key_watch_days": "days",
    "idle_keys_include_special": "switch",
}
PARAMETERS["data_key_requests_per_principal_month"] = "count"
_BOUNDS = {"fraction": bounds.FRACTION, "count": bounds.COUNT, "days": bounds.DAYS,
           "money": bounds.MONEY_RATE, "hours": bounds.HOURS}
_TOP = {"schema", "defaults", "parameters", "resources", "keys", "measured"}
_PROVENANCE = {"source", "window"}

DEFAULT = "default"
USAGE_FILE = "usage file"


@dataclass(frozen=True, slots=True)
class KeyMeasurement:
    requests: dict[str, int]
    source: str
    by_service: dict[str, int] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return f"measured: {self.source}"


@dataclass
class Usage:
    """Resolved usage: built-in defaults, then the usage file's defaults, then overrides."""

    type_defaults: dict[str, dict[str, tuple[int, str]]]
    parameters: dict[str, tuple[object, str]]
    overrides: dict[str, tuple[dict[str, int], str]]  # ARN or id -> (figures, provenance)
    keys: dict[str, KeyMeasurement]
    path: str | None = None
    measured: dict = field(default_factory=dict)

    def quantity(self, resource, name: str, scanned: tuple[int, str] | None = None
                 ) -> tuple[int, str] | None:
        """A resource's figure and its provenance, or None when nothing says. Precedence: a
        per-resource override, then `scanned` (what the scan measured, with its source),
        then the type default (built in, or the usage file's `defaults`)."""
        for ref in (resource.arn, resource.resource_id):
            entry = self.overrides.get(ref)
            if entry is not None and name in entry[0]:
                return entry[0][name], entry[1]
        if scanned is not None:
            return scanned
        return self.type_defaults.get(resource.resource_type, {}).get(name)

    def parameter(self, name: str):
        return self.parameters[name][0]

    def echo(self) -> list[tuple[str, str, str, str]]:
        """(scope, name, value, provenance) rows for the Assumptions sheet."""
        rows = []
        for rtype, figures in self.type_defaults.items():
            for name, (value, source) in figures.items():
                rows.append((f"default for {rtype}", name, str(value), source))
        for name, (value, source) in self.parameters.items():
            shown = value if not isinstance(value, dict) else (
                ", ".join(f"{k}={v}" for k, v in value.items()) or "none")
            rows.append(("parameter", name, str(shown), source))
        for ref, (figures, source) in self.overrides.items():
            for name, value in figures.items():
                rows.append((ref, name, str(value), source))
        for arn, measurement in self.keys.items():
            for request_class, count in measurement.requests.items():
                rows.append((arn, f"kms_requests_{request_class}", str(count), measurement.label))
        return rows


def _count(value: object, where: str, bound: bounds.Bound = bounds.COUNT) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and value < 0:
        raise InputError(f"{where}: must not be negative, got {value}")
    return bounds.whole(value, bound, where)


def _decimal(value: object, where: str, bound: bounds.Bound) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise InputError(f"{where}: must be a decimal string such as \"0.5\", got {value!r}")
    return bounds.number(value, bound, where)


def _mapping(value: object, where: str) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise InputError(f"{where}: must be a mapping")
    return value


def _parameter(name: str, value: object, where: str):
    kind = PARAMETERS.get(name)
    if kind is None:
        raise InputError(f"{where}: unknown parameter")
    if kind in ("count", "days"):
        return _count(value, where, _BOUNDS[kind])
    if kind == "switch":
        if not isinstance(value, bool):
            raise InputError(f"{where}: must be true or false, got {value!r}")
        return value
    if kind == "hours":
        return {str(k): _decimal(v, f"{where}.{k}", bounds.HOURS)
                for k, v in _mapping(value, where).items()}
    return _decimal(value, where, _BOUNDS[kind])


def _provenance(entry: dict, where: str) -> str:
    source = entry.get("source")
    if source is None:
        return USAGE_FILE
    if not isinstance(source, str) or not source.strip():
        raise InputError(f"{where}.source: must be text")
    window = entry.get("window")
    return f"measured: {source}" + (f", {window}" if window else "")


def _merge(usage: Usage, data: object, label: str, provenance: str,
           schema: bool = True) -> None:
    data = _mapping(data, label)
    unknown = set(data) - _TOP
    if unknown:
        raise InputError(f"{label}: unknown field {sorted(unknown)[0]!r}")
    if schema and data.get("schema") != SCHEMA:
        raise InputError(f"{label}: schema must be {SCHEMA!r}, got {data.get('schema')!r}")
    for rtype, figures in _mapping(data.get("defaults"), f"{label}: defaults").items():
        where = f"{label}: defaults.{rtype}"
        if rtype not in TYPE_FIELDS:
            raise InputError(f"{where}: unknown resource type")
        for name, value in _mapping(figures, where).items():
            if name not in TYPE_FIELDS[rtype]:
                raise InputError(f"{where}.{name}: unknown key for {rtype}")
            usage.type_defaults.setdefault(rtype, {})[name] = (
                _count(value, f"{where}.{name}"), provenance)
    for name, value in _mapping(data.get("parameters"), f"{label}: parameters").items():
        where = f"{label}: parameters.{name}"
        usage.parameters[name] = (_parameter(name, value, where), provenance)
    for ref, entry in _mapping(data.get("resources"), f"{label}: resources").items():
        where = f"{label}: resources.{ref}"
        entry = _mapping(entry, where)
        figures = {}
        for name, value in entry.items():
            if name in _PROVENANCE:
                continue
            if name not in ALL_FIELDS:
                raise InputError(f"{where}.{name}: unknown key")
            figures[name] = _count(value, f"{where}.{name}")
        usage.overrides[str(ref)] = (figures, _provenance(entry, where))
    for arn, entry in _mapping(data.get("keys"), f"{label}: keys").items():
        where = f"{label}: keys.{arn}"
        entry = _mapping(entry, where)
        unknown = set(entry) - {"requests", "by_service", *_PROVENANCE}
        if unknown:
            raise InputError(f"{where}.{sorted(unknown)[0]}: unknown key")
        requests = {}
        for request_class, value in _mapping(entry.get("requests"), f"{where}.requests").items():
            if request_class not in REQUEST_CLASSES:
                raise InputError(f"{where}.requests.{request_class}: unknown request class")
            requests[request_class] = _count(value, f"{where}.requests.{request_class}")
        by_service = {str(k): _count(v, f"{where}.by_service.{k}")
                      for k, v in _mapping(entry.get("by_service"), f"{where}.by_service").items()}
        source = _provenance(entry, where).removeprefix("measured: ")
        usage.keys[str(arn)] = KeyMeasurement(requests, source, by_service)
    usage.measured = _mapping(data.get("measured"), f"{label}: measured") or usage.measured


def load_usage(path: str | Path | None = None) -> Usage:
    """The built-in defaults, with a usage file's figures on top when `path` is given."""
    usage = Usage({}, {}, {}, {}, path=str(path) if path else None)
    builtin = (resources.files("planner") / "data" / "usage-defaults.yaml").read_text("utf-8")
    _merge(usage, parse_yaml(builtin, "usage-defaults.yaml"), "usage-defaults.yaml", DEFAULT)
    if path is not None:
        _merge(usage, read_yaml(path, "usage file"), str(path), USAGE_FILE)
    return usage


def with_overrides(usage: Usage, data: object, label: str, provenance: str) -> Usage:
    """A copy of `usage` with usage-file sections from `data` on top (what-if scenarios)."""
    copy = Usage(
        {rtype: dict(figures) for rtype, figures in usage.type_defaults.items()},
        dict(usage.parameters), dict(usage.overrides), dict(usage.keys), usage.path,
        dict(usage.measured),
    )
    _merge(copy, data, label, provenance, schema=False)
    return copy


def scaled(usage: Usage, multipliers: dict[str, Decimal], provenance: str) -> Usage:
    """A copy with the named figures multiplied (defaults and per-resource overrides)."""

    def scale(name: str, value: int) -> int:
        return int((value * multipliers[name]).to_integral_value())

    copy = with_overrides(usage, {}, "", provenance)
    for rtype, figures in copy.type_defaults.items():
        copy.type_defaults[rtype] = {
            name: ((scale(name, value), f"{source} x {multipliers[name]} ({provenance})")
                   if name in multipliers else (value, source))
            for name, (value, source) in figures.items()}
    for ref, (figures, source) in copy.overrides.items():
        copy.overrides[ref] = ({name: scale(name, value) if name in multipliers else value
                                for name, value in figures.items()}, source)
    return copy
