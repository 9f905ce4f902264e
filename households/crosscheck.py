"""E-11: compare other registers (vehicles, property, public payroll, business) with the registry.

A match is a suspicion to verify (a pending 识别不精准 finding from 数据比对), never a verdict.
Each household and register yields at most one suspicion, however often the check runs.
"""

from __future__ import annotations

from django.db import connection
from django.utils import timezone

from accountability.hierarchy.models import SIGNIFICANT_DIGITS, AdminUnit
from households.models import POOR_STATUSES, FindingKind, FindingSource, FindingStatus

SUSPICION_SQL = """
INSERT INTO households_verificationfinding
    (village_id, household_id, family_name, family_id_number, kind, source, found_date, assessment_year,
     persons_affected, status, note, suspicion_key)
SELECT h.village_id, h.id, '', '', %(kind)s, %(source)s, %(today)s, %(year)s, h.member_count, %(pending)s,
       string_agg(DISTINCT '比对发现：' || m.name || '（' || r.register_type || '）' || r.detail, '；'),
       'xcheck:' || h.id || ':' || r.register_type
  FROM households_registerentry r
  LEFT JOIN accountability_adminunit j ON j.code = r.jurisdiction_id
  JOIN households_member m ON m.id_number = r.id_number AND m.active
  JOIN households_household h ON h.id = m.household_id
 WHERE h.status = ANY(%(statuses)s)
   AND h.village_id LIKE %(prefix)s
   AND (r.jurisdiction_id IS NULL OR h.village_id LIKE left(j.code, {significant}) || '%%')
 GROUP BY h.id, h.village_id, h.member_count, r.register_type
ON CONFLICT (suspicion_key) DO NOTHING
"""


def _significant_digits_sql() -> str:
    cases = " ".join(f"WHEN '{level}' THEN {digits}" for level, digits in SIGNIFICANT_DIGITS.items())
    return f"CASE j.level {cases} END"


def run_cross_check(*, within: AdminUnit | None) -> int:
    """Record suspicions for the subtree (the whole registry when ``within`` is None); returns how
    many new ones. One statement; the unique suspicion key makes re-runs add nothing."""
    today = timezone.localdate()
    prefix = (within.prefix if within else "") + "%"
    with connection.cursor() as cursor:
        cursor.execute(
            SUSPICION_SQL.format(significant=_significant_digits_sql()),
            {
                "kind": FindingKind.MISIDENTIFIED,
                "source": FindingSource.DATA_COMPARISON,
                "pending": FindingStatus.PENDING,
                "today": today,
                "year": today.year,
                "statuses": [str(s) for s in POOR_STATUSES] + ["exited"],
                "prefix": prefix,
            },
        )
        return cursor.rowcount
