"""Pure rules of visit entry (no database, no clock)."""

from __future__ import annotations

import datetime as dt


def visit_problem(
    *, on: dt.date, today: dt.date, in_scope: bool, follow_up_due: dt.date | None, earliest: dt.date
) -> str | None:
    """Why a visit cannot be recorded, or None.

    ``in_scope``: the household is one of the official's pairings or lies in a unit where the
    official held a post on that day. ``earliest``: how far back an entry may go (late entry of
    paper forms is allowed, but not of last year's visits once the year is assessed)."""
    if on > today:
        return "走访日期不能晚于今天"
    if on < earliest:
        return f"走访日期不能早于 {earliest}（更早的记录请由县扶贫办导入）"
    if not in_scope:
        return "该户不是走访人的结对帮扶户，也不在其当日的责任范围内"
    if follow_up_due is not None and follow_up_due < on:
        return "跟进期限不能早于走访日期"
    return None


def earliest_entry(today: dt.date) -> dt.date:
    """Visits may be entered for this year and, until the end of January, for last year."""
    return dt.date(today.year - 1, 1, 1) if today.month == 1 else dt.date(today.year, 1, 1)


def sheet_conflicts(days: list[dt.date], checked_in: set[dt.date]) -> list[dt.date]:
    """Days of a monthly attendance sheet that already have a daily check-in (one source a day)."""
    return sorted(day for day in days if day in checked_in)


def visit_counting_note(*, status: str, exit_year: int | None, year: int) -> str:
    """What the visit form says next to a household that is no longer registered poor: whether a
    visit to it counts (docs/visits.md, "Compliance"). Every visit of a counted kind counts towards
    the visit and household quotas whatever the household's status; coverage quotas (each paired
    household owed visits) count households registered poor at some time in the period — exited in
    or after the period's year — and never removed ones. Empty for poor households."""
    from households.models import POOR_STATUSES, HouseholdStatus

    if status in POOR_STATUSES:
        return ""
    if status == HouseholdStatus.EXITED and exit_year is not None and exit_year >= year:
        return f"{exit_year}年已脱贫，走访照常计入考核"
    label = HouseholdStatus(status).label if status in HouseholdStatus.values else status
    if status == HouseholdStatus.EXITED and exit_year is not None:
        label = f"{exit_year}年已脱贫"
    return f"{label}，走访计入走访次数，不计入帮扶户覆盖考核"
