"""Numbers of the registry's procedures (DOMAIN §8, S-7): the notice period, the exit incidence
limit, whether household exit requires safe drinking water and which notices an exit goes through
come from the policy profile governing the unit on the day (accountability/policy/profiles.py);
the national poverty line is national data, kept here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from accountability.policy.profiles import profile_for

#: National rural poverty line, yuan per person per year, at current prices (2010 constant 2300).
NATIONAL_POVERTY_LINE = {
    2014: Decimal("2800"),
    2015: Decimal("2855"),
    2016: Decimal("3000"),
    2017: Decimal("3335"),
    2018: Decimal("3535"),
    2019: Decimal("3747"),
    2020: Decimal("4000"),
}


@dataclass(frozen=True)
class RegistryPolicy:
    notice_days: int = 7  # public notice period of identification and exit (公示期)
    exit_incidence_limit_percent: Decimal = Decimal("2")  # S-7: a village or county exits below 2 %
    exit_requires_drinking_water: bool = False  # S-7: not in 004 篇3's standard unless the profile says so
    exit_notices: str = "two_notices"  # 002 §12 两公示一公告, or "village_notice" (004 篇5)
    adjustment_deadline: tuple[int, int] = (3, 31)  # annual dynamic adjustment done by 31 March
    poverty_line: dict[int, Decimal] = field(default_factory=lambda: dict(NATIONAL_POVERTY_LINE))

    def line_for(self, year: int) -> Decimal:
        known = [y for y in self.poverty_line if y <= year]
        return self.poverty_line[max(known)] if known else self.poverty_line[min(self.poverty_line)]


def registry_policy_for(unit_code: str, on: dt.date | None = None, versions=None) -> RegistryPolicy:
    """The registry's numbers for a unit on a day; pass ``versions`` (profiles.versions_by_prefix())
    when asking for many units, so that the profiles are read once."""
    profile = profile_for(unit_code, on or timezone.localdate(), versions)
    if profile is None:
        return RegistryPolicy()
    return RegistryPolicy(
        notice_days=profile.notice_days,
        exit_incidence_limit_percent=profile.exit_incidence_limit_percent,
        exit_requires_drinking_water=profile.exit_requires_drinking_water,
        exit_notices=profile.exit_notices,
    )
