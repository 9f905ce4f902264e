"""The official working-day calendar (工作日), with make-up working days (调休).

One row per day of every year the calendar knows; a year is *known* only when all its days are in
the table. Deadlines in working days ("N working days after D") are computed from the table alone,
never from weekdays: a deadline that needs a year the table does not know is unknown (None).

The table is filled from the ``chinese-calendar`` package by the data migration
``0018_working_day_calendar`` (every year the package knows); administrators add the next year in
the admin (import of a spreadsheet of 365/366 days) when the State Council publishes it.

Semantics (docs/decisions/0020):
- ``add_working_days(D, N)`` is the N-th working day after D, D itself not counted;
- ``working_days_between(A, B)`` counts the working days after A up to and including B (negative
  when B < A);
- a step due on a day is on time when done that day; done later, it is late by the working days
  after the due day up to the day it was done (at least 1: a step done on the Saturday after a
  Friday deadline is late).
"""

from __future__ import annotations

import calendar as _stdlib_calendar
import datetime as dt
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from accountability.platform.history import tracked


@tracked()
class CalendarDay(models.Model):
    day = models.DateField(_("日期"), unique=True)
    working = models.BooleanField(_("工作日"))
    name = models.CharField(
        _("节假日/调休说明"), max_length=50, blank=True, help_text=_("如 国庆节、国庆节调休上班")
    )
    source = models.CharField(
        _("来源"),
        max_length=50,
        blank=True,
        default="",
        help_text=_("如 chinese-calendar 1.11.0、国务院办公厅通知"),
    )

    class Meta:
        app_label = "accountability"
        verbose_name = _("工作日历")
        verbose_name_plural = _("工作日历")
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day}（{'工作日' if self.working else '休息日'}）"


CHINESE_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


def fill_from_package(model=None) -> int:
    """Add the days of every year ``chinese-calendar`` knows that the table lacks (the data migration
    0018 and ``ensure_calendar``); days already present — corrected by an administrator — are kept."""
    import chinese_calendar

    model = model or CalendarDay
    years = sorted({day.year for day in chinese_calendar.holidays})
    source = f"chinese-calendar {getattr(chinese_calendar, '__version__', '')}".strip()
    known = set(model.objects.values_list("day", flat=True))
    rows = []
    for year in years:
        day = dt.date(year, 1, 1)
        while day.year == year:
            if day not in known:
                working = chinese_calendar.is_workday(day)
                _holiday, name = chinese_calendar.get_holiday_detail(day)
                label = CHINESE_NAMES.get(name, name) + ("调休上班" if working else "") if name else ""
                rows.append(model(day=day, working=working, name=label, source=source))
            day += dt.timedelta(days=1)
    model.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def ensure_calendar() -> int:
    """Fill the table when it is empty (a database flushed by tests or restored without it)."""
    if CalendarDay.objects.exists():
        return 0
    return fill_from_package()


def days_in_year(year: int) -> int:
    return 366 if _stdlib_calendar.isleap(year) else 365


@dataclass(frozen=True)
class WorkingCalendar:
    """Working days of the years it was loaded with; pure (no database, no clock)."""

    working: frozenset[dt.date]
    known_years: frozenset[int]

    def knows(self, *days: dt.date) -> bool:
        return all(day.year in self.known_years for day in days)

    def is_working_day(self, day: dt.date) -> bool | None:
        if day.year not in self.known_years:
            return None
        return day in self.working

    def add_working_days(self, day: dt.date, n: int) -> dt.date | None:
        step = 1 if n >= 0 else -1
        remaining, current = abs(n), day
        while remaining:
            current += dt.timedelta(days=step)
            if current.year not in self.known_years:
                return None
            if current in self.working:
                remaining -= 1
        return current

    def working_days_between(self, start: dt.date, end: dt.date) -> int | None:
        if end < start:
            inner = self.working_days_between(end, start)
            return None if inner is None else -inner
        if not self.knows(start, end) or any(
            y not in self.known_years for y in range(start.year, end.year + 1)
        ):
            return None
        return sum(1 for day in self.working if start < day <= end)


def load_calendar(first_year: int, last_year: int) -> WorkingCalendar:
    """The calendar of the years ``first_year``…``last_year`` (one query)."""
    rows = CalendarDay.objects.filter(day__year__gte=first_year, day__year__lte=last_year).values_list(
        "day", "working"
    )
    counts: dict[int, int] = {}
    working = set()
    for day, is_working in rows:
        counts[day.year] = counts.get(day.year, 0) + 1
        if is_working:
            working.add(day)
    known = frozenset(year for year, count in counts.items() if count == days_in_year(year))
    return WorkingCalendar(frozenset(working), known)


def _years_for(day: dt.date, n: int) -> tuple[int, int]:
    span = abs(n) // 200 + 1  # a year has about 250 working days
    return (day.year, day.year + span) if n >= 0 else (day.year - span, day.year)


def is_working_day(day: dt.date) -> bool | None:
    """Whether ``day`` is an official working day; None when its year is not in the calendar."""
    return load_calendar(day.year, day.year).is_working_day(day)


def add_working_days(day: dt.date, n: int) -> dt.date | None:
    """The n-th working day after ``day`` (``day`` itself not counted; n < 0: before it);
    None when the calendar has no data for a year it needs."""
    first, last = _years_for(day, n)
    return load_calendar(first, last).add_working_days(day, n)


def working_days_between(start: dt.date, end: dt.date) -> int | None:
    """Working days after ``start`` up to and including ``end`` (negative if end < start);
    None when a year in between is not in the calendar."""
    low, high = sorted((start, end))
    return load_calendar(low.year, high.year).working_days_between(start, end)


@dataclass(frozen=True)
class Deadline:
    """A step's deadline: due on ``due`` (None: unknown, the calendar lacks a year), done on ``done``."""

    due: dt.date | None
    done: dt.date | None
    late_by: int | None  # working days late (done late or still open past due); 0 when on time
    unknown: bool = False

    @property
    def late(self) -> bool:
        return bool(self.late_by)


def deadline_state(
    calendar: WorkingCalendar, start: dt.date, days: int, done: dt.date | None, today: dt.date
) -> Deadline:
    """The deadline "``days`` working days after ``start``" of a step done on ``done`` (or open)."""
    due = calendar.add_working_days(start, days)
    if due is None:
        return Deadline(None, done, None, unknown=True)
    reference = done or today
    if reference <= due:
        return Deadline(due, done, 0)
    late = calendar.working_days_between(due, reference)
    if late is None:
        return Deadline(due, done, None, unknown=True)
    return Deadline(due, done, max(late, 1))
