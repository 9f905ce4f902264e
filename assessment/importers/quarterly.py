"""Import kind ``village_quarterly_scores``: the township's quarterly assessment of its villages
(seed 004, C4-01), one row per village and quarter, 0–100 points."""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from decimal import Decimal
from typing import Any

from accountability.access.scoping import unit_code_in_jurisdiction
from accountability.hierarchy.selectors import UNIT_NOT_FOUND
from accountability.importing.kinds import (
    CellError,
    Column,
    ImportKind,
    Row,
    parse_decimal,
    parse_unit_code,
    parse_year,
    register,
)
from accountability.models import AdminLevel, AdminUnit
from assessment.models import QuarterlyScore

QUARTERS = {"1": 1, "2": 2, "3": 3, "4": 4, "一": 1, "二": 2, "三": 3, "四": 4}


def parse_quarter(text: str) -> int:
    quarter = QUARTERS.get(text.removeprefix("第").removesuffix("季度").strip())
    if quarter is None:
        raise CellError(f"季度应为 1–4（或 一、二、三、四），而不是“{text[:20]}”")
    return quarter


def parse_score(text: str) -> Decimal:
    score = parse_decimal(text)
    if not 0 <= score <= 100:
        raise CellError(f"得分应在 0–100 之间，而不是 {score}")
    return score


@register
class VillageQuarterlyScoresImport(ImportKind):
    name = "village_quarterly_scores"
    label = "村级季度考核得分"
    permissions = ("assessment.add_quarterlyscore", "assessment.change_quarterlyscore")
    description = "乡镇对村的季度考核，每村每季度一行，满分 100 分；全年按 20%、20%、20%、40% 计。"
    columns = (
        Column("行政区划代码", "village", required=True, parse=parse_unit_code, help="村"),
        Column("年度", "year", required=True, parse=parse_year),
        Column("季度", "quarter", required=True, parse=parse_quarter, help="1–4；第四季度为年终考核"),
        Column("得分", "score", required=True, parse=parse_score),
    )
    compared_fields = ("score",)

    def key(self, values: dict[str, Any]) -> Hashable:
        return (values["village"], values["year"], values["quarter"])

    def check(self, rows: list[Row]) -> None:
        codes = {r.values["village"] for r in rows if r.valid}
        levels = dict(AdminUnit.objects.filter(code__in=codes).values_list("code", "level"))
        for row in rows:
            if not row.valid:
                continue
            code = row.values["village"]
            if code not in levels or not unit_code_in_jurisdiction(self.user, code):
                # unknown and foreign answer alike: an import is no oracle of other jurisdictions
                row.error("行政区划代码", f"{code}：{UNIT_NOT_FOUND}")
            elif levels[code] != AdminLevel.VILLAGE:
                row.error("行政区划代码", f"{code} 不是村（季度考核是乡镇对村的考核）")

    def _existing(self, keys: set[Hashable]) -> dict[Hashable, QuarterlyScore]:
        found = QuarterlyScore.objects.filter(
            village_id__in={k[0] for k in keys}, year__in={k[1] for k in keys}
        )
        return {k: s for s in found if (k := (s.village_id, s.year, s.quarter)) in keys}

    def existing(self, keys: Iterable[Hashable]) -> dict[Hashable, dict[str, Any]]:
        return {key: {"score": s.score} for key, s in self._existing(set(keys)).items()}

    def write(self, new: list[Row], changed: list[Row]) -> int:
        QuarterlyScore.objects.bulk_create(
            [
                QuarterlyScore(
                    village_id=r.values["village"],
                    year=r.values["year"],
                    quarter=r.values["quarter"],
                    score=r.values["score"],
                )
                for r in new
            ]
        )
        current = self._existing({self.key(r.values) for r in changed})
        for row in changed:
            current[self.key(row.values)].score = row.values["score"]
        QuarterlyScore.objects.bulk_update(current.values(), ["score"])
        return len(new) + len(changed)
