"""The numbers of seed 002 (county special poverty-fund projects) as profile data.

The seed masks most numbers (***). The shipped preset (CHECKLIST §4.1, docs/funds.md) is the
``FundPolicy`` defaults below; a county changes them in its policy-profile version
(``FundSettings`` in the admin). Nothing here is read from the clock or the database except
``fund_policy_for``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from accountability.policy.profiles import profile_for, versions_by_prefix

#: Working-day deadlines of the steps (F-3), shipped preset: 5 for filing after plan approval and for
#: the information entry after each disbursement or reimbursement, 10 for the others (choice, not
#: from the seed: the seed masks every number).
DEFAULT_DEADLINES: dict[str, int] = {
    "assessment": 10,  # C2-07 立项评估意见 after the application
    "approval": 10,  # C2-11 all approvals after the province's fund plan
    "plan_submission": 10,  # C2-12 implementation plan after approval
    "plan_review": 10,  # C2-13 plan approval after submission
    "funds_release": 10,  # C2-13 funds released with the plan approval
    "filing": 5,  # C2-18 filing after plan approval
    "approval_notice": 10,  # C2-26 notice after approval
    "site_notice": 10,  # C2-27 board on site after start
    "progress_entry": 5,  # C2-33 entry after each disbursement or reimbursement
    "acceptance_request": 10,  # C2-40 request after the initial check
    "acceptance_entry": 10,  # C2-42 entry after acceptance
    "discipline_filing": 10,  # C2-50 fund document filed with discipline and audit organs
}

#: The performance-evaluation indicator table (C2-69 documented defaults): 10 scored sub-items at
#: 10 points each (precise use 30, effective use 30, supervision 40), bonus ≤ +5, deductions ≤ −20.
DEFAULT_INDICATORS: list[dict] = [
    {"code": "P1", "part": "精准使用", "label": "资金直接到户", "points": 10},
    {"code": "P2", "part": "精准使用", "label": "贫困户覆盖面", "points": 10},
    {"code": "P3", "part": "精准使用", "label": "按建设内容使用", "points": 10},
    {"code": "E1", "part": "有效使用", "label": "支出进度及结转结余", "points": 10},
    {"code": "E2", "part": "有效使用", "label": "覆盖农户收入增长", "points": 10},
    {"code": "E3", "part": "有效使用", "label": "撬动其他资金", "points": 10},
    {"code": "S1", "part": "资金监管", "label": "制度建设及执行", "points": 10},
    {"code": "S2", "part": "资金监管", "label": "监管职责落实", "points": 10},
    {"code": "S3", "part": "资金监管", "label": "问题整改", "points": 10},
    {"code": "S4", "part": "资金监管", "label": "日常管理", "points": 10},
]
DEFAULT_BONUS_MAX = Decimal("5")
DEFAULT_DEDUCTION_MAX = Decimal("20")


@dataclass(frozen=True)
class FundPolicy:
    deadlines: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_DEADLINES))
    expert_review_threshold: Decimal = Decimal("500000")  # C2-14: ≥ → expert review (choice)
    completion_audit_threshold: Decimal = Decimal("500000")  # C2-45: ≥ → completion audit (choice)
    construction_months: int = 12  # F-6: 「建设期原则上不超过1年」
    adjustment_months: int = 3  # F-5: 「资金下达后3个月内」 (seed)
    reimbursement_days: int = 30  # C2-58: 「竣工验收后30天内」, calendar days (seed)
    rectification_days: int = 10  # C2-23: not in the seed (choice)
    # F-5 / C2-23 / C2-34: when the nightly rule issues a rectification order by itself (choices, not
    # from the seed: it names the causes, not the numbers); None: that cause is not automatic
    rectify_behind_plan_days: int | None = 30  # days past the planned end or the construction period
    rectify_not_reporting_days: int | None = 5  # working days an information entry is overdue
    rectify_shortfall_years: int | None = 1  # years with a benefit-linkage shortfall
    min_poor_beneficiary_percent: Decimal | None = None  # C2-75 「***%」: not configured until set
    cooperative_poor_percent: Decimal | None = None  # C2-62 「***%」: not configured until set
    collective_income_minimum: Decimal = Decimal("50000")  # C2-63 「5万元以上」 (seed)
    dividend_minimum_percent: Decimal = Decimal("5")  # C2-65 「不低于5%」 (seed)
    indicators: list[dict] = field(default_factory=lambda: [dict(i) for i in DEFAULT_INDICATORS])
    bonus_max: Decimal = DEFAULT_BONUS_MAX
    deduction_max: Decimal = DEFAULT_DEDUCTION_MAX

    def days(self, step: str) -> int:
        return self.deadlines.get(step, DEFAULT_DEADLINES[step])


def policy_from_settings(settings) -> FundPolicy:
    if settings is None:
        return FundPolicy()
    deadlines = dict(DEFAULT_DEADLINES)
    deadlines.update({k: int(v) for k, v in (settings.deadlines or {}).items() if k in DEFAULT_DEADLINES})
    return FundPolicy(
        deadlines=deadlines,
        expert_review_threshold=settings.expert_review_threshold,
        completion_audit_threshold=settings.completion_audit_threshold,
        construction_months=settings.construction_months,
        adjustment_months=settings.adjustment_months,
        reimbursement_days=settings.reimbursement_days,
        rectification_days=settings.rectification_days,
        rectify_behind_plan_days=settings.rectify_behind_plan_days,
        rectify_not_reporting_days=settings.rectify_not_reporting_days,
        rectify_shortfall_years=settings.rectify_shortfall_years,
        min_poor_beneficiary_percent=settings.min_poor_beneficiary_percent,
        cooperative_poor_percent=settings.cooperative_poor_percent,
        collective_income_minimum=settings.collective_income_minimum,
        dividend_minimum_percent=settings.dividend_minimum_percent,
        indicators=settings.indicators or [dict(i) for i in DEFAULT_INDICATORS],
    )


def fund_policy_for(unit_code: str, on: dt.date | None = None, versions=None) -> FundPolicy:
    """The fund-project numbers governing a unit on a day (the profile version in force, its
    FundSettings row, else the shipped preset)."""
    versions = versions if versions is not None else fund_policy_versions()
    profile = profile_for(unit_code, on or timezone.localdate(), versions)
    if profile is None:
        return FundPolicy()
    return policy_from_settings(getattr(profile, "fund_settings", None))


def fund_policy_versions():
    """Every profile version with its FundSettings (two queries), for ``fund_policy_for``."""
    return versions_by_prefix("fund_settings")
