"""The shipped indicator system: seed 003's five dimensions with documented default points.

The seeds name the dimensions and some indicators (003 Art. 5; 002 §十; 004 篇1; DOMAIN S-2, S-6)
but give no points, weights or scoring ranges: every number here is a **choice of this project**,
documented in docs/assessment.md §指标, and an office changes it by adding a new version of the
system in the admin (the version in force on the round's cut-off day governs the round).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from assessment.models import Dimension, Indicator, IndicatorSystem, SourceKind

D = Dimension


@dataclass(frozen=True)
class IndicatorPreset:
    code: str
    dimension: str
    label: str
    points: str
    source: str
    metric: str
    full_at: str
    zero_at: str
    missing_value: str | None = None


M, S, E = SourceKind.METRIC, SourceKind.SAMPLE, SourceKind.ENTERED

HUIZHOU_INDICATORS = (
    # 减贫成效 30
    IndicatorPreset(
        "R-1", D.REDUCTION, "贫困发生率下降（百分点）", "10", M, "poverty_incidence_decrease", "2", "0"
    ),
    IndicatorPreset(
        "R-2", D.REDUCTION, "脱贫人口完成年度任务（%）", "10", M, "persons_exited_progress", "100", "0"
    ),
    IndicatorPreset(
        "R-3", D.REDUCTION, "贫困村出列完成年度任务（%）", "5", M, "villages_exited_progress", "100", "0"
    ),
    IndicatorPreset("R-4", D.REDUCTION, "农村居民人均可支配收入增长（%）", "5", E, "", "10", "0"),
    # 精准识别 25
    IndicatorPreset(
        "I-1", D.IDENTIFICATION, "识别准确率（抽查，%）", "8", S, "identification_accuracy", "100", "90"
    ),
    IndicatorPreset("I-2", D.IDENTIFICATION, "退出准确率（抽查，%）", "6", S, "exit_accuracy", "100", "90"),
    IndicatorPreset("I-3", D.IDENTIFICATION, "漏评率（抽查，%）", "4", S, "omission_rate", "0", "5"),
    IndicatorPreset(
        "I-4", D.IDENTIFICATION, "识别、退出不精准人数（‰）", "4", M, "imprecise_persons", "0", "10", "0"
    ),
    IndicatorPreset("I-5", D.IDENTIFICATION, "群众认可度（第三方评估，%）", "3", E, "", "100", "80"),
    # 精准帮扶 15
    IndicatorPreset(
        "A-1", D.ASSISTANCE, "帮扶工作群众满意度（抽查，%）", "8", S, "satisfaction", "100", "80"
    ),
    IndicatorPreset("A-2", D.ASSISTANCE, "走访指标完成率（%）", "7", M, "visit_compliance", "100", "60"),
    # 扶贫资金 15
    IndicatorPreset("F-1", D.FUNDS, "扶贫资金支出进度（%）", "5", M, "fund_spending_progress", "100", "50"),
    IndicatorPreset("F-2", D.FUNDS, "扶贫资金报账率（%）", "4", M, "fund_reimbursement_rate", "100", "50"),
    IndicatorPreset(
        "F-3", D.FUNDS, "财政专项扶贫资金绩效评价得分", "6", M, "fund_performance_score", "90", "60"
    ),
    # 工作责任 15
    IndicatorPreset(
        "W-1", D.RESPONSIBILITY, "问题整改按期完成率（%）", "5", M, "rectification_on_time", "100", "50"
    ),
    IndicatorPreset(
        "W-2", D.RESPONSIBILITY, "未按计划出列的贫困村（个）", "3", M, "late_poor_villages", "0", "3", "0"
    ),
    IndicatorPreset("W-3", D.RESPONSIBILITY, "自查自评得分", "4", E, "", "100", "60"),
    IndicatorPreset("W-4", D.RESPONSIBILITY, "问责案件（件）", "3", M, "accountability_cases", "0", "5", "0"),
)

#: 003 Art. 7 steps with the county dates of 002 §十 (self-check by 10 Dec, verification by 15 Dec,
#: data by 20 Jan — the dated steps govern, CHECKLIST C2-78) and Art. 7's end of January for the rest
HUIZHOU_STEPS = [
    {"code": "self_evaluation", "label": "自评总结", "month": 12, "day": 10},
    {"code": "verification", "label": "抽查和核查（含满意度调查）", "month": 12, "day": 15},
    {"code": "third_party", "label": "第三方评估", "month": 1, "day": 20, "next_year": True},
    {"code": "data_summary", "label": "数据汇总", "month": 1, "day": 20, "next_year": True},
    {"code": "rating", "label": "综合评定（考核报告）", "month": 1, "day": 31, "next_year": True},
    {"code": "feedback", "label": "结果反馈", "month": 1, "day": 31, "next_year": True},
]

GRADE_BANDS = [["优秀", 90], ["良好", 80], ["合格", 60], ["不合格", 0]]
DEFAULT_EFFECTIVE_FROM = dt.date(2015, 1, 1)


#: the helping units' indicators (帮扶单位, C3-24: the city assesses its helping units, a county
#: its own; E-10: a paired village not exited on schedule). Scored over the villages the unit paired
#: in the year; points and ranges are this project's defaults, like the rest. ``source``: "metric"
#: (a count metric at village level, summed over the villages) or "sample" (the verification sample
#: of those villages' households).
HELPING_INDICATORS = [
    {
        "code": "H-1",
        "label": "包保村未按期出列数",
        "points": "40",
        "source": "metric",
        "metric": "late_poor_villages",
        "full_at": "0",
        "zero_at": "1",
        "missing_value": "0",
    },
    {
        "code": "H-2",
        "label": "包保村群众满意度（抽查，%）",
        "points": "30",
        "source": "sample",
        "metric": "satisfaction",
        "full_at": "100",
        "zero_at": "80",
    },
    {
        "code": "H-3",
        "label": "包保村识别准确率（抽查，%）",
        "points": "30",
        "source": "sample",
        "metric": "identification_accuracy",
        "full_at": "100",
        "zero_at": "90",
    },
]


@transaction.atomic
def install_indicator_system(
    *, jurisdiction=None, effective_from: dt.date = DEFAULT_EFFECTIVE_FROM
) -> IndicatorSystem:
    system = IndicatorSystem.objects.create(
        jurisdiction=jurisdiction,
        name="扶贫开发工作成效考核指标体系",
        preset="惠州市成效考核办法（003）第五、七条；县考核办法（002 第十部分）",
        effective_from=effective_from,
        grade_bands=GRADE_BANDS,
        veto_grade="不合格",
        no_source_rule="exclude",
        sample_percent=Decimal(10),
        sample_minimum=1,
        strata=["village", "status", "cadre"],
        accuracy_floor_percent=Decimal(95),
        satisfaction_floor_percent=Decimal(90),
        rectification_months=2,
        steps=HUIZHOU_STEPS,
        quarter_weights=[20, 20, 20, 40],
        village_pass_mark=Decimal(60),
        village_bottom=2,
        village_top=3,
        helping_indicators=HELPING_INDICATORS,
        note="预置：分值、计分区间为本系统的默认选择，种子文件未规定（见 docs/assessment.md）",
    )
    Indicator.objects.bulk_create(
        Indicator(
            system=system,
            code=p.code,
            dimension=p.dimension,
            label=p.label,
            points=Decimal(p.points),
            source=p.source,
            metric=p.metric,
            full_at=Decimal(p.full_at),
            zero_at=Decimal(p.zero_at),
            missing_value=None if p.missing_value is None else Decimal(p.missing_value),
            order=order,
        )
        for order, p in enumerate(HUIZHOU_INDICATORS)
    )
    return system


def ensure_default_system() -> IndicatorSystem:
    """The city-wide default version, installed on first use (a fresh install has none)."""
    existing = IndicatorSystem.objects.filter(jurisdiction=None).order_by("effective_from").first()
    return existing or install_indicator_system()
