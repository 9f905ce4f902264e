"""Pure rules of accountability cases: the workflow, the competent authority (A-13), the forms a
severity calls for (A-5 … A-10 → Art. 12) and the consequences (A-14, E-12)."""

from __future__ import annotations

from accountability.cases.situations import CIRCULATED_CRITICISM_OR_HEAVIER, NEEDS_APPROVAL
from accountability.cases.situations import AccountabilityForm as F
from accountability.policy.sources import SourceLevel

#: step → (statuses it may start from, status it leads to)
STEPS: dict[str, tuple[frozenset[str], str]] = {
    "review": (frozenset({"proposed"}), "under_review"),
    "decide": (frozenset({"under_review"}), "decided"),
    "exempt": (frozenset({"under_review"}), "exempted"),
    "dismiss": (frozenset({"proposed", "under_review"}), "dismissed"),
    "approve": (frozenset({"decided"}), "approved"),
    "execute": (frozenset({"decided", "approved"}), "executed"),
    "close": (frozenset({"executed"}), "closed"),
}
STEP_LABELS = {
    "open": "立案",
    "review": "开始审查",
    "decide": "作出问责决定",
    "exempt": "容错免责",
    "dismiss": "不予问责",
    "approve": "上级批准",
    "execute": "登记执行",
    "close": "结案",
}


def needs_approval(forms) -> bool:
    """Removal and resignation take effect only once the authority above has approved (Art. 39(6))."""
    return bool(set(forms or ()) & NEEDS_APPROVAL)


def transition_problem(status: str, step: str, *, forms=()) -> str | None:
    """``forms``: the decided forms — removal or resignation must pass "approve" before "execute"."""
    if step not in STEPS:
        return f"未知的步骤：{step}"
    allowed, _ = STEPS[step]
    if status not in allowed:
        return f"案件当前状态不能“{STEP_LABELS[step]}”"
    if step == "approve" and not needs_approval(forms):
        return "该决定无须报上级批准"
    if step == "execute" and status == "decided" and needs_approval(forms):
        return "免职、辞职须经上级批准后方可执行，请先登记“上级批准”"
    return None


def next_status(step: str) -> str:
    return STEPS[step][1]


def allowed_steps(status: str, forms=()) -> list[str]:
    return [step for step, (allowed, _) in STEPS.items() if not transition_problem(status, step, forms=forms)]


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


#: the level above a deciding authority, which approves removal and resignation (city: the province,
#: outside the system — a city user records the province's approval)
APPROVAL_LEVEL = {"township": "county", "county": "city", "city": "city"}


def authority_level(
    *, unit_level: str, cadre_level: str | None, organisation_level: str | None = None
) -> str:
    """A person: by cadre-management level; a unit: the level above it; a helping unit or department
    (an organisation): the government it belongs to, whose annual assessment it is part of."""
    if cadre_level is not None:
        return AUTHORITY_FOR_CADRE.get(cadre_level, "county")
    if organisation_level is not None:
        return organisation_level if organisation_level != "village" else "township"
    return AUTHORITY_FOR_UNIT[unit_level]


def approval_level(authority: str) -> str:
    return APPROVAL_LEVEL.get(authority, authority)


def proposed_forms(severity_forms: dict, severity: str, *, individual: bool) -> list[str]:
    """Art. 12: the forms the profile's table gives for a severity, for a unit or an individual."""
    return list(severity_forms.get(severity, {}).get("individual" if individual else "unit", []))


def consequences(
    forms: list[str],
    *,
    year: int,
    failed_annual_task: bool,
    task_year: int | None = None,
    source_level: str = "",
    serious_influence: bool = False,
) -> dict:
    """A-14: admonished cadres lose the year's awards; organisational handling, transfer or suspension
    → 基本称职, removal or resignation → 不称职 in the annual appraisal. The one-vote veto (Art. 41,
    E-12) of the task's year, with its ground: a failed annual task (or a decided 一票否决), 通报批评 or
    heavier in central or provincial work, a major petition incident or other serious bad influence.
    ``year`` is the decision's year; ``task_year`` the assessment year the case is about."""
    result: dict = {"award_ineligible_year": None, "appraisal": "", "veto_year": None, "veto_ground": ""}
    if {F.ADMONITION, F.AWARD_INELIGIBLE, F.DISCIPLINARY_SANCTION, F.PARTY_GOVERNMENT_DISCIPLINE} & set(
        forms
    ):
        result["award_ineligible_year"] = year
    if {F.REMOVAL, F.RESIGNATION, F.ORDERED_RESIGNATION} & set(forms):
        result["appraisal"] = "incompetent"
    elif {F.ORGANISATIONAL_HANDLING, F.TRANSFER_FROM_POST, F.SUSPENSION} & set(forms):
        result["appraisal"] = "basically_competent"
    ground = ""
    if failed_annual_task or F.ONE_VOTE_VETO in forms:
        ground = "failed_task"
    elif (
        source_level in (SourceLevel.NATIONAL, SourceLevel.PROVINCIAL)
        and set(forms) & CIRCULATED_CRITICISM_OR_HEAVIER
    ):
        ground = "upper_criticism"
    elif serious_influence:
        ground = "serious_influence"
    if ground:
        result["veto_year"], result["veto_ground"] = task_year or year, ground
    return result


#: the principal leaders (主要负责人) of a unit by level: they lose award and promotion eligibility
#: in a year the unit is vetoed (Art. 41)
PRINCIPAL_POSTS = {
    "city": ("city_secretary", "city_mayor"),
    "county": ("county_secretary", "county_head"),
    "township": ("township_secretary", "township_head"),
    "village": ("village_secretary", "village_director"),
}


def person_grounds(targets: list[dict], rule: str) -> list[tuple[int, list[dict]]]:
    """The alert's named officials, each once, with every ground that names them (in order): an
    official named twice (a helping-unit head with two late villages) gets one case listing both."""
    grounds: dict[int, list[dict]] = {}
    for target in targets:
        if not target.get("official"):
            continue
        ground = {
            "rule": rule,
            "post": target["post"],
            "unit": target.get("unit", ""),
            "forms": target.get("forms"),  # None: an alert made before targets named their forms
        }
        if target.get("to"):
            ground["to"] = target["to"]
        grounds.setdefault(target["official"], [])
        if ground not in grounds[target["official"]]:
            grounds[target["official"]].append(ground)
    return list(grounds.items())


def forms_of(grounds: list[dict]) -> list[str]:
    """The union of the grounds' forms, in order of first mention."""
    return list(dict.fromkeys(form for ground in grounds for form in ground.get("forms") or []))
