"""Demo annual targets, a rule run for 2020 and this year, and cases in every state."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from accountability.cases import services as case_services
from accountability.models import AccountabilityCase, AdminUnit, Alert, AnnualTarget, PolicyProfile, User
from accountability.rules.runs import run_rules

#: (unit, households to exit in 2020) — the first township and the second county fall short
TARGETS_2020 = {
    "349901101000": 30,
    "349901102000": 1,
    "349901103000": 1,
    "349901000000": 3,
    "349902000000": 60,
}


def load_accountability() -> int:
    """Idempotent: targets by unit and year, alerts by their unique key, cases only once."""
    for code, households in TARGETS_2020.items():
        AnnualTarget.objects.update_or_create(
            unit_id=code,
            year=2020,
            defaults={"households_to_exit": households, "source": "2020 年脱贫攻坚责任书（演示）"},
        )
    today = timezone.localdate()
    # quotas are judged from the month a year ago, when the demo's visit records begin
    PolicyProfile.objects.filter(jurisdiction=None, quotas_monitored_from=None).update(
        quotas_monitored_from=(today.replace(year=today.year - 1) + dt.timedelta(days=31)).replace(day=1)
    )
    run_rules(year=2020, as_of=dt.date(2021, 1, 31), triggered_by="demo")
    run_rules(year=today.year, as_of=today, triggered_by="demo")
    if AccountabilityCase.objects.filter(unit__code__startswith="3499").exists():
        return 0
    return _cases()


def _cases() -> int:
    office = User.objects.get(username="county_office")
    city_discipline = User.objects.get(username="discipline")
    county_discipline = User.objects.get(username="county_discipline")
    count = 0
    # E-6 in the first county: the county leader in charge (city-managed) — decided by the city, executed
    alert = Alert.objects.filter(rule_code="E-6", unit_id="349901000000", period="2020").first()
    if alert is not None:
        case, *others = case_services.case_open_from_alert(actor=office, alert=alert)
        count += 1 + len(others)
        case_services.case_step(actor=office, case=case, step="review", reason="调取核查结果，约谈了解情况")
        case_services.case_step(
            actor=city_discipline,
            case=case,
            step="decide",
            reason="经市委研究，给予诫勉",
            forms=["admonition"],
        )
        case_services.case_step(actor=office, case=case, step="execute", reason="已宣布问责决定")
    # E-3 in the first township: opened from the alert — the township's principal heads and the unit,
    # whose one-vote veto the county decides and executes
    alert = Alert.objects.filter(rule_code="E-3", unit_id="349901101000", period="2020").first()
    if alert is not None:
        opened = case_services.case_open_from_alert(actor=office, alert=alert)
        unit_case = next(c for c in opened if c.official_id is None)
        count += len(opened)
        case_services.case_step(
            actor=office, case=unit_case, step="review", reason="核对年度脱贫任务完成情况"
        )
        case_services.case_step(
            actor=county_discipline,
            case=unit_case,
            step="decide",
            reason="未完成年度脱贫任务，年度目标考核一票否决",
            forms=["one_vote_veto"],
        )
        case_services.case_step(actor=office, case=unit_case, step="execute", reason="已在全县通报")
    # E-1 at the handover village: opened and under review
    alert = Alert.objects.filter(rule_code="E-1", unit_id="349901101201", period="2020").first()
    if alert is not None:
        opened = case_services.case_open_from_alert(actor=office, alert=alert)
        count += len(opened)
        case_services.case_step(actor=office, case=opened[0], step="review", reason="已通知本人说明情况")
    # an inspection finding, opened by hand
    case_services.case_open(
        actor=office,
        unit=AdminUnit.objects.get(code="349901102000"),
        situation="A-9.3",
        facts="督查发现：12345 热线转办的两件扶贫诉求超期未办理。",
        severity="minor",
        origin="inspection",
        source_reference="2026 年第三季度督查",
    )
    return count + 1
