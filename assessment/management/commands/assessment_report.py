"""python manage.py assessment_report --year 2024 --unit 349901000000 --format docx --out report.docx"""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accountability.models import AdminUnit
from assessment import reports
from assessment.models import AssessmentReport, ReportFormat, ReportStatus
from assessment.services import report_template_for, result_compute, round_open, sample_draw


class Command(BaseCommand):
    help = "生成单位的年度扶贫开发工作成效考核报告（docx 公文格式、xlsx 或 html），同步执行。"

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="考核年度，如 2024")
        parser.add_argument("--unit", required=True, help="组织考核的单位的 12 位行政区划代码")
        parser.add_argument(
            "--format", required=True, choices=[f.value for f in ReportFormat], help="docx、xlsx 或 html"
        )
        parser.add_argument("--out", type=Path, required=True, help="写出的文件")

    def handle(self, *args, year, unit, format, out, **options):
        if not 1980 <= year <= 2100:
            raise CommandError(f"考核年度 {year} 超出合理范围（1980–2100）")
        assessor = AdminUnit.objects.filter(code=unit.strip()).first()
        if assessor is None:
            raise CommandError(f"行政区划代码 {unit} 不存在")
        if out.parent and not out.parent.exists():
            raise CommandError(f"目录 {out.parent} 不存在")
        try:
            round_ = round_open(unit=assessor, year=year, actor=None)
            if not round_.sample.exists():
                try:
                    sample_draw(round_=round_, actor=None)
                except ValidationError as error:
                    self.stderr.write(f"未抽样：{'；'.join(error.messages)}")
            result, created = result_compute(round_=round_, actor=None)
        except ValidationError as error:
            raise CommandError("；".join(error.messages)) from None
        template = report_template_for(assessor) if format == ReportFormat.DOCX else None
        content = reports.render(result, format, template=bytes(template.content) if template else None)
        AssessmentReport.objects.create(
            result=result,
            unit=assessor,
            format=format,
            template=template,
            status=ReportStatus.DONE,
            progress=100,
            content=content,
        )
        try:
            out.write_bytes(content)
        except OSError as error:
            raise CommandError(f"无法写入 {out}：{error.strerror}") from None
        state = "新计算" if created else "沿用"
        self.stdout.write(
            f"已生成 {out}（{state}第 {result.version} 版考核结果，{len(result.rows)} 个被考核单位）"
        )
