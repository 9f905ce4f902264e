"""The seeds' numbers and vocabulary for supervision and rectification (seed 003; 000 H-7), and the
escalation rules the app contributes to every profile. A profile version may carry its own
``InspectionPolicy``; without one these presets apply."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from accountability.policy.presets import RulePreset

#: the 8 supervision focus areas (seed 003 Art. 9) and the 4 patrol problem kinds (Art. 15)
CATEGORIES: tuple[dict, ...] = (
    {"code": "responsibility", "label": "责任落实", "kind": "supervision"},
    {"code": "plans_policies", "label": "规划和重大政策", "kind": "supervision"},
    {"code": "reduction_tasks", "label": "减贫任务", "kind": "supervision"},
    {"code": "identification_exit", "label": "精准识别和退出", "kind": "supervision"},
    {"code": "pairing", "label": "结对帮扶", "kind": "supervision"},
    {"code": "sector_funds", "label": "行业扶贫和资金整合", "kind": "supervision"},
    {"code": "fund_use", "label": "资金筹措和使用", "kind": "supervision"},
    {"code": "team_building", "label": "队伍建设", "kind": "supervision"},
    {"code": "work_style", "label": "作风问题", "kind": "patrol"},
    {"code": "project_funds", "label": "项目资金问题", "kind": "patrol"},
    {"code": "identification_exit_patrol", "label": "识别退出问题", "kind": "patrol"},
    {"code": "transferred", "label": "其他移交问题", "kind": "patrol"},
)


@dataclass(frozen=True)
class Policy:
    """The numbers in force for a unit on a day (a profile's InspectionPolicy, or the preset)."""

    patrol_rectification_months: int = 2
    default_rectification_months: int = 2
    comprehensive_per_year: int = 1
    city_county_per_year: int = 1
    coverage_alert_days_before_year_end: int = 0
    petition_answer_working_days: int = 15
    evidence_max_mb: int = 10
    categories: tuple[dict, ...] = CATEGORIES

    def category_label(self, code: str) -> str:
        return next((c["label"] for c in self.categories if c["code"] == code), code)

    def category_by_label(self) -> dict[str, str]:
        return {c["label"]: c["code"] for c in self.categories}


PRESET = Policy()
#: Suzhou H-7: the city supervises each county at least twice a year
SUZHOU = Policy(city_county_per_year=2)

#: the rules the app contributes to each profile (codes I-…). Their metrics name the officials
#: responsible for each finding (who held the unit's posts on the finding's date); posts added to a
#: rule's targets in the profile (e.g. the current township secretary) are named as well.
RULES = (
    RulePreset(
        "I-1",
        "整改逾期",
        "county",
        (("findings_overdue", "1", "count"),),
        (),
        "督办整改；逾期未改的依照问责办法处理",
        "minor",
        (),
        "A-10.4",
    ),
    RulePreset(
        "I-2",
        "整改两次核验未通过",
        "county",
        (("rectification_rejected", "2", "count"),),
        (),
        "约谈督办，重新制定整改措施",
        "minor",
        (),
        "A-10.4",
    ),
    RulePreset(
        "I-3",
        "销号后问题反弹",
        "county",
        (("findings_reopened", "1", "count"),),
        (),
        "重新整改，查明虚假整改、敷衍整改",
        "serious",
        (),
        "A-10.4",
    ),
    RulePreset(
        "I-4",
        "年度综合督查未覆盖",
        "county",
        (("supervision_uncovered", "1", "count"),),
        (),
        "年底前补充开展综合督查",
        "minor",
        (),
        "A-5.2",
    ),
    RulePreset(
        "I-5",
        "年度综合督查未覆盖（帮扶单位）",
        "helping_unit",
        (("supervision_uncovered", "1", "count"),),
        (),
        "年底前补充开展综合督查",
        "minor",
        (),
        "A-5.2",
    ),
    RulePreset(
        "I-6",
        "信访举报逾期未答复",
        "county",
        (("petitions_overdue", "1", "count"),),
        (),
        "督促答复；处理不当的依照济南办法第九条问责",
        "minor",
        (),
        "A-9.3",
    ),
    RulePreset(
        "I-7",
        "信访举报答复后群众不满意",
        "county",
        (("petitions_unsatisfied", "1", "count"),),
        (),
        "复核办理情况；消极应付的依照济南办法第九条问责",
        "minor",
        (),
        "A-9.3",
    ),
)
RULES_EFFECTIVE = dt.date(2015, 1, 1)
