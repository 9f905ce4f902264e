"""Pure rules of the registry (no database)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal


def missing_four_haves(
    *, status: str, has_handbook: bool, has_contact: bool, has_measures: bool, has_exit_certificate: bool
) -> list[str]:
    """H-4 (seed 000 Art. 26): what of the "four haves" a registered household lacks."""
    missing = []
    if not has_handbook:
        missing.append("扶贫手册")
    if not has_contact:
        missing.append("帮扶联系人")
    if not has_measures:
        missing.append("帮扶措施")
    if status == "exited" and not has_exit_certificate:
        missing.append("脱贫光荣证")
    return missing


def incidence_percent(poor_persons: int, population: int | None) -> Decimal | None:
    """S-6: poverty incidence = registered poor persons not exited / rural registered population, in %
    (two decimals, for display only: the exit standard compares exactly, ``below_limit``). None when
    the population is not known."""
    if not population:
        return None
    return (Decimal(100) * poor_persons / population).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def below_limit(poor_persons: int, population: int | None, limit_percent: Decimal) -> bool | None:
    """S-7 「低于2%」: incidence below the limit, compared exactly from the counts (1.999… % is below
    2 %, although it shows as 2.00 %). None when the population is not known."""
    if not population:
        return None
    return Decimal(poor_persons) * 100 < Decimal(limit_percent) * population


@dataclass(frozen=True)
class VillageExitVerdict:
    state: str  # exited / late / due / planned
    label: str
    meets_standard: bool | None  # S-7: both conditions below (None: population unknown)
    below_limit: bool | None = None  # incidence below the limit
    remediated: bool = False  # 重度贫困村小组村庄整治建设全部完成 by the end of the year


def poor_village_verdict(
    *,
    planned_exit_year: int | None,
    exit_year: int | None,
    poor_persons: int,
    population: int | None,
    limit_percent: Decimal,
    year: int,
    remediated: bool,
) -> VillageExitVerdict:
    """Where a poor village stands in ``year``: exited, late (planned year passed, not exited — E-8/E-9),
    due this year, or planned for later; and whether it meets the exit standard (S-7, 004 篇3):
    incidence below the limit **and** the remediation of its heavily poor village groups complete."""
    below = below_limit(poor_persons, population, limit_percent)
    meets = None if below is None else (below and remediated)
    facts = {"below_limit": below, "remediated": remediated}
    if exit_year is not None and exit_year <= year:
        late = planned_exit_year is not None and exit_year > planned_exit_year
        return VillageExitVerdict("exited", "已出列（逾期）" if late else "已出列", meets, **facts)
    if planned_exit_year is not None and planned_exit_year < year:
        return VillageExitVerdict("late", f"未按期出列（计划 {planned_exit_year} 年）", meets, **facts)
    if planned_exit_year == year:
        return VillageExitVerdict("due", "本年度计划出列", meets, **facts)
    return VillageExitVerdict("planned", "未出列", meets, **facts)
