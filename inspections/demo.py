"""Demo supervision and patrol: this year's plan (one county covered, one not yet), a patrol of the
first county with findings in every state — one overdue (its alert comes from the demo's rule run),
one transferred —, a county supervision of a township for the rectification journey, petitions."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from accountability.models import AdminUnit, Official, User
from accountability.platform.history import history_context
from inspections import services
from inspections.models import Finding, InspectionRound

CITY, COUNTY, COUNTY_2 = "349900000000", "349901000000", "349902000000"
TOWNSHIP, TOWNSHIP_2 = "349901101000", "349901102000"
VILLAGE = "349901101202"
HANDOVER_VILLAGE = "349901101201"


def load_inspections() -> int:
    """Idempotent: skipped when the demo already has rounds."""
    if InspectionRound.objects.filter(unit__code__startswith="3499").exists():
        return 0
    inspector = User.objects.get(username="inspector")
    county = User.objects.get(username="county_office")
    township = User.objects.get(username="township_staff")
    today = timezone.localdate()
    units = AdminUnit.objects.in_bulk(
        [CITY, COUNTY, COUNTY_2, TOWNSHIP, TOWNSHIP_2, VILLAGE, HANDOVER_VILLAGE]
    )
    city_officials = list(Official.objects.filter(organisation__unit_id=CITY).order_by("pk")[:4])
    county_officials = list(Official.objects.filter(organisation__unit_id=COUNTY).order_by("pk")[:3])
    ago = lambda days: today - dt.timedelta(days=days)  # noqa: E731
    with history_context(actor=inspector, reason="载入演示数据：督查巡查"):
        plan = services.plan_create(
            actor=inspector,
            unit=units[CITY],
            year=today.year,
            title=f"{today.year} 年脱贫攻坚督查计划",
            adopted_on=dt.date(today.year, 1, 1),
        )
        item = services.plan_item_add(
            actor=inspector,
            plan=plan,
            scope="comprehensive",
            title="各县(区)脱贫攻坚综合督查",
            counties=[units[COUNTY], units[COUNTY_2]],
            starts_on=dt.date(today.year, 1, 1),
            ends_on=dt.date(today.year, 12, 31),
        )
        start = max(dt.date(today.year, 1, 2), ago(120))
        services.round_create(
            actor=inspector,
            kind="supervision",
            scope="comprehensive",
            number=f"DC-{today.year}-01",
            title="东山县脱贫攻坚综合督查",
            issuer=units[CITY],
            unit=units[COUNTY],
            starts_on=start,
            ends_on=start + dt.timedelta(days=5),
            leader=city_officials[0],
            leader_rank="division",
            members=city_officials[1:3],
            methods=["meeting", "documents", "site", "interview"],
            plan_item=item,
        )
        patrol = services.round_create(
            actor=inspector,
            kind="patrol",
            number=f"XC-{today.year}-01",
            title="东山县脱贫攻坚专项巡查",
            issuer=units[CITY],
            unit=units[COUNTY],
            starts_on=ago(150),
            ends_on=ago(120),
            approved_on=ago(160),
            leader=city_officials[0],
            leader_rank="division",
            members=city_officials[1:4],
            methods=["meeting", "documents", "site", "questionnaire", "tip_offs", "unannounced"],
        )

        def patrol_finding(number, unit, category, description, severity="general", **extra) -> Finding:
            return services.finding_create(
                actor=inspector,
                number=number,
                unit=units[unit],
                found_on=ago(140),
                source="patrol",
                category=category,
                severity=severity,
                description=description,
                round=patrol,
                **extra,
            )

        patrol_finding("XC-01", TOWNSHIP, "work_style", "帮扶干部入户走访流于形式，慢作为")
        patrol_finding("XC-02", TOWNSHIP_2, "project_funds", "产业项目资金拨付滞后", "serious")
        services.finding_transfer(
            actor=inspector,
            finding=patrol_finding(
                "XC-03", HANDOVER_VILLAGE, "transferred", "村干部涉嫌虚报冒领补助资金", "severe"
            ),
            to="discipline",
            note="线索移交县纪委监委",
        )
        services.round_feedback(actor=inspector, round=patrol, on=ago(100))  # deadline: 2 months on → overdue
        # awaiting verification, closed, rejected once: a supervision of the township by the county
        supervision = services.round_create(
            actor=county,
            kind="supervision",
            scope="special",
            number=f"DC-{today.year}-Q1",
            title="青石镇帮扶措施专项督查",
            issuer=units[COUNTY],
            unit=units[TOWNSHIP],
            starts_on=ago(60),
            ends_on=ago(58),
            leader=county_officials[0],
            leader_rank="section",
            members=county_officials[1:],
            methods=["documents", "site", "interview"],
        )

        def township_finding(number, category, description, deadline_days) -> Finding:
            return services.finding_create(
                actor=county,
                number=number,
                unit=units[TOWNSHIP],
                found_on=ago(58),
                source="supervision",
                category=category,
                severity="general",
                description=description,
                round=supervision,
                deadline=ago(58) + dt.timedelta(days=deadline_days),
            )

        awaiting = township_finding("DC-01", "pairing", "结对帮扶台账未及时更新", 90)
        services.rectification_report(actor=township, finding=awaiting, text="已逐户更新帮扶台账", on=ago(20))
        services.rectification_report(
            actor=township, finding=awaiting, text="整改完成，申请销号", on=ago(5), request_close=True
        )
        closed = township_finding("DC-02", "responsibility", "村级责任书未逐级签订", 30)
        services.rectification_report(
            actor=township, finding=closed, text="已补签责任书", on=ago(40), request_close=True
        )
        services.finding_verify(actor=county, finding=closed, text="现场核验属实", on=ago(35))
        rejected = township_finding("DC-03", "identification_exit", "2 户退出未履行公示程序", 120)
        services.rectification_report(
            actor=township, finding=rejected, text="已补充公示", on=ago(30), request_close=True
        )
        services.finding_reject(actor=county, finding=rejected, text="公示照片不全，请补充", on=ago(25))
        petition = services.petition_create(
            actor=county,
            number=f"XF-{today.year}-001",
            channel="hotline",
            received_on=ago(40),
            content="反映某村低保户未纳入帮扶",
            unit=units[TOWNSHIP],
        )
        services.petition_to_finding(
            actor=county,
            petition=petition,
            number=f"XF-{today.year}-001-1",
            category="pairing",
            severity="general",
        )
        services.petition_answer(
            actor=township, petition=petition, answer="已核实，纳入帮扶", on=ago(25), satisfaction="satisfied"
        )
        services.petition_create(
            actor=county,
            number=f"XF-{today.year}-002",
            channel="letter",
            received_on=ago(45),
            content="反映产业项目分红未到户",
            unit=units[TOWNSHIP_2],
        )
    return 1
