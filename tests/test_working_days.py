"""The working-day calendar (accountability/policy/calendar.py): official holidays and make-up
working days (调休) from chinese-calendar, unknown years answered as unknown."""

from __future__ import annotations

import datetime as dt

import pytest

from accountability.models import CalendarDay
from accountability.policy.calendar import (
    WorkingCalendar,
    add_working_days,
    deadline_state,
    ensure_calendar,
    is_working_day,
    load_calendar,
    working_days_between,
)

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _calendar(db):
    ensure_calendar()  # filled by migration 0018; refilled if a transactional test flushed the database


def test_every_year_the_package_knows_is_filled():
    assert CalendarDay.objects.filter(day__year=2004).count() == 366
    assert CalendarDay.objects.filter(day__year=2026).count() == 365
    assert not CalendarDay.objects.filter(day__year=2027).exists()


def test_national_day_2024_and_its_make_up_days():
    assert is_working_day(D(2024, 9, 29)) is True  # Sunday, worked in lieu
    assert is_working_day(D(2024, 10, 1)) is False
    assert is_working_day(D(2024, 10, 7)) is False  # Monday, holiday
    assert is_working_day(D(2024, 10, 12)) is True  # Saturday, worked in lieu
    assert is_working_day(D(2024, 10, 13)) is False
    # Friday 27 Sep: the 1st working day after is Sunday 29 Sep, the 2nd Monday 30 Sep, the 3rd 8 Oct
    assert add_working_days(D(2024, 9, 27), 1) == D(2024, 9, 29)
    assert add_working_days(D(2024, 9, 27), 2) == D(2024, 9, 30)
    assert add_working_days(D(2024, 9, 27), 3) == D(2024, 10, 8)
    # 5 working days after 30 Sep: 8, 9, 10, 11, 12 (Saturday) October
    assert add_working_days(D(2024, 9, 30), 5) == D(2024, 10, 12)
    assert working_days_between(D(2024, 9, 30), D(2024, 10, 12)) == 5
    assert working_days_between(D(2024, 9, 30), D(2024, 10, 7)) == 0


def test_spring_festival_2024_and_its_make_up_days():
    # 2024: 10–17 February off; Sunday 4 Feb and Sunday 18 Feb worked in lieu
    assert is_working_day(D(2024, 2, 4)) is True
    assert is_working_day(D(2024, 2, 9)) is True  # eve, a Friday, worked in 2024
    assert is_working_day(D(2024, 2, 17)) is False
    assert is_working_day(D(2024, 2, 18)) is True
    assert add_working_days(D(2024, 2, 8), 1) == D(2024, 2, 9)
    assert add_working_days(D(2024, 2, 9), 1) == D(2024, 2, 18)
    assert add_working_days(D(2024, 2, 9), 2) == D(2024, 2, 19)
    assert working_days_between(D(2024, 2, 9), D(2024, 2, 19)) == 2
    assert working_days_between(D(2024, 2, 19), D(2024, 2, 9)) == -2
    assert add_working_days(D(2024, 2, 19), -2) == D(2024, 2, 9)


def test_the_day_itself_is_not_counted():
    assert add_working_days(D(2024, 3, 4), 1) == D(2024, 3, 5)  # Monday → Tuesday
    assert add_working_days(D(2024, 3, 4), 0) == D(2024, 3, 4)
    assert working_days_between(D(2024, 3, 4), D(2024, 3, 4)) == 0
    assert working_days_between(D(2024, 3, 4), D(2024, 3, 5)) == 1


def test_a_year_without_data_is_unknown_not_weekdays():
    assert is_working_day(D(2027, 1, 4)) is None
    assert add_working_days(D(2026, 12, 30), 1) == D(2026, 12, 31)
    assert add_working_days(D(2026, 12, 30), 2) is None
    assert working_days_between(D(2026, 12, 1), D(2027, 1, 5)) is None


def test_an_incomplete_year_stays_unknown_and_a_complete_one_counts():
    CalendarDay.objects.create(day=D(2027, 1, 4), working=True)
    assert is_working_day(D(2027, 1, 4)) is None  # one day is not a year
    day = D(2027, 1, 1)
    rows = []
    while day.year == 2027:
        if day != D(2027, 1, 4):
            rows.append(CalendarDay(day=day, working=day.weekday() < 5 and day != D(2027, 1, 1)))
        day += dt.timedelta(days=1)
    CalendarDay.objects.bulk_create(rows)
    assert is_working_day(D(2027, 1, 4)) is True
    assert add_working_days(D(2026, 12, 31), 1) == D(2027, 1, 4)  # 1 January 2027 entered as a holiday


def test_deadline_on_the_due_day_is_on_time_and_a_day_later_is_late_by_one():
    calendar = load_calendar(2024, 2024)
    # 5 working days after 30 Sep 2024 is Saturday 12 Oct (make-up day)
    on_time = deadline_state(calendar, D(2024, 9, 30), 5, D(2024, 10, 12), today=D(2024, 12, 1))
    assert on_time.due == D(2024, 10, 12) and on_time.late_by == 0
    late = deadline_state(calendar, D(2024, 9, 30), 5, D(2024, 10, 14), today=D(2024, 12, 1))
    assert late.late_by == 1  # Sunday 13 Oct is no working day; Monday 14 Oct is the 1st after
    weekend = deadline_state(calendar, D(2024, 9, 30), 5, D(2024, 10, 13), today=D(2024, 12, 1))
    assert weekend.late_by == 1  # done after the due day: late even on a rest day
    open_ = deadline_state(calendar, D(2024, 9, 30), 5, None, today=D(2024, 10, 16))
    assert open_.late_by == 3 and open_.done is None  # 14, 15, 16 October
    not_yet = deadline_state(calendar, D(2024, 9, 30), 5, None, today=D(2024, 10, 12))
    assert not_yet.late_by == 0


def test_deadline_needing_an_unknown_year_is_unknown():
    calendar = load_calendar(2026, 2027)
    state = deadline_state(calendar, D(2026, 12, 28), 10, None, today=D(2026, 12, 29))
    assert state.unknown and state.due is None


def test_pure_calendar_without_database():
    calendar = WorkingCalendar(frozenset({D(2030, 1, 2), D(2030, 1, 3)}), frozenset({2030}))
    assert calendar.add_working_days(D(2030, 1, 1), 2) == D(2030, 1, 3)
    assert calendar.working_days_between(D(2030, 1, 1), D(2030, 1, 3)) == 2


def test_administrators_extend_the_calendar_with_an_import(client):
    """The admin's import (django-import-export) of a year's days makes that year known."""
    import tablib

    from accountability.policy.calendar_admin import CalendarDayResource
    from tests.factories import UserFactory

    rows = tablib.Dataset(headers=["day", "working", "name", "source"])
    day = D(2027, 1, 1)
    while day.year == 2027:
        rows.append(
            [day.isoformat(), "1" if day.weekday() < 5 and day != D(2027, 1, 1) else "0", "", "国办发明电"]
        )
        day += dt.timedelta(days=1)
    result = CalendarDayResource().import_data(rows, dry_run=False, raise_errors=True)
    assert result.totals["new"] == 365
    assert add_working_days(D(2026, 12, 31), 1) == D(2027, 1, 4)
    admin = UserFactory(username="calendar-admin", is_superuser=True, is_staff=True)
    client.force_login(admin)
    assert client.get("/admin/accountability/calendarday/").status_code == 200
    assert client.get("/admin/accountability/calendarday/import/").status_code == 200
    assert client.get("/admin/funds/projectcategory/export/").status_code == 200
