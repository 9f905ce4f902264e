"""The one definition of who is in the registry in a year (docs/registry.md, “在册”).

*Registered during year Y* (当年在册): identified in Y or before, admitted (not 识别中 / 未纳入), and
not removed (清退) before Y — a household removed during Y still counts for Y. Exited households stay
in the registry and count; a return to poverty (返贫) does not change that. This is the population
the per-mille rates of E-6/E-7 are taken of (households/metrics.py) and the base of poverty
incidence, reports and the annual adjustment.

*Poor at the end of year Y* (年末贫困): registered during Y, not removed in Y, and not exited at the
end of Y. A return supersedes the exit before it: a returned household is poor from the year of its
return, and was exited between its exit year and that year.

A removed household whose removal date is unknown (removed before the date was recorded and with no
removal step in its procedure history) is not counted in any year: we count a household only in the
years we know it was registered. A confirmed finding about it still counts, and brings it into the
denominator of the year of the finding (metrics.py).
"""

from __future__ import annotations

from django.db.models import Q

from households.models import HouseholdStatus

NEVER_ADMITTED = (HouseholdStatus.IDENTIFYING, HouseholdStatus.NOT_ADMITTED)


def registered_during_q(year: int, prefix: str = "") -> Q:
    """Households registered during ``year`` (``prefix``: the path to the household, e.g. ``household__``)."""
    f = prefix
    not_removed_before = Q(**{f"{f}removed_on__year__gte": year}) | (
        Q(**{f"{f}removed_on__isnull": True}) & ~Q(**{f"{f}status": HouseholdStatus.REMOVED})
    )
    return (
        Q(**{f"{f}identified_year__lte": year})
        & ~Q(**{f"{f}status__in": NEVER_ADMITTED})
        & not_removed_before
    )


def exited_at_year_end_q(year: int, prefix: str = "") -> Q:
    """Households whose exit holds at the end of ``year``: exited in or before ``year``, and — for a
    returned household — returned only after ``year``."""
    f = prefix
    exited = Q(**{f"{f}status": HouseholdStatus.EXITED, f"{f}exit_year__lte": year}) | Q(
        **{f"{f}status": HouseholdStatus.EXITED, f"{f}exit_year__isnull": True}
    )
    returned_later = Q(
        **{
            f"{f}status": HouseholdStatus.RETURNED,
            f"{f}exit_year__lte": year,
            f"{f}returned_on__year__gt": year,
        }
    )
    return exited | returned_later


def poor_at_year_end_q(year: int, prefix: str = "") -> Q:
    """Households registered poor and not exited at the end of ``year`` (numerator of incidence)."""
    f = prefix
    removed_in_year = Q(**{f"{f}removed_on__year__lte": year})
    return registered_during_q(year, prefix) & ~removed_in_year & ~exited_at_year_end_q(year, prefix)
