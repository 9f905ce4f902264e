"""Where a verification finding comes from (发现来源), with the level of the body that found it.

Seed 000 Art. 39 counts the findings of 「省年度脱贫攻坚成效考核等工作」: the provincial annual
assessment, its third-party evaluation and work of that kind at provincial level or above (the
national assessment, the inter-provincial cross-assessment, central or provincial audits and
inspections). Art. 40 leaves the findings of city or county patrols, supervision, audits and
monitoring to a decision case by case (视情追究). Each escalation rule lists the sources it counts
(``EscalationRule.finding_sources``, profile data); the vocabulary lives in the core so that the
presets can name sources without importing the registry app.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class SourceLevel(models.TextChoices):
    NATIONAL = "national", _("国家（中央）")
    PROVINCIAL = "provincial", _("省级")
    CITY = "city", _("市级")
    COUNTY = "county", _("县级")
    UNSTATED = "unstated", _("未注明级别")


class SourceKind(models.TextChoices):
    ASSESSMENT = "assessment", _("年度成效考核")
    THIRD_PARTY = "third_party", _("第三方评估")
    CROSS_ASSESSMENT = "cross_assessment", _("交叉考核")
    AUDIT = "audit", _("审计")
    INSPECTION = "inspection", _("巡视巡察、督查")
    MONITORING = "monitoring", _("监测")
    COMPARISON = "comparison", _("数据比对")
    PETITION = "petition", _("信访")


class FindingSource(models.TextChoices):
    # the first six codes and labels are the original vocabulary (imports keep working)
    PROVINCIAL_ASSESSMENT = "provincial_assessment", _("省级考核")
    THIRD_PARTY = "third_party", _("第三方评估")
    CITY_INSPECTION = "city_inspection", _("市级督查")
    DATA_COMPARISON = "data_comparison", _("数据比对")
    AUDIT = "audit", _("审计")
    PETITION = "petition", _("信访")
    NATIONAL_ASSESSMENT = "national_assessment", _("国家脱贫攻坚成效考核")
    CROSS_ASSESSMENT = "cross_assessment", _("省际交叉考核")
    NATIONAL_THIRD_PARTY = "national_third_party", _("国家第三方评估")
    CENTRAL_INSPECTION = "central_inspection", _("中央巡视、督查")
    CENTRAL_AUDIT = "central_audit", _("中央审计")
    PROVINCIAL_INSPECTION = "provincial_inspection", _("省级巡视、督查")
    PROVINCIAL_AUDIT = "provincial_audit", _("省级审计")
    CITY_AUDIT = "city_audit", _("市级审计")
    CITY_MONITORING = "city_monitoring", _("市级监测")
    COUNTY_INSPECTION = "county_inspection", _("县级巡察、督查")
    COUNTY_AUDIT = "county_audit", _("县级审计")
    COUNTY_MONITORING = "county_monitoring", _("县级监测")


@dataclass(frozen=True)
class SourceInfo:
    level: str
    kind: str


S, L, K = FindingSource, SourceLevel, SourceKind
SOURCES: dict[str, SourceInfo] = {
    S.NATIONAL_ASSESSMENT: SourceInfo(L.NATIONAL, K.ASSESSMENT),
    S.CROSS_ASSESSMENT: SourceInfo(L.NATIONAL, K.CROSS_ASSESSMENT),
    S.NATIONAL_THIRD_PARTY: SourceInfo(L.NATIONAL, K.THIRD_PARTY),
    S.CENTRAL_INSPECTION: SourceInfo(L.NATIONAL, K.INSPECTION),
    S.CENTRAL_AUDIT: SourceInfo(L.NATIONAL, K.AUDIT),
    S.PROVINCIAL_ASSESSMENT: SourceInfo(L.PROVINCIAL, K.ASSESSMENT),
    # the third-party evaluation of the provincial annual assessment (Art. 39's 「第三方评估」)
    S.THIRD_PARTY: SourceInfo(L.PROVINCIAL, K.THIRD_PARTY),
    S.PROVINCIAL_INSPECTION: SourceInfo(L.PROVINCIAL, K.INSPECTION),
    S.PROVINCIAL_AUDIT: SourceInfo(L.PROVINCIAL, K.AUDIT),
    S.CITY_INSPECTION: SourceInfo(L.CITY, K.INSPECTION),
    S.CITY_AUDIT: SourceInfo(L.CITY, K.AUDIT),
    S.CITY_MONITORING: SourceInfo(L.CITY, K.MONITORING),
    S.COUNTY_INSPECTION: SourceInfo(L.COUNTY, K.INSPECTION),
    S.COUNTY_AUDIT: SourceInfo(L.COUNTY, K.AUDIT),
    S.COUNTY_MONITORING: SourceInfo(L.COUNTY, K.MONITORING),
    # the project's own cross-checks, petitions and an audit of unstated level are not
    # 「省年度脱贫攻坚成效考核等工作」: they go to the Art. 40 rule, for a decision
    S.DATA_COMPARISON: SourceInfo(L.UNSTATED, K.COMPARISON),
    S.AUDIT: SourceInfo(L.UNSTATED, K.AUDIT),
    S.PETITION: SourceInfo(L.UNSTATED, K.PETITION),
}

#: Art. 39: 「省年度脱贫攻坚成效考核等工作」 — sources at provincial level or above
PROVINCIAL_OR_ABOVE: tuple[str, ...] = tuple(
    str(code) for code, info in SOURCES.items() if info.level in (L.NATIONAL, L.PROVINCIAL)
)
#: Art. 40: every other source (city, county, unstated level)
BELOW_PROVINCIAL: tuple[str, ...] = tuple(str(code) for code in SOURCES if code not in PROVINCIAL_OR_ABOVE)


def source_label(code: str) -> str:
    """「省级审计（省级）」: the source with its level, for pages and evidence."""
    try:
        source, info = FindingSource(code), SOURCES[code]
    except (ValueError, KeyError):
        return code
    return f"{source.label}（{SourceLevel(info.level).label}）"


LEVEL_ORDER = (SourceLevel.NATIONAL, SourceLevel.PROVINCIAL, SourceLevel.CITY, SourceLevel.COUNTY)


def lowest_level(codes) -> str:
    """The lowest level of the work behind these sources — what a finding counted under them is at
    least (the one-vote veto asks whether it was central or provincial work, Art. 41); "" when a
    source's level is unstated or there are none."""
    if not codes or any(code not in SOURCES or SOURCES[code].level == SourceLevel.UNSTATED for code in codes):
        return ""
    return str(max((SOURCES[code].level for code in codes), key=LEVEL_ORDER.index))
