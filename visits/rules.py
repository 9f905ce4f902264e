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
