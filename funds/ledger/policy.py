"""The staged-disbursement numbers that govern a unit on a day: its policy-profile version's
DisbursementPolicy row, or the shipped county preset (rules.StagePolicy) when it has none."""

from __future__ import annotations

import datetime as dt

from accountability.policy.profiles import profile_for
from funds.ledger import rules
from funds.ledger.models import DisbursementPolicy

#: the shipped county preset: 50/30/20, second stage at 60 % completion, deposit 5 % (5–10 %),
#: 12 months' warranty, reimbursement within 30 days (CHECKLIST C2-29, C2-57, C2-58; choices)
COUNTY_PRESET = rules.StagePolicy()


def stage_policy_for(code: str, day: dt.date) -> rules.StagePolicy:
    profile = profile_for(code, day)
    if profile is None:
        return COUNTY_PRESET
    row = DisbursementPolicy.objects.filter(profile=profile).first()
    return row.as_rules() if row else COUNTY_PRESET
