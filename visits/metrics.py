"""Facts of the visit logs that the annual assessment reads through the core's metric registry."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from accountability.hierarchy.models import SIGNIFICANT_DIGITS
from accountability.policy.quotas import QuotaStatus
from accountability.rules.metrics import Fact
from visits.compliance import compliance_over


def visit_compliance(
    *, year: int, level: str, root: str, denominator: str = "registered", sources=()
) -> dict[str, Fact]:
    """Per cent of the quota periods of ``year`` (ended by 31 December) that the officials of the unit
    met, by the unit of the post (Q-1 … Q-9; a unit without quota periods gets no value)."""
    end = dt.date(year, 12, 31)
    digits = SIGNIFICANT_DIGITS[level]
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for row in compliance_over(root, start=dt.date(year, 1, 1), end=end, today=end):
        if row.status not in (QuotaStatus.MET, QuotaStatus.MISSED):
            continue
        unit = row.unit_code[:digits]
        counts[unit][1] += 1
        counts[unit][0] += row.status == QuotaStatus.MET
    return {
        unit: Fact(
            (Decimal(met) * 100 / total).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP), met, total, {}
        )
        for unit, (met, total) in counts.items()
        if total
    }
