"""The seeds' numbers as presets of a policy profile (DOMAIN §2; seeds 000 and 004).

``install_preset`` writes a preset as a profile version; administrators then change the numbers
in the admin, each change kept in the history and each new version applying from its date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from django.db import transaction

from accountability.cases.situations import AccountabilityForm
from accountability.models import AdminUnit, EscalationRule, PolicyProfile, Post, Quota
from accountability.platform.history import history_context
from accountability.policy.models import IN_PERSON_KINDS, VISIT_MEASURES
from accountability.policy.sources import BELOW_PROVINCIAL, PROVINCIAL_OR_ABOVE

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
    #: the visit kinds the seed's words count: 「走访」 in person (home or group), 「入户」 home only
    visit_kinds: tuple[str, ...] = IN_PERSON_KINDS


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
class RulePreset:
    code: str
    label: str
    level: str
    conditions: tuple[tuple[str, str, str], ...]  # (metric, threshold, measure): any of them
    targets: tuple[dict, ...]  # T(post, at, forms) per person, U(unit, forms) for the unit itself
    action: str
    severity: str
    forms: tuple[str, ...]
    situation: str
    finding_sources: tuple[str, ...] = ()  # the finding sources the rule counts (empty: all)


F = AccountabilityForm
MIS, WRONG = "misidentified_households", "wrong_exit_households"
SUBJECT, EV_VILLAGE, EV_TOWNSHIP = "subject", "evidence_village", "evidence_township"


def T(post: str, at: str, *forms: str, to: str = "", enabled: bool = True) -> dict:
    """A person the seed names, with the consequence it names for that post (Art. 39)."""
    target = {"post": str(post), "at": at, "forms": [str(f) for f in forms]}
    if to:
        target["to"] = to
    if not enabled:
        target["enabled"] = False
    return target


def U(unit: str, *forms: str) -> dict:
    """A consequence for the unit itself: the subject unit, or the helping unit (organisation)."""
    return {"unit": unit, "forms": [str(f) for f in forms]}


TO_CITY = "市委、市政府"
ACCOUNTABLE, HANDLING, DISCIPLINE = (
    F.HOLD_ACCOUNTABLE,
    F.CORRESPONDING_HANDLING,
    F.PARTY_GOVERNMENT_DISCIPLINE,
)

SUZHOU_RULES = (
    RulePreset(
        "E-1",
        "村：识别不精准 ≥1 户或退出不精准 ≥2 户",
        "village",
        ((MIS, "1", "count"), (WRONG, "2", "count")),
        (
            T(P.VILLAGE_SECRETARY, SUBJECT, ACCOUNTABLE),
            T(P.VILLAGE_DIRECTOR, SUBJECT, ACCOUNTABLE),
            T(P.FIRST_SECRETARY, SUBJECT, HANDLING),
            T(P.VILLAGE_HOUSEHOLD_CADRE, SUBJECT, F.AT_DISCRETION, enabled=False),  # 视情: a profile switch
        ),
        "问责村党组织书记、村委会主任；对第一书记作相应处理；视情问责包户干部",
        "minor",
        (F.ADMONISHING_TALK, F.WRITTEN_SELF_EXAMINATION, F.CORRESPONDING_HANDLING),
        "A-6.1",
    ),
    RulePreset(
        "E-2",
        "村：识别不精准 ≥2 户或退出不精准 ≥3 户",
        "village",
        ((MIS, "2", "count"), (WRONG, "3", "count")),
        (T(P.TOWNSHIP_CADRE_FOR_VILLAGE, SUBJECT, ACCOUNTABLE),),
        "问责包村干部",
        "minor",
        (F.ADMONISHING_TALK, F.WRITTEN_SELF_EXAMINATION),
        "A-6.1",
    ),
    RulePreset(
        "E-3",
        "乡镇：未完成年度脱贫任务",
        "township",
        (("exit_task_shortfall", "1", "count"),),
        (
            T(P.TOWNSHIP_SECRETARY, SUBJECT, ACCOUNTABLE),
            T(P.TOWNSHIP_HEAD, SUBJECT, ACCOUNTABLE),
            T(P.TOWNSHIP_LEADER_IN_CHARGE, SUBJECT, ACCOUNTABLE),
            U(SUBJECT, F.ONE_VOTE_VETO),  # Art. 41: 未完成年度脱贫任务的 → 一票否决
        ),
        "问责乡镇党委书记、乡镇长、分管负责人；年度目标考核一票否决",
        "serious",
        (F.CIRCULATION, F.ADMONITION),
        "A-5.7",
    ),
    RulePreset(
        "E-4",
        "乡镇：识别不精准 ≥5 户或退出不精准 ≥10 户",
        "township",
        ((MIS, "5", "count"), (WRONG, "10", "count")),
        (
            T(P.TOWNSHIP_SECRETARY, SUBJECT, F.REMOVAL, DISCIPLINE),
            T(P.TOWNSHIP_HEAD, SUBJECT, F.REMOVAL, DISCIPLINE),
            T(P.TOWNSHIP_LEADER_IN_CHARGE, SUBJECT, F.REMOVAL, DISCIPLINE),
            T(P.COUNTY_LEADER_FOR_TOWNSHIP, SUBJECT, DISCIPLINE),
        ),
        "乡镇党委书记、乡镇长、分管负责人免职并追究党纪政纪责任；包保该乡镇的县区几套班子负责人追究党纪政纪责任",
        "severe",
        (F.REMOVAL, F.DISCIPLINARY_SANCTION),
        "A-6.1",
    ),
    RulePreset(
        "E-5",
        "县区：未完成年度脱贫任务",
        "county",
        (("exit_task_shortfall", "1", "count"),),
        (
            T(P.COUNTY_LEADER_IN_CHARGE, SUBJECT, DISCIPLINE),
            T(P.COUNTY_SECRETARY, SUBJECT, F.SELF_CRITICISM_TO_UPPER, to=TO_CITY),
            T(P.COUNTY_HEAD, SUBJECT, F.SELF_CRITICISM_TO_UPPER, to=TO_CITY),
            U(SUBJECT, F.ONE_VOTE_VETO),  # Art. 41
        ),
        "分管县领导党纪政纪处分；县委书记、县长向市委市政府写出检查；年度目标考核一票否决",
        "serious",
        (F.DISCIPLINARY_SANCTION, F.SELF_CRITICISM_TO_UPPER),
        "A-5.7",
    ),
    RulePreset(
        "E-6",
        "县区：识别、退出不精准人数 ≥3‰",
        "county",
        (("imprecise_persons", "3", "permille"),),
        (
            T(P.COUNTY_LEADER_IN_CHARGE, SUBJECT, F.REMOVAL, DISCIPLINE),
            T(P.COUNTY_SECRETARY, SUBJECT, F.SELF_CRITICISM_TO_UPPER, to=TO_CITY),
            T(P.COUNTY_HEAD, SUBJECT, F.SELF_CRITICISM_TO_UPPER, to=TO_CITY),
        ),
        "分管县领导免职并给予党纪政纪处分；县委书记、县长向市委、市政府写出检查",
        "severe",
        (F.REMOVAL, F.DISCIPLINARY_SANCTION, F.SELF_CRITICISM_TO_UPPER),
        "A-6.1",
    ),
    RulePreset(
        "E-7",
        "县区：识别、退出不精准人数 ≥10‰",
        "county",
        (("imprecise_persons", "10", "permille"),),
        (T(P.COUNTY_SECRETARY, SUBJECT, F.RESIGNATION), T(P.COUNTY_HEAD, SUBJECT, F.RESIGNATION)),
        "报请上级批准同意后，县委书记、县长引咎辞职",
        "severe",
        (F.RESIGNATION,),
        "A-6.1",
    ),
    RulePreset(
        "E-8",
        "县区：1 个贫困村未按期出列",
        "county",
        (("late_poor_villages", "1", "count"),),
        (
            T(P.COUNTY_LEADER_IN_CHARGE, SUBJECT, F.REMOVAL, DISCIPLINE),
            T(P.COUNTY_LEADER_FOR_TOWNSHIP, EV_TOWNSHIP, DISCIPLINE),
            T(P.COUNTY_SECRETARY, SUBJECT, F.SELF_CRITICISM_TO_UPPER, to=TO_CITY),
            T(P.COUNTY_HEAD, SUBJECT, F.SELF_CRITICISM_TO_UPPER, to=TO_CITY),
            T(P.TOWNSHIP_SECRETARY, EV_TOWNSHIP, HANDLING),
            T(P.TOWNSHIP_HEAD, EV_TOWNSHIP, HANDLING),
            T(P.VILLAGE_SECRETARY, EV_VILLAGE, HANDLING),
            T(P.VILLAGE_DIRECTOR, EV_VILLAGE, HANDLING),
            T(P.HELPING_UNIT_HEAD, EV_VILLAGE, HANDLING),
            T(P.FIRST_SECRETARY, EV_VILLAGE, HANDLING),
        ),
        "分管县领导免职并给予党纪政纪处分；包乡镇县领导党纪政纪处分；县委书记、县长写出检查；"
        "乡镇、村、包保单位主要负责人和第一书记相应处理",
        "severe",
        (F.REMOVAL, F.DISCIPLINARY_SANCTION, F.SELF_CRITICISM_TO_UPPER, F.CORRESPONDING_HANDLING),
        "A-5.7",
    ),
    RulePreset(
        "E-9",
        "县区：2 个及以上贫困村未按期出列",
        "county",
        (("late_poor_villages", "2", "count"),),
        (T(P.COUNTY_SECRETARY, SUBJECT, DISCIPLINE), T(P.COUNTY_HEAD, SUBJECT, DISCIPLINE)),
        "在 E-8 基础上，追究县委书记、县长党纪政纪责任",
        "severe",
        (F.DISCIPLINARY_SANCTION,),
        "A-5.7",
    ),
    RulePreset(
        "E-10",
        "包保单位：所包贫困村未按期出列",
        "helping_unit",
        (("late_poor_villages", "1", "count"),),
        (U("organisation", F.PERFORMANCE_AWARD_INELIGIBLE),),
        "取消该单位年度绩效考评评优资格",
        "serious",
        (F.PERFORMANCE_AWARD_INELIGIBLE,),
        "A-8.2",
    ),
    RulePreset(
        "E-11",
        "市县巡察、督查、审计、监测等发现识别、退出不精准（视情追究）",
        "village",
        ((MIS, "1", "count"), (WRONG, "1", "count")),
        (T(P.VILLAGE_SECRETARY, SUBJECT), T(P.VILLAGE_DIRECTOR, SUBJECT), T(P.FIRST_SECRETARY, SUBJECT)),
        "第四十条：视情追究——请有权机关按干部管理权限决定是否问责及问责方式；本预警不提出问责方式",
        "minor",
        (),
        "A-6.1",
        BELOW_PROVINCIAL,
    ),
    RulePreset(
        "Q",
        "走访、调研、驻村考核指标未完成",
        "official",
        (("quota_missed", "1", "count"),),
        (),
        "约谈、责令作出书面检查",
        "minor",
        (F.ADMONISHING_TALK, F.WRITTEN_SELF_EXAMINATION),
        "A-8.4",
    ),
)

#: Art. 39 counts the findings of 「省年度脱贫攻坚成效考核等工作」: sources at provincial level or above
#: (accountability/policy/sources.py); the others go to E-11 (Art. 40, 视情追究)
ART_39_FINDING_RULES = ("E-1", "E-2", "E-4", "E-6", "E-7")
SUZHOU_RULES = tuple(
    replace(rule, finding_sources=PROVINCIAL_OR_ABOVE) if rule.code in ART_39_FINDING_RULES else rule
    for rule in SUZHOU_RULES
)

#: Jinan measures Art. 12: severity → forms for units and for individuals
JINAN_SEVERITY_FORMS = {
    "minor": {
        "unit": [F.WRITTEN_SELF_EXAMINATION, F.DEADLINE_RECTIFICATION],
        "individual": [F.ADMONISHING_TALK, F.WRITTEN_SELF_EXAMINATION],
    },
    "serious": {
        "unit": [F.PUBLIC_APOLOGY],
        "individual": [F.CIRCULATION, F.ADMONITION, F.ORGANISATIONAL_HANDLING],
    },
    "severe": {
        "unit": [F.CIRCULATED_CRITICISM],
        "individual": [F.ORGANISATIONAL_HANDLING, F.DISCIPLINARY_SANCTION],
    },
}


@dataclass(frozen=True)
class ProfilePreset:
    code: str
    name: str
    source: str
    quotas: tuple[QuotaPreset, ...]
    rules: tuple[RulePreset, ...] = SUZHOU_RULES


PRESETS = {
    "suzhou": ProfilePreset(
        "suzhou", "宿州市实施细则", "000 宿州市脱贫攻坚责任制实施细则；001 济南问责办法", SUZHOU_QUOTAS
    ),
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
                "Q-9",
                "包保干部每年入户走访所包每户 8 次",
                (P.HELPING_CADRE,),
                "coverage",
                12,
                8,
                "paired",
                visit_kinds=("home",),  # 「入户对接次数要达到8次以上」
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
            defaults={
                "name": preset.name,
                "preset": preset.source,
                "note": note,
                "created_by": actor,
                "severity_forms": {
                    k: {s: [str(f) for f in v] for s, v in d.items()} for k, d in JINAN_SEVERITY_FORMS.items()
                },
            },
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
                    "visit_kinds": list(quota.visit_kinds) if quota.measure in VISIT_MEASURES else [],
                },
            )
        profile.quotas.exclude(code__in=[q.code for q in preset.quotas]).delete()
        for rule in preset.rules:
            EscalationRule.objects.update_or_create(
                profile=profile,
                code=rule.code,
                defaults={**rule_fields(rule), "finding_sources": [str(s) for s in rule.finding_sources]},
            )
        profile.rules.exclude(code__in=[r.code for r in preset.rules]).delete()
    return profile


def ensure_default_profile() -> PolicyProfile:
    """The default profile everywhere (installed by migration 0005; restored if it was removed)."""
    default = PolicyProfile.objects.filter(jurisdiction=None).order_by("effective_from").first()
    return default or install_preset(DEFAULT_PRESET, jurisdiction=None, effective_from=DEFAULT_EFFECTIVE_FROM)


def rule_fields(rule: RulePreset) -> dict:
    """A rule preset as model fields (also used by the data migration)."""
    return {
        "label": rule.label,
        "level": rule.level,
        "conditions": [{"metric": m, "threshold": t, "measure": u} for m, t, u in rule.conditions],
        "targets": [dict(target) for target in rule.targets],
        "action": rule.action,
        "severity": rule.severity,
        "forms": [str(f) for f in rule.forms],
        "situation": rule.situation,
    }
