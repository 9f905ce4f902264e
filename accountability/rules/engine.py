"""Pure decisions of the escalation rules: does a fact reach a condition's threshold.

No database, no clock: the conditions come from the policy profile, the facts from the metrics.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from accountability.rules.metrics import Fact


@dataclass(frozen=True)
class Condition:
    metric: str
    threshold: Decimal
    measure: str  # count / permille / percent


def parse_conditions(raw: list[dict]) -> list[Condition]:
    return [Condition(c["metric"], Decimal(str(c["threshold"])), c.get("measure", "count")) for c in raw]


def condition_met(condition: Condition, fact: Fact) -> bool:
    """``value ≥ threshold``; a rate is compared exactly from its numerator and denominator, so that
    2.995‰ does not pass 3‰ by rounding."""
    scale = {"permille": 1000, "percent": 100}.get(condition.measure)
    if scale and fact.numerator is not None and fact.denominator:
        return fact.numerator * scale >= condition.threshold * fact.denominator
    return fact.value >= condition.threshold


@dataclass(frozen=True)
class Verdict:
    condition: Condition
    fact: Fact
    checked: dict[str, str]  # every condition's metric → its value, for the evidence


def verdict(conditions: list[Condition], facts: dict[str, Fact]) -> Verdict | None:
    """The first condition met by the subject's facts (any-of), or None."""
    checked = {c.metric: str(facts[c.metric].value) if c.metric in facts else "0" for c in conditions}
    for condition in conditions:
        fact = facts.get(condition.metric)
        if fact is not None and condition_met(condition, fact):
            return Verdict(condition, fact, checked)
    return None
