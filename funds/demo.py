"""Demo fund projects: in both demo counties, a project at every stage of the lifecycle, some steps
late or overdue, one failed acceptance (rectified and pending re-acceptance), one adjustment and one
rectification order. Idempotent: skipped when the demo already has fund projects."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from accountability.models import AdminUnit, EscalationRule, PolicyProfile, User
from accountability.policy.calendar import ensure_calendar
from funds import services
from funds.models import BudgetLine, FundSource, Project, ProjectCategory
from funds.reference import install_fund_rules, install_reference_data
from funds.rules import APPROVAL_NOTICE_FIELDS, SITE_NOTICE_FIELDS

DEMO_PREFIX = "3499"
COUNTIES = (("349901", "county_office"), ("349902", "county2_office"))
#: (suffix, name, content, subsidy, the last step taken)
PROJECTS = (
    ("01", "村级产业路", "修建产业路 1.5 公里，宽 4.5 米", "320000", "library"),
    ("02", "蔬菜大棚", "新建钢架蔬菜大棚 30 个", "450000", "applied"),
    ("03", "人畜饮水工程", "新建蓄水池 2 座、铺设管网 3 公里", "280000", "approved"),
    ("04", "茶叶基地", "新建茶叶基地 500 亩", "800000", "plan_approved"),
    ("05", "光伏扶贫电站", "建设村级光伏电站 300 千瓦", "1200000", "filed"),
    ("06", "通组公路", "硬化通组公路 2.2 公里", "560000", "started"),
    ("07", "养殖小区", "建设肉牛养殖小区 1 个", "380000", "completed"),
    ("08", "农机合作社", "购置农机 12 台套", "260000", "failed"),
    ("09", "村级文化广场", "建设文化广场 1200 平方米", "150000", "accepted"),
    ("10", "电商服务站", "建设村级电商服务站 1 个", "90000", "handed_over"),
)
ORDER = [
    "library",
    "applied",
    "approved",
    "plan_approved",
    "filed",
    "started",
    "completed",
    "failed",
    "accepted",
    "handed_over",
]
ITEMS_OK = dict.fromkeys(
    ["task_done", "funds_managed", "benefits", "archives", "notices_and_boards", "maintenance"], True
)


def _reached(stage: str, target: str) -> bool:
    return ORDER.index(target) >= ORDER.index(stage)


def load_funds() -> int:
    if Project.objects.filter(location__code__startswith=DEMO_PREFIX).exists():
        return 0
    ensure_calendar()  # a flushed test database has lost the migrations' rows
    install_reference_data(ProjectCategory, BudgetLine)
    install_fund_rules(PolicyProfile, EscalationRule)
    today = timezone.localdate()
    base = dt.date(today.year, 2, 20)
    source, _created = FundSource.objects.get_or_create(
        code=f"central-{today.year}",
        defaults={
            "name": f"{today.year} 年中央财政专项扶贫资金",
            "level": "central",
            "year": today.year,
            "document_number": f"财农〔{today.year}〕8号",
        },
    )
    category = ProjectCategory.objects.get(code="development")
    created = 0
    for county, username in COUNTIES:
        actor = (
            User.objects.filter(username=username).first() or User.objects.filter(is_superuser=True).first()
        )
        if actor is None or not AdminUnit.objects.filter(code=f"{county}000000").exists():
            continue
        county_unit = AdminUnit.objects.get(code=f"{county}000000")
        plan = services.fund_plan_create(
            actor=actor,
            county=county_unit,
            year=today.year,
            name=f"{today.year} 年第一批财政专项扶贫资金",
            source=source,
            amount=Decimal("6000000"),
            issued_on=base,
            guide_published_on=base + dt.timedelta(days=3),
        )
        approved: list[Project] = []
        projects = []
        for n, (suffix, name, content, subsidy, target) in enumerate(PROJECTS):
            township = f"{county}{101 + n % 3:03d}"
            village = AdminUnit.objects.filter(code__startswith=township, level="village").order_by("code")[
                n % 4
            ]
            project, _warnings = services.project_create(
                actor=actor,
                number=f"FP{county}-{today.year}-{suffix}",
                name=f"{village.name}{name}",
                year=today.year,
                category=category,
                use="industry" if n % 2 else "living_conditions",
                location=village,
                implementer=f"{village.parent.name}人民政府",
                applicant=f"{village.parent.name}人民政府",
                person_responsible=["陈立新", "刘晓东", "黄志刚", "杨秀英", "马文斌"][n % 5],
                construction_content=f"{village.name}{content}",
                subsidy=Decimal(subsidy),
                library_on=base - dt.timedelta(days=40),
                planned_start=base + dt.timedelta(days=40),
                planned_end=base + dt.timedelta(days=220 if n != 5 else 420),
                fund_source=source,
            )
            projects.append((project, target))
            created += 1
            if _reached("applied", target):
                services.project_apply(actor=actor, project=project, on=base - dt.timedelta(days=20))
            if _reached("approved", target):
                approved.append(project)
        services.projects_approve(
            actor=actor,
            projects=approved,
            on=base + dt.timedelta(days=10),
            document=f"县扶领〔{today.year}〕2号",
            fund_plan=plan,
            method="competition",
        )
        for project, target in projects:
            _advance(actor, project, target, base, county == "349901")
        services.fund_plan_file_with_discipline(actor=actor, plan=plan, on=base + dt.timedelta(days=30))
        _benefits_and_evaluation(actor, county_unit, projects, today)
    return created


def _benefits_and_evaluation(actor, county: AdminUnit, projects, today: dt.date) -> None:
    """A year's benefit record of the handed-over project (its dividend under 5 %: flagged), and the
    evaluation of last year's funds, running since 25 March with one unit scored."""
    handed_over = next(project for project, target in projects if target == "handed_over")
    services.benefit_record(
        actor=actor,
        project=handed_over,
        year=today.year,
        invested=handed_over.subsidy,
        dividend=(handed_over.subsidy * Decimal("0.045")).quantize(Decimal("0.01")),
        note="村集体按入股资金保底分红",
    )
    started = dt.date(today.year, 3, 25)
    if today < started:
        return
    evaluation, _problems = services.evaluation_record(
        actor=actor, county=county, year=today.year - 1, started_on=started
    )
    indicators = services.fund_policy_for(county.code).indicators
    services.evaluation_score(
        actor=actor,
        evaluation=evaluation,
        unit_name=f"{county.name}扶贫开发领导小组办公室",
        department=True,
        scores={item["code"]: item["points"] - 1 for item in indicators},
        on=started,
    )


