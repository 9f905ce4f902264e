"""Problems found by one app that another app follows up: the receiving contract.

The annual assessment finds the problems of seed 003 Art. 8 (task failed, fund rules broken, false
exits, low accuracy or satisfaction, violations); Art. 9 turns each into a talk (约谈) with the unit's
principal leaders and a rectification deadline. Rectification is followed up by the inspections app
(problem list and rectification ledger, I-6), but the assessment imports no app: it hands its
problems to the receivers registered here (inspections registers one in ``AppConfig.ready()``).

A receiver takes a list of ``RaisedProblem`` and returns how many it recorded; it must be idempotent
on ``key`` (the same problem raised twice is recorded once). The problem carries who raised it and
when (``raised_by``, ``raised_on``, ``actor_id``: plain values, no model crosses the border); the
receiver records it in the raiser's name, so the caller has already checked the raiser's rights.
With no receiver registered, raising records nothing and says so (``problems_receivable()`` is
False), so the caller can tell the user.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class RaisedProblem:
    key: str  # stable identity, e.g. "assessment:<round>:<unit>:<trigger>"
    source: str  # the raising app, e.g. "assessment"
    unit_code: str  # 12-digit code of the unit whose leaders are talked to and who rectify
    year: int
    category: str  # e.g. "task_failed" (assessment.rules.TRIGGERS)
    title: str  # Chinese, what the problem is
    detail: str  # Chinese, the facts behind it
    talk: bool  # a talk (约谈) with the unit's principal leaders is required
    rectify_by: dt.date | None  # the rectification deadline
    raised_on: dt.date | None = None  # the day it was handed over (the assessment's 结果反馈)
    raised_by: str = ""  # 12-digit code of the office that raised it (the assessing unit)
    actor_id: int | None = None  # the user who raised it, named in the receiver's history


@dataclass(frozen=True)
class ProblemReceiver:
    name: str
    label: str
    function: Callable[[Sequence[RaisedProblem]], int]


RECEIVERS: dict[str, ProblemReceiver] = {}


def register_problem_receiver(
    name: str, function: Callable[[Sequence[RaisedProblem]], int], *, label: str
) -> None:
    RECEIVERS[name] = ProblemReceiver(name, label, function)


def problems_receivable() -> bool:
    return bool(RECEIVERS)


def raise_problems(problems: Sequence[RaisedProblem]) -> int:
    """Hand ``problems`` to every registered receiver; the number recorded (0 with no receiver)."""
    return sum(receiver.function(list(problems)) for receiver in RECEIVERS.values())
