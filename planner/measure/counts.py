"""What a measurement counted, and its scaling from the window it covers to one month."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from types import MappingProxyType

from planner import bounds
from planner.errors import InputError
from planner.measure.classify import key_account, other_accounts_copy
from pricing.costs import REQUEST_CLASSES

# Days in the month the usage file speaks of: 365 / 12 = 30.42, rounded to one decimal as
# AWS's own monthly estimates do. Counts over W days are scaled by MONTH_DAYS / W.
MONTH_DAYS = Decimal("30.4")
# CloudTrail delivers a log file about every five minutes; the time in its name is when it
# was delivered, so a file covers the five minutes before that time.
DELIVERY_MINUTES = 5
MINUTES_PER_DAY = 1440
# CloudTrail delivers a file within minutes of its events; a record days away from its file's
# delivery time was not written by CloudTrail in that file.
MAX_SKEW = timedelta(days=2)


@dataclass
class BadFile:
    name: str
    reason: str


@dataclass
class Measurement:
    """Counts of KMS requests, raw (not yet scaled to a month).

    A cross-account call is logged in the caller's account and in the key owner's. Which copy
    counts depends on every log read (is the owner's account among them?), so both kinds are
    kept apart here and `requests` and `caller_copies` decide on demand: a part counted in
    another process merges like any other, and nothing is settled twice or forgotten.
    """

    source: str
    files: int = 0
    bytes_read: int = 0  # of the log files, as stored (gzip), bad files included
    events: int = 0  # KMS events read (every eventSource kms.amazonaws.com record)
    not_billed: int = 0  # KMS events that are not requests (AwsServiceEvent)
    unattributed: int = 0  # billed requests that name no key (ListKeys, CreateKey, ...)
    fast_files: int = 0  # files the compiled fast path counted (the rest: the reference path)
    declined_files: int = 0  # files the fast path declined, counted on the reference path
    bad_files: list[BadFile] = field(default_factory=list)
    # (key ARN, request class, calling service) -> requests logged in the key's own account
    # (or with no recipientAccountId)
    owner_copies: Counter = field(default_factory=Counter)
    # the same for requests logged in another (the calling) account
    caller_copy_counts: Counter = field(default_factory=Counter)
    # recipientAccountId of every KMS event read: whose KMS logs the measurement holds
    recipients: set[str] = field(default_factory=set)
    # The period the logs read cover (ISO 8601, UTC): every file read counts, KMS events or
    # not, so quiet days stretch the window instead of inflating the month.
    first_time: str | None = None
    last_time: str | None = None
    # The earliest time a log file's name says it covers (delivery time less five minutes).
    covered_from: str | None = None
    # Record times that are not times, fall outside the shared date range, or lie more than
    # MAX_SKEW from their file's own delivery time (a 1970 record would stretch the window to
    # 56 years and shrink every monthly figure): counted here, kept out of the window.
    bad_times: int = 0
    near: datetime | None = field(default=None, repr=False, compare=False)

    def saw_time(self, first: str, last: str) -> None:
        first, last = self._plausible(first), self._plausible(last)
        if first is not None and (self.first_time is None or first < self.first_time):
            self.first_time = first
        if last is not None and (self.last_time is None or last > self.last_time):
            self.last_time = last

    def saw_stamp(self, stamp: str) -> None:
        """A log file delivered at `stamp` (from its name): the window reaches it, and its
        start covers the delivery interval before it."""
        self.saw_time(stamp, stamp)
        start = datetime.fromisoformat(stamp) - timedelta(minutes=DELIVERY_MINUTES)
        start_text = start.strftime("%Y-%m-%dT%H:%M:%SZ")
        if self.covered_from is None or start_text < self.covered_from:
            self.covered_from = start_text

    def _plausible(self, when: object) -> str | None:
        """`when` as YYYY-MM-DDTHH:MM:SSZ, or None (and counted) when it cannot be right."""
        try:
            moment = bounds.moment(when, "eventTime")
        except InputError:
            self.bad_times += 1
            return None
        if self.near is not None and abs(moment - self.near) > MAX_SKEW:
            self.bad_times += 1
            return None
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")

    def saw_recipient(self, account: object) -> None:
        """Note the recipientAccountId of a KMS event (any event, billed or not)."""
        if isinstance(account, str) and account:
            self.recipients.add(account)

    def add_request(self, key_arn: str, request_class: str, service: str, recipient: object,
                    count: int) -> None:
        """`count` requests on `key_arn`, from events logged in account `recipient`."""
        if other_accounts_copy(key_arn, recipient):
            self.caller_copy_counts[(key_arn, request_class, service)] += count
        else:
            self.owner_copies[(key_arn, request_class, service)] += count

    def _owner_logs_read(self, key_arn: str) -> bool:
        return key_account(key_arn) in self.recipients

    @property
    def requests(self) -> Mapping[tuple[str, str, str], int]:
        """(key ARN, request class, calling service) -> requests, each call once: the
        caller's copy of a cross-account call counts unless the key owner's KMS events were
        read (then the owner's copy is counted instead). Read-only."""
        counted = Counter(self.owner_copies)
        for group, count in self.caller_copy_counts.items():
            if not self._owner_logs_read(group[0]):
                counted[group] += count
        return MappingProxyType(counted)

    @property
    def caller_copies(self) -> int:
        """Caller's copies left out because the key owner's copies are in the logs read."""
        return sum(count for (arn, _, _), count in self.caller_copy_counts.items()
                   if self._owner_logs_read(arn))

    def merge(self, other: Measurement) -> None:
        """Add the counts of `other` (a part of the same source, counted elsewhere)."""
        self.files += other.files
        self.bytes_read += other.bytes_read
        self.events += other.events
        self.not_billed += other.not_billed
        self.unattributed += other.unattributed
        self.fast_files += other.fast_files
        self.declined_files += other.declined_files
        self.bad_times += other.bad_times
        self.bad_files.extend(other.bad_files)
        self.owner_copies.update(other.owner_copies)
        self.caller_copy_counts.update(other.caller_copy_counts)
        self.recipients |= other.recipients
        if other.first_time is not None and other.last_time is not None:
            self.saw_time(other.first_time, other.last_time)
        if other.covered_from is not None and (self.covered_from is None
                                               or other.covered_from < self.covered_from):
            self.covered_from = other.covered_from

    def window_dates(self) -> tuple[date, date] | None:
        """The calendar days (UTC) the logs cover, first and last, or None if nothing was read."""
        if self.first_time is None or self.last_time is None:
            return None
        first = datetime.fromisoformat(self.first_time).date()
        last = datetime.fromisoformat(self.last_time).date()
        return first, last

    def window_days(self) -> int | None:
        """Whole days covered, both ends counted: logs for 1 to 31 October are 31 days."""
        dates = self.window_dates()
        return None if dates is None else (dates[1] - dates[0]).days + 1

    def window_minutes(self) -> int | None:
        """For a window shorter than a day, its length to the minute (from the file names'
        delivery times and the events' times); None for longer windows, counted in days."""
        if self.first_time is None or self.last_time is None:
            return None
        start = min(self.first_time, self.covered_from or self.first_time)
        length = datetime.fromisoformat(self.last_time) - datetime.fromisoformat(start)
        if length >= timedelta(days=1):
            return None
        return max(1, -(-int(length.total_seconds()) // 60))  # whole minutes, rounded up

    def scale_days(self) -> Decimal | int | None:
        """The days the counts are scaled from: minutes / 1440 under a day, else whole days."""
        minutes = self.window_minutes()
        if minutes is not None:
            return Decimal(minutes) / MINUTES_PER_DAY
        return self.window_days()

    def window(self) -> str | None:
        dates = self.window_dates()
        return None if dates is None else f"{dates[0].isoformat()}/{dates[1].isoformat()}"

    def monthly_keys(self) -> dict[str, dict[str, dict[str, int]]]:
        """key ARN -> {"requests": class -> monthly count, "by_service": service -> count}."""
        days = self.scale_days()
        if days is None:
            return {}
        by_class: dict[str, Counter] = {}
        by_service: dict[str, Counter] = {}
        for (key, request_class, service), count in self.requests.items():
            by_class.setdefault(key, Counter())[request_class] += count
            by_service.setdefault(key, Counter())[service] += count
        return {
            key: {
                "requests": {name: monthly(by_class[key][name], days) for name in REQUEST_CLASSES},
                "by_service": {
                    service: monthly(count, days)
                    for service, count in sorted(by_service[key].items())
                },
            }
            for key in sorted(by_class)
        }


def monthly(count: int, days: int | Decimal) -> int:
    """`count` seen over `days` days, scaled to MONTH_DAYS and rounded half up."""
    if days <= 0:
        raise ValueError(f"a window of {days} days cannot be scaled to a month")
    scaled = Decimal(count) * MONTH_DAYS / Decimal(days)
    return int(scaled.quantize(Decimal(1), rounding=ROUND_HALF_UP))
