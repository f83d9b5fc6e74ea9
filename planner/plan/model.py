"""What a plan is made of. Everything a report shows is here; reports compute nothing new."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from planner.inventory import Inventory, Resource
from pricing import CostLine, PriceBook

ZERO = Decimal(0)
ROTATIONS_LISTED = "ListKeyRotations"
ROTATIONS_ESTIMATED = "estimated from key age"
# Price book entry of a one-time line -> the part of the one-time cost it belongs to.
ONE_TIME_PARTS = {
    "labour_rate_usd_per_hour": "labour",
    "ebs_snapshot_gb_month": "snapshot_storage",
    "rds_backup_gb_month": "snapshot_storage",
    "ebs_volume_gb_month": "cutover_duplicate_storage",
    "rds_storage_gb_month": "cutover_duplicate_storage",
    "aurora_storage_gb_month": "cutover_duplicate_storage",
    "s3_batch_job": "s3_batch_jobs",
    "s3_batch_million_objects": "s3_batch_objects",
    "s3_put_1k": "s3_copy_requests",
    "s3_dsse_gb": "s3_dsse_reencryption",
    "s3_standard_gb_month": "s3_noncurrent_versions",
    "requests_symmetric": "kms_reencryption_requests",
}


@dataclass(frozen=True)
class PlanSettings:
    target: str = "customer-managed"  # encrypted | aws-managed | customer-managed
    service_targets: tuple[tuple[str, str], ...] = ()  # per-service overrides
    key_strategy: str = "account-region"  # account-region | service | resource | tag:KEY
    rotation: bool = True  # new keys rotate yearly
    bucket_keys: bool = True  # remediated buckets get S3 bucket keys
    reencrypt_objects: bool = True  # S3 Batch Operations copy of existing objects
    billing_scope: str = "auto"  # account | organization | auto (billing.resolve_scope)
    ebs_default_key: str = "where-needed"  # or customer-managed (strategy.EBS_DEFAULT_KEYS)
    forecast_months: int = 36
    retire_idle_keys: bool = False  # count idle keys' retirement in "after" (plan/savings.py)

    def target_for(self, service: str) -> str:
        return dict(self.service_targets).get(service, self.target)


@dataclass(slots=True)
class ResourcePlan:
    resource: Resource
    target: str
    action: str
    state_after: str
    key_now: str | None  # key ARN (or None: no KMS key)
    key_after: str | None  # key ARN, or a proposed key's id (kmsplan:new:...)
    bucket_key_after: bool | None
    at_risk: bool
    requests_now: int  # symmetric KMS requests a month
    requests_after: int
    one_time: list[CostLine]  # remediation
    sources: dict[str, str]  # figure name -> "measured: ...", "usage file", "default", ...
    figures: dict[str, int]  # the usage figures behind the request estimates
    # Monthly storage the plan adds for good (an EBS snapshot's full, non-incremental copy)
    storage_after: list[CostLine] = field(default_factory=list)
    request_cost_now: Decimal = ZERO  # after this resource's share of the free tier
    request_cost_after: Decimal = ZERO
    free_now: int = 0
    free_after: int = 0
    priced_now: int = 0  # symmetric requests priced for this resource, before the free tier
    priced_after: int = 0
    bucket_key_now: bool | None = None  # an S3 bucket key in effect now (never for DSSE-KMS)

    @property
    def one_time_cost(self) -> Decimal:
        return sum((line.cost for line in self.one_time), ZERO)


@dataclass(slots=True)
class KeyPlan:
    ref: str  # key ARN, or kmsplan:new:<account>:<region>:<label> for a proposed key
    account: str
    region: str
    label: str  # first alias, or the proposed alias
    status: str  # existing | proposed
    manager: str  # CUSTOMER | AWS
    state: str
    spec: str
    rotation: bool
    rotations_now: int  # rotations so far (existing keys)
    age_days: int | None
    resources_now: int = 0
    resources_after: int = 0
    lines_now: list[CostLine] = field(default_factory=list)  # key-months and rotations
    lines_after: list[CostLine] = field(default_factory=list)
    # Where rotations_now comes from: ROTATIONS_LISTED, ROTATIONS_ESTIMATED, or "" for keys
    # with no rotations to price (AWS managed, proposed, not listed).
    rotations_source: str = ""
    next_rotation: dt.date | None = None  # the forecast's first rotation ahead (rotation on)
    rotation_period_days: int | None = None
    restored: bool = False  # disabled or pending deletion, and the plan restores it


@dataclass(slots=True)
class RequestRow:
    """KMS requests of one key and class in one phase, after its share of the free tier."""

    phase: str  # now | after
    scope: str  # billing scope: an account id, or "organization"
    key_ref: str
    account: str
    region: str
    request_class: str
    requests: int
    free: int
    line: CostLine  # billed quantity (10k requests) at the key's region's price
    source: str  # estimated (from what), or measured


@dataclass(slots=True)
class ForecastMonth:
    month: int  # 1 = the first month after the scan
    label: str  # YYYY-MM
    keys_now: Decimal
    requests_now: Decimal
    keys_after: Decimal
    requests_after: Decimal
    one_time: Decimal
    storage_after: Decimal = ZERO  # monthly storage the plan adds (full snapshot copies)
    # region -> price book entry -> quantity (key-months, rotation key-months) behind keys_*
    key_units_now: dict[str, dict[str, Decimal]] = field(default_factory=dict)
    key_units_after: dict[str, dict[str, Decimal]] = field(default_factory=dict)
    # (region, rotations so far) -> customer managed keys billed this month: the workbook
    # writes rotation key-months as keys x MIN(rotations, rotations_billed_max)
    key_counts_now: dict[tuple[str, int], int] = field(default_factory=dict)
    key_counts_after: dict[tuple[str, int], int] = field(default_factory=dict)

    @property
    def now(self) -> Decimal:
        return self.keys_now + self.requests_now

    @property
    def monthly_after(self) -> Decimal:
        return self.keys_after + self.requests_after + self.storage_after

    @property
    def after(self) -> Decimal:
        return self.monthly_after + self.one_time


@dataclass
class Plan:
    settings: PlanSettings
    inventory: Inventory
    book: PriceBook
    usage_echo: list[tuple[str, str, str, str]]
    usage_path: str | None
    resources: list[ResourcePlan]
    keys: list[KeyPlan]
    requests: list[RequestRow]
    forecast: list[ForecastMonth]
    free_tier_now: int
    free_tier_after: int
    region_actions: list[ResourcePlan] = field(default_factory=list)  # EBS default encryption
    warnings: list[str] = field(default_factory=list)  # inputs that matched nothing, ...
    savings: object = None  # planner.plan.savings.Savings: idle keys and the other levers
    labour_priced: bool = True  # false: no labour rate or hours, one-time leaves labour out
    unsized: list[ResourcePlan] = field(default_factory=list)  # one-time priced without size
    usage: object = None  # planner.usage.Usage the plan used: the workbook's live figures

    @property
    def all_actions(self) -> list[ResourcePlan]:
        return self.resources + self.region_actions

    def key_cost(self, phase: str) -> Decimal:
        attr = "lines_now" if phase == "now" else "lines_after"
        return sum((line.cost for key in self.keys for line in getattr(key, attr)), ZERO)

    def request_cost(self, phase: str) -> Decimal:
        return sum((row.line.cost for row in self.requests if row.phase == phase), ZERO)

    @property
    def monthly_now(self) -> Decimal:
        return self.key_cost("now") + self.request_cost("now")

    @property
    def storage_cost_after(self) -> Decimal:
        return sum((line.cost for p in self.all_actions for line in p.storage_after), ZERO)

    @property
    def monthly_after(self) -> Decimal:
        return self.key_cost("after") + self.request_cost("after") + self.storage_cost_after

    @property
    def one_time(self) -> Decimal:
        return sum((r.one_time_cost for r in self.all_actions), ZERO)

    @property
    def new_keys(self) -> int:
        return sum(1 for key in self.keys if key.status == "proposed")

    @property
    def at_risk(self) -> list[ResourcePlan]:
        return [r for r in self.resources if r.at_risk]

    def year_total(self, years: int) -> Decimal:
        return sum((m.after for m in self.forecast[: 12 * years]), ZERO)

    def baseline_total(self, years: int) -> Decimal:
        """Doing nothing: the forecast's "now" column (existing keys' rotations step up)."""
        return sum((m.now for m in self.forecast[: 12 * years]), ZERO)

    @property
    def steady_month(self) -> ForecastMonth | None:
        """The forecast's last month: rotation surcharges have stepped up by then."""
        return self.forecast[-1] if self.forecast else None

    @property
    def monthly_now_steady(self) -> Decimal:
        month = self.steady_month
        return month.now if month else self.monthly_now

    @property
    def monthly_after_steady(self) -> Decimal:
        month = self.steady_month
        return month.monthly_after if month else self.monthly_after

    def assumed_prices(self) -> list[tuple[str, str]]:
        """(price entry, region) of prices the plan used in a region they were not read for
        (storage and S3 prices read for us-east-1, until `prices refresh` reads the region)."""
        used = {(line.price_entry, p.resource.region) for p in self.all_actions
                for line in (*p.one_time, *p.storage_after)
                if line.price_entry in self.book.entries}
        return sorted((entry, region) for entry, region in used
                      if self.book.entry(entry, region).assumed_in(region))

    def one_time_parts(self) -> dict[str, Decimal]:
        """One-time cost by part (labour, snapshot storage, S3 batch jobs, ...): exact."""
        parts = dict.fromkeys(ONE_TIME_PARTS.values(), ZERO)
        for p in self.all_actions:
            for line in p.one_time:
                part = ONE_TIME_PARTS.get(line.price_entry, "other")
                parts[part] = parts.get(part, ZERO) + line.cost
        return parts
