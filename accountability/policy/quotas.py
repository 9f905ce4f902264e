"""Pure rules of visit / trip / stationed-day quotas (DOMAIN §2): periods, pro-rata, status.

No database and no clock: the caller gives the dates and the counts.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from enum import StrEnum


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date  # inclusive

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def __str__(self) -> str:
        return f"{self.start:%Y-%m-%d}–{self.end:%Y-%m-%d}"

    @property
    def key(self) -> str:
        """A stable text key of the period, e.g. ``2020-12..2021-01`` (for alerts and exports)."""
        first, last = f"{self.start:%Y-%m}", f"{self.end:%Y-%m}"
        return first if first == last else f"{first}..{last}"


def add_months(year: int, month: int, months: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + months
    return index // 12, index % 12 + 1


def period_containing(day: dt.date, months: int, anchor_month: int = 1) -> Period:
    """The period of ``months`` months that contains ``day``; periods start at ``anchor_month``
    and every ``months`` months after it (a two-month period anchored at 12 runs December–January)."""
    if months not in (1, 2, 3, 4, 6, 12):
        raise ValueError(f"a period of {months} months does not divide the year")
    offset = (day.month - anchor_month) % months
    start_year, start_month = add_months(day.year, day.month, -offset)
    end_year, end_month = add_months(start_year, start_month, months)
    start = dt.date(start_year, start_month, 1)
    return Period(start, dt.date(end_year, end_month, 1) - dt.timedelta(days=1))


def previous_period(period: Period, months: int, anchor_month: int = 1) -> Period:
    return period_containing(period.start - dt.timedelta(days=1), months, anchor_month)


def held_window(period: Period, valid_from: dt.date, valid_to: dt.date | None) -> Period | None:
    """The part of the period during which a post was held, or None."""
    start = max(period.start, valid_from)
    end = min(period.end, valid_to or period.end)
    return Period(start, end) if start <= end else None


def pro_rata_required(required: int, held: Period, period: Period) -> int:
    """An official who held the post for part of the period owes the share of the days held,
    rounded up (a count quota of 60 a month held for 15 of 30 days → 30)."""
    if held.days >= period.days:
        return required
    return math.ceil(required * held.days / period.days)


class QuotaStatus(StrEnum):
    MET = "met"
    ON_TRACK = "on_track"
    BEHIND = "behind"
    MISSED = "missed"


STATUS_LABELS = {
    QuotaStatus.MET: "已完成",
    QuotaStatus.ON_TRACK: "进度正常",
    QuotaStatus.BEHIND: "进度落后",
    QuotaStatus.MISSED: "未完成",
}


def quota_status(*, required: int, done: int, window: Period, today: dt.date) -> QuotaStatus:
    """Met once done reaches required; after the window, missed otherwise; during it, on track when
    done keeps pace with the share of the window elapsed (today included, rounded down), behind
    when not."""
    if done >= required:
        return QuotaStatus.MET
    if today > window.end:
        return QuotaStatus.MISSED
    elapsed = max(0, min((today - window.start).days + 1, window.days))
    expected = math.floor(required * elapsed / window.days)
    return QuotaStatus.ON_TRACK if done >= expected else QuotaStatus.BEHIND


def should_warn(*, status: QuotaStatus, window: Period, today: dt.date, warn_days: int) -> bool:
    """Remind an official who has not yet met a quota during the last ``warn_days`` days of the
    period (whether behind pace or not: a single visit owed is never "behind" until the last day)."""
    return status in (QuotaStatus.BEHIND, QuotaStatus.ON_TRACK) and 0 <= (window.end - today).days < warn_days
