"""The registry of metrics the accountability rules read.

The core never imports the apps that own the facts: each app registers its metrics here in
``AppConfig.ready()`` (visits: missed quotas; households: confirmed findings by unit and year), and
the rule engine asks for them by name. A metric is a function of keyword arguments returning
plain dataclasses, computed set-based over the whole hierarchy.

Unit metrics take ``year``, ``level`` (village / township / county / helping_unit), ``root`` (a code
prefix), ``denominator`` (the profile's E-6/E-7 setting) and ``sources`` (the finding sources the
rule counts, accountability/policy/sources.py; empty: all — metrics not about findings ignore it) and
return ``{subject key: Fact}`` — the subject key is a unit code, or ``org:<id>`` for helping units.
``quota_missed`` takes ``year``, ``as_of`` and ``root`` and returns ``MissedQuota`` rows (below).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class Metric:
    """A registered metric: its name (what rules and indicators name), its function and its label."""

    name: str
    function: Callable[..., Any]
    label: str  # Chinese, as alert pages and reports show it


METRICS: dict[str, Metric] = {}


def register_metric(name: str, function: Callable[..., Any], *, label: str) -> None:
    METRICS[name] = Metric(name=name, function=function, label=str(label))


def metric(name: str) -> Callable[..., Any]:
    try:
        return METRICS[name].function
    except KeyError:
        raise LookupError(f"no metric named {name!r}; registered: {sorted(METRICS)}") from None


def metric_label(name: str) -> str:
    """The metric's registered label; the name itself for a metric no app registers (any more)."""
    registered = METRICS.get(name)
    return registered.label if registered else name


@dataclass(frozen=True)
class Fact:
    """A metric's value for one subject, with what it was computed from."""

    value: Decimal
    numerator: int | None = None
    denominator: int | None = None
    evidence: dict = field(default_factory=dict)  # ids of findings, codes of villages, …


@dataclass(frozen=True)
class MissedQuota:
    """One official's quota period that ended unmet: the row the ``quota_missed`` metric returns."""

    quota_code: str
    quota_label: str
    official_id: int
    post: str
    unit_code: str
    period_key: str  # the period as alerts key it: "2020-01", or "2020-01..2020-03" for longer periods
    held_from: dt.date  # the part of the period the official held the post
    held_to: dt.date
    required: int
    done: int
    per_household: int | None = None  # coverage quotas: visits owed to each household
