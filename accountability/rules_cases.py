"""Pure rules of accountability cases: the workflow, the competent authority (A-13), the forms a
severity calls for (A-5 … A-10 → Art. 12) and the consequences (A-14, E-12)."""

from __future__ import annotations

from accountability.situations import AccountabilityForm as F

#: step → (statuses it may start from, status it leads to)
STEPS: dict[str, tuple[frozenset[str], str]] = {
    "review": (frozenset({"proposed"}), "under_review"),
    "decide": (frozenset({"under_review"}), "decided"),
    "exempt": (frozenset({"under_review"}), "exempted"),
    "dismiss": (frozenset({"proposed", "under_review"}), "dismissed"),
    "execute": (frozenset({"decided"}), "executed"),
    "close": (frozenset({"executed"}), "closed"),
}
STEP_LABELS = {
    "open": "立案",
    "review": "开始审查",
    "decide": "作出问责决定",
    "exempt": "容错免责",
    "dismiss": "不予问责",
    "execute": "登记执行",
    "close": "结案",
}


def transition_problem(status: str, step: str) -> str | None:
    if step not in STEPS:
        return f"未知的步骤：{step}"
    allowed, _ = STEPS[step]
    if status not in allowed:
        return f"案件当前状态不能“{STEP_LABELS[step]}”"
    return None


def next_status(step: str) -> str:
    return STEPS[step][1]


def allowed_steps(status: str) -> list[str]:
    return [step for step, (allowed, _) in STEPS.items() if status in allowed]


#: A-13: the level that decides, by the cadre-management level of the person …
AUTHORITY_FOR_CADRE = {
    "city_managed": "city",
    "county_managed": "county",
    "township_managed": "township",
    "village": "township",
    "": "county",
}
#: … or, for a unit, the level above it
AUTHORITY_FOR_UNIT = {"village": "township", "township": "county", "county": "city", "city": "city"}


def authority_level(*, unit_level: str, cadre_level: str | None) -> str:
    if cadre_level is not None:
        return AUTHORITY_FOR_CADRE.get(cadre_level, "county")
    return AUTHORITY_FOR_UNIT[unit_level]


def proposed_forms(severity_forms: dict, severity: str, *, individual: bool) -> list[str]:
    """Art. 12: the forms the profile's table gives for a severity, for a unit or an individual."""
    return list(severity_forms.get(severity, {}).get("individual" if individual else "unit", []))


def consequences(
    forms: list[str], *, year: int, failed_annual_task: bool, task_year: int | None = None
) -> dict:
    """A-14: admonished cadres lose the year's awards; organisational handling → 基本称职, removal or
    resignation → 不称职 in the annual appraisal; a failed annual exit task → one-vote veto (E-12) of the
    task's year. ``year`` is the decision's year."""
    result: dict = {"award_ineligible_year": None, "appraisal": "", "veto_year": None}
    if F.ADMONITION in forms or F.AWARD_INELIGIBLE in forms or F.DISCIPLINARY_SANCTION in forms:
        result["award_ineligible_year"] = year
    if F.REMOVAL in forms or F.RESIGNATION in forms:
        result["appraisal"] = "incompetent"
    elif F.ORGANISATIONAL_HANDLING in forms:
        result["appraisal"] = "basically_competent"
    if failed_annual_task:
        result["veto_year"] = task_year or year
    return result
