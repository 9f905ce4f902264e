"""The written report of a round (书面报告: situation, problems, opinions and suggestions; seed 003
Art. 10, 16) as an official document (GB/T 9704) by the core's writer, kept with the round."""

from __future__ import annotations

from collections import defaultdict

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from accountability.access.guards import require_in_jurisdiction, require_permission
from accountability.platform.documents import Heading, OfficialDocument, Paragraph, Table, render_docx
from accountability.platform.history import history_context
from inspections.models import InspectionRound, Method, RoundKind, TransferTo
from inspections.selectors import policy_for

NUMERALS = "一二三四五六七八九十"


def round_document(round: InspectionRound) -> OfficialDocument:
    """The report's blocks from the round's record and findings (no personal data: officials are
    not named — the report goes to the city and the inspected unit)."""
    kind = RoundKind(round.kind).label
    findings = list(round.findings.select_related("unit").order_by("category", "number"))
    policy = policy_for(round.unit_id, round.starts_on)
    members = list(round.members.select_related("official").order_by("role", "pk"))
    methods = "、".join(str(Method(m).label) for m in round.methods) or "（未记录）"
    period = f"{round.starts_on:%Y年%-m月%-d日}" + (
        f"至{round.ends_on:%Y年%-m月%-d日}" if round.ends_on else "起"
    )
    helping = f"（{round.helping_unit.name}）" if round.helping_unit_id else ""
    situation = round.situation.strip() or (
        f"{period}，{round.issuer.name}组织{kind}组（组长 1 人、成员 {max(len(members) - 1, 0)} 人）"
        f"对{round.unit.name}{helping}开展{kind}，"
        f"采取{methods}等方式，共发现问题 {len(findings)} 个。"
    )
    blocks: list = [Heading("一、基本情况"), Paragraph(situation), Heading("二、发现的问题")]
    if not findings:
        blocks.append(Paragraph("本次未发现需要整改的问题。"))
    by_category = defaultdict(list)
    for f in findings:
        by_category[f.category].append(f)
    for index, (category, items) in enumerate(by_category.items()):
        numeral = NUMERALS[index] if index < len(NUMERALS) else str(index + 1)
        blocks.append(Heading(f"（{numeral}）{policy.category_label(category)}（{len(items)} 个）", level=2))
        for n, f in enumerate(items, start=1):
            transfer = f"（已移交{TransferTo(f.transfer_to).label}）" if f.transfer_to else ""
            blocks.append(Paragraph(f"{n}. {f.unit.name}：{f.description}{transfer}"))
    if findings:
        blocks.append(
            Table(
                header=["问题编号", "单位", "类别", "严重程度", "整改期限"],
                rows=[
                    [
                        f.number,
                        f.unit.name,
                        policy.category_label(f.category),
                        f.get_severity_display(),
                        f.deadline.isoformat(),
                    ]
                    for f in findings
                ],
                caption="问题清单",
            )
        )
    blocks.append(Heading("三、意见建议"))
    blocks.append(
        Paragraph(
            round.opinions.strip() or "请被检查单位对照问题清单逐项制定整改措施，按期整改并报送整改情况。"
        )
    )
    if round.kind == RoundKind.PATROL:
        blocks.append(
            Paragraph(
                f"请于反馈之日起 {policy.patrol_rectification_months} 个月内完成整改并报送整改情况"
                "（《惠州市脱贫攻坚督查巡查工作办法》第十八条）。"
            )
        )
    return OfficialDocument(
        title=f"关于对{round.unit.name}开展{kind}情况的报告",
        issuer=f"{round.issuer.name}{kind}组",
        date=timezone.localdate(),
        recipients=round.issuer.name,
        blocks=blocks,
    )


@transaction.atomic
def round_report_generate(*, actor, round: InspectionRound) -> InspectionRound:
    """Render the report and keep it with the round (regenerated on request; history keeps when)."""
    require_permission(actor, "inspections.change_inspectionround")
    require_in_jurisdiction(actor, round.issuer_id)
    content = render_docx(round_document(round))
    with history_context(actor=actor, reason="生成督查巡查书面报告"):
        round.report.save(f"{round.number}-report.docx", ContentFile(content), save=False)
        round.report_generated_at = timezone.now()
        round.save(update_fields=["report", "report_generated_at"])
    return round
