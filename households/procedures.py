"""The official procedures of the registry as data, and the pure rule that orders their steps.

Identification and exit (两公示一公告) follow DOMAIN §8 / seed 002 §12; the exit's notices are a
profile setting (``exit_notices``: 002 §12, or 004 篇5 with a village notice only). A village
official proposes, the township approves, the county announces.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class Procedure(models.TextChoices):
    IDENTIFICATION = "identification", _("贫困户识别")
    EXIT = "exit", _("贫困户退出")
    RETURN = "return", _("返贫")
    REMOVAL = "removal", _("清退")


class Authority(models.TextChoices):
    VILLAGE = "propose", _("村级提出")
    TOWNSHIP = "approve", _("乡镇审核")
    COUNTY = "announce", _("县级审定公告")


@dataclass(frozen=True)
class Step:
    code: str
    label: str
    authority: Authority
    notice: bool = False  # opens a public notice that must run its period without open objection
    sets_status: str = ""  # household status after this step


PROCEDURES: dict[str, tuple[Step, ...]] = {
    Procedure.IDENTIFICATION: (
        Step("application", "农户申请", Authority.VILLAGE, sets_status="identifying"),
        Step("survey", "入户调查", Authority.VILLAGE),
        Step("appraisal", "民主评议", Authority.VILLAGE),
        Step("village_notice", "村委会审核并公示", Authority.VILLAGE, notice=True),
        Step("township_notice", "乡镇审核并公示", Authority.TOWNSHIP, notice=True),
        Step("county_announcement", "县级复核并公告", Authority.COUNTY, sets_status="not_exited"),
    ),
    # 002 §12(7): 「村委会审核公示、乡镇审批公示、县复核公告」 — two notices and an announcement
    Procedure.EXIT: (
        Step("village_assessment", "村级评估（驻村工作队参与）", Authority.VILLAGE, sets_status="exiting"),
        Step("household_consent", "贫困户认可", Authority.VILLAGE),
        Step("village_notice", "村委会审核并公示", Authority.VILLAGE, notice=True),
        Step("township_notice", "乡镇审批并公示", Authority.TOWNSHIP, notice=True),
        Step("county_announcement", "县级复核并公告", Authority.COUNTY, sets_status="exited"),
    ),
    Procedure.RETURN: (Step("county_decision", "县级认定返贫", Authority.COUNTY, sets_status="returned"),),
    Procedure.REMOVAL: (Step("county_decision", "县级认定清退", Authority.COUNTY, sets_status="removed"),),
}

#: the exit procedures of the profile setting ``exit_notices`` (the one above is "two_notices")
EXIT_VARIANTS: dict[str, tuple[Step, ...]] = {
    "two_notices": PROCEDURES[Procedure.EXIT],
    # 004 篇5: village notice without objection, township review, county leading group approval
    "village_notice": (
        Step("village_assessment", "村级评估（驻村工作队参与）", Authority.VILLAGE, sets_status="exiting"),
        Step("household_consent", "贫困户认可", Authority.VILLAGE),
        Step("village_notice", "村内公示无异议", Authority.VILLAGE, notice=True),
        Step("township_review", "乡镇审核", Authority.TOWNSHIP),
        Step("county_announcement", "县级审定并公告", Authority.COUNTY, sets_status="exited"),
    ),
}


def steps_for(procedure: str, exit_notices: str = "two_notices") -> tuple[Step, ...]:
    """The steps of ``procedure``; for an exit, those of the profile's ``exit_notices`` variant."""
    if procedure == Procedure.EXIT:
        return EXIT_VARIANTS.get(exit_notices, PROCEDURES[Procedure.EXIT])
    return PROCEDURES[procedure]


#: household statuses from which a procedure may start
STARTS_FROM = {
    Procedure.IDENTIFICATION: {"", "not_admitted"},
    Procedure.EXIT: {"not_exited", "returned"},
    Procedure.RETURN: {"exited"},
    Procedure.REMOVAL: {"not_exited", "exited", "returned", "exiting", "identifying"},
}


def step_of(procedure: str, code: str, steps: tuple[Step, ...] | None = None) -> Step:
    """The step ``code`` of ``procedure`` (of ``steps`` when given; else of any variant)."""
    candidates = steps or (
        [s for variant in EXIT_VARIANTS.values() for s in variant]
        if procedure == Procedure.EXIT
        else PROCEDURES[procedure]
    )
    for step in candidates:
        if step.code == code:
            return step
    raise KeyError(f"{procedure}.{code}")


@dataclass(frozen=True)
class Done:
    """A step already taken in the running procedure."""

    code: str
    on: dt.date
    notice_until: dt.date | None  # last day of its notice, if it opened one
    objection_open: bool


def step_problem(
    *,
    procedure: str,
    step: str,
    status: str,
    done: list[Done],
    on: dt.date,
    today: dt.date,
    steps: tuple[Step, ...] | None = None,
) -> str | None:
    """Why ``step`` cannot be taken now, or None. Pure: the caller supplies the facts (and the
    procedure's steps, when they depend on the profile)."""
    steps = steps or PROCEDURES[procedure]
    codes = [s.code for s in steps]
    if step not in codes:
        return f"“{Procedure(procedure).label}”没有“{step}”这一步"
    if on > today:
        return "办理日期不能晚于今天"
    index = codes.index(step)
    if index == 0:
        if status not in STARTS_FROM[procedure]:
            return f"当前户状态不能开始“{Procedure(procedure).label}”程序"
        return None
    taken = [d.code for d in done]
    if step in taken:
        return f"“{steps[index].label}”已经办理过"
    expected = codes[len(taken)] if len(taken) < len(codes) else None
    if taken != codes[: len(taken)] or expected != step:
        return f"请先办理“{step_of(procedure, expected, steps).label}”" if expected else "程序已经完成"
    previous = done[-1]
    if previous.on > on:
        return f"办理日期不能早于上一步（{previous.on}）"
    if previous.objection_open:
        return "上一步的公示有未处理的异议，须先处理异议"
    if previous.notice_until is not None and on <= previous.notice_until:
        return f"公示期至 {previous.notice_until} 结束，公示期满后方可办理下一步"
    return None