def _advance(actor, project: Project, target: str, base: dt.date, first_county: bool) -> None:
    project.refresh_from_db()
    day = base + dt.timedelta(days=10)
    if not _reached("approved", target):
        return
    if project.pk % 3:  # most approval notices are posted; some are missing (an alert)
        services.notice_post(
            actor=actor,
            project=project,
            kind="approval",
            posted_on=day + dt.timedelta(days=3),
            contents=dict.fromkeys(APPROVAL_NOTICE_FIELDS, "见公告"),
            place="县政府门户网站",
        )
    if not _reached("plan_approved", target):
        return
    services.plan_submit(actor=actor, project=project, on=day + dt.timedelta(days=7))
    services.project_step(actor=actor, project=project, step="plan_approve", on=day + dt.timedelta(days=14))
    project.refresh_from_db()
    if not _reached("filed", target):
        return
    late = target == "filed"  # filed late: 3 weeks after the plan approval
    services.project_file(actor=actor, project=project, on=day + dt.timedelta(days=35 if late else 16))
    if not _reached("started", target):
        return
    services.project_start(actor=actor, project=project, on=day + dt.timedelta(days=40))
    project.refresh_from_db()
    if target != "started":
        services.notice_post(
            actor=actor,
            project=project,
            kind="site",
            posted_on=day + dt.timedelta(days=42),
            contents=dict.fromkeys(SITE_NOTICE_FIELDS, "见公示牌"),
            place="项目现场",
        )
    request = services.disbursement_request(
        actor=actor,
        project=project,
        amount=(project.subsidy * Decimal("0.5")).quantize(Decimal("0.01")),
        on=day + dt.timedelta(days=41),
        progress_percent=0,
    )
    services.disbursement_decide(actor=actor, request=request, approve=True, on=day + dt.timedelta(days=45))
    report = project.progress_reports.get()
    if target != "started":  # the started project has not entered its progress (overdue)
        services.progress_report(
            actor=actor,
            report=report,
            on=day + dt.timedelta(days=48),
            progress_percent=30,
            fund_use="首期资金用于材料采购",
            households_benefited=40,
        )
    if target == "started" and first_county:
        services.adjustment_request(
            actor=actor,
            project=project,
            on=day + dt.timedelta(days=60),
            content="线路局部改线 200 米（避让基本农田）",
        )
        services.rectification_order_issue(
            actor=actor,
            project=project,
            reason="not_reporting",
            on=day + dt.timedelta(days=80),
            details="拨款后未按期录入项目进度信息",
        )
    if not _reached("completed", target):
        return
    services.project_complete(actor=actor, project=project, on=day + dt.timedelta(days=180))
    if not _reached("failed", target):
        return
    services.initial_check(actor=actor, project=project, on=day + dt.timedelta(days=185))
    services.acceptance_request(actor=actor, project=project, on=day + dt.timedelta(days=186))
    if project.subsidy >= Decimal("500000"):
        services.audit_opinion_record(actor=actor, project=project, on=day + dt.timedelta(days=190))
    if target == "failed":
        services.project_accept(
            actor=actor,
            project=project,
            on=day + dt.timedelta(days=200),
            grade="fail",
            items={**ITEMS_OK, "maintenance": False},
            accepted_by="县扶贫开发领导小组",
            report="管护制度未建立，限期整改",
        )
        return
    services.project_accept(
        actor=actor,
        project=project,
        on=day + dt.timedelta(days=200),
        grade="excellent" if first_county else "pass",
        items=ITEMS_OK,
        accepted_by="县扶贫开发领导小组",
    )
    if not _reached("handed_over", target):
        return
    services.acceptance_enter(actor=actor, project=project, on=day + dt.timedelta(days=205))
    services.project_hand_over(
        actor=actor,
        project=project,
        on=day + dt.timedelta(days=210),
        to="村民委员会",
        handover_list="服务站房屋 1 间、设备 1 套",
    )
