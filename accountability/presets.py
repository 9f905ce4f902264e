"""The seeds' numbers as presets of a policy profile (DOMAIN §2; seeds 000 and 004).

``install_preset`` writes a preset as a profile version; administrators then change the numbers
in the admin, each change kept in the history and each new version applying from its date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction

from accountability.history import history_context
from accountability.models import AdminUnit, PolicyProfile, Post, Quota

P = Post


@dataclass(frozen=True)
class QuotaPreset:
    code: str
    label: str
    posts: tuple[str, ...]
    measure: str
    period_months: int
    required: int
    coverage_scope: str = ""
    period_anchor_month: int = 1


CITY_TEAM = (P.CITY_SECRETARY, P.CITY_MAYOR, P.CITY_LEADER_IN_CHARGE, P.CITY_LEADER)
COUNTY_TEAM = (P.COUNTY_SECRETARY, P.COUNTY_HEAD, P.COUNTY_LEADER_IN_CHARGE, P.COUNTY_LEADER)

SUZHOU_QUOTAS = (
    QuotaPreset("Q-1", "市四大班子领导专题调研", CITY_TEAM, "trips", 12, 6),
    QuotaPreset("Q-2", "市四大班子领导走访贫困户", CITY_TEAM, "households", 12, 24),
    QuotaPreset("Q-3", "县四大班子领导专题调研", COUNTY_TEAM, "trips", 12, 10),
    QuotaPreset("Q-4", "县四大班子领导走访贫困户", COUNTY_TEAM, "households", 12, 30),
    QuotaPreset(
        "Q-5",
        "乡镇党委书记、乡镇长每月走访贫困户",
        (P.TOWNSHIP_SECRETARY, P.TOWNSHIP_HEAD),
        "households",
        1,
        60,
    ),
    QuotaPreset(
        "Q-6", "包村干部每季度走遍所包村贫困户", (P.TOWNSHIP_CADRE_FOR_VILLAGE,), "coverage", 3, 1, "unit"
    ),
    QuotaPreset(
        "Q-7",
        "村党组织书记、第一书记每两个月走遍本村贫困户",
        (P.VILLAGE_SECRETARY, P.FIRST_SECRETARY),
        "coverage",
        2,
        1,
        "unit",
    ),
    QuotaPreset("Q-8", "第一书记每月驻村", (P.FIRST_SECRETARY,), "stationed_days", 1, 22),
    QuotaPreset("Q-9", "包保干部每年走访所包每户", (P.HELPING_CADRE,), "coverage", 12, 10, "paired"),
)


@dataclass(frozen=True)
class ProfilePreset:
    code: str
    name: str
    source: str
    quotas: tuple[QuotaPreset, ...]


PRESETS = {
    "suzhou": ProfilePreset("suzhou", "宿州市实施细则", "000 宿州市脱贫攻坚责任制实施细则", SUZHOU_QUOTAS),
    "helping_monthly": ProfilePreset(
        "helping_monthly",
        "帮扶干部每月走访",
        "004 篇1：帮扶干部每月至少走访一次所帮扶户",
        tuple(
            QuotaPreset("Q-9", "包保干部每月走访所包每户", (P.HELPING_CADRE,), "coverage", 1, 1, "paired")
            if q.code == "Q-9"
            else q
            for q in SUZHOU_QUOTAS
        ),
    ),
    "helping_eight_a_year": ProfilePreset(
        "helping_eight_a_year",
        "帮扶干部每年走访 8 次",
        "004 篇2：帮扶干部每年走访所帮扶户不少于 8 次",
        tuple(
            QuotaPreset(
                "Q-9", "包保干部每年走访所包每户 8 次", (P.HELPING_CADRE,), "coverage", 12, 8, "paired"
            )
            if q.code == "Q-9"
            else q
            for q in SUZHOU_QUOTAS
        ),
    ),
}
DEFAULT_PRESET = "suzhou"
DEFAULT_EFFECTIVE_FROM = dt.date(2015, 1, 1)


@transaction.atomic
def install_preset(
    code: str, *, jurisdiction: AdminUnit | None, effective_from: dt.date, actor=None, note: str = ""
) -> PolicyProfile:
    """Write a preset as a profile version (idempotent for the same jurisdiction and date)."""
    preset = PRESETS[code]
    with history_context(actor=actor, reason=note or f"采用预置方案：{preset.name}"):
        profile, _ = PolicyProfile.objects.update_or_create(
            jurisdiction=jurisdiction,
            effective_from=effective_from,
            defaults={"name": preset.name, "preset": preset.source, "note": note, "created_by": actor},
        )
        for quota in preset.quotas:
            Quota.objects.update_or_create(
                profile=profile,
                code=quota.code,
                defaults={
                    "label": quota.label,
                    "posts": list(quota.posts),
                    "measure": quota.measure,
                    "period_months": quota.period_months,
                    "period_anchor_month": quota.period_anchor_month,
                    "required": quota.required,
                    "coverage_scope": quota.coverage_scope,
                },
            )
        profile.quotas.exclude(code__in=[q.code for q in preset.quotas]).delete()
    return profile


def ensure_default_profile() -> PolicyProfile:
    """The default profile everywhere (installed by migration 0005; restored if it was removed)."""
    default = PolicyProfile.objects.filter(jurisdiction=None).order_by("effective_from").first()
    return default or install_preset(DEFAULT_PRESET, jurisdiction=None, effective_from=DEFAULT_EFFECTIVE_FROM)
