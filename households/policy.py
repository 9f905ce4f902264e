"""Numbers of the registry's procedures, as presets of the policy profile (DOMAIN §8, S-7).

The accountability rule engine's policy profiles (issue "rule engine") will carry these per
jurisdiction with effective dates; until then every jurisdiction uses the preset below.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

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
    adjustment_deadline: tuple[int, int] = (3, 31)  # annual dynamic adjustment done by 31 March
    poverty_line: dict[int, Decimal] = field(default_factory=lambda: dict(NATIONAL_POVERTY_LINE))

    def line_for(self, year: int) -> Decimal:
        known = [y for y in self.poverty_line if y <= year]
        return self.poverty_line[max(known)] if known else self.poverty_line[min(self.poverty_line)]


def registry_policy_for(unit_code: str) -> RegistryPolicy:
    return RegistryPolicy()
