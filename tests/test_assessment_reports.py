"""The report files of issue 17: chart images in the Word report, the office's Word template
(sandboxed), Chart.js vendored and inlined in the html file."""

from __future__ import annotations

import hashlib
import io
import os
import re
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from docx import Document

from accountability.models import AdminUnit
from accountability.platform.documents import Heading, OfficialDocument, Paragraph, render_docx
from assessment import charts, reports
from assessment.charts import png
from assessment.models import AssessmentReport, ReportTemplate, Verdict
from assessment.services import (
    report_template_for,
    report_template_upload,
    result_compute,
    round_open,
    sample_draw,
)
from households.models import HouseholdStatus
from tests.test_assessment import COUNTY, TOWNSHIPS, YEAR, county, superuser  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db


def _template(*lines: str) -> bytes:
    """A Word template in the official layout whose body paragraphs are ``lines``."""
    return render_docx(
        OfficialDocument(
            title="{{ 标题 }}",
            issuer="{{ 发文机关 }}",
            date="{{ 成文日期 }}",
            blocks=[Heading("一、基本情况"), *[Paragraph(line) for line in lines]],
        )
    )


def _report(out: Path, format: str = "docx") -> bytes:
    call_command("assessment_report", year=YEAR, unit=COUNTY, format=format, out=out, stdout=io.StringIO())
    return out.read_bytes()


def test_the_word_report_embeds_the_charts_as_png_images(county, tmp_path):  # noqa: F811
    document = Document(io.BytesIO(_report(tmp_path / "r.docx")))
    assert len(document.inline_shapes) >= 1
    with zipfile.ZipFile(tmp_path / "r.docx") as archive:
        images = [n for n in archive.namelist() if n.startswith("word/media/")]
        assert images and all(archive.read(n).startswith(b"\x89PNG") for n in images)
    captions = [p.text for p in document.paragraphs if p.text.startswith("图 ")]
    assert captions[0] == "图 1  综合得分"
    # the built-in template leaves no placeholder behind
    assert not [p.text for p in document.paragraphs if "{{" in p.text or "{%" in p.text]


@pytest.mark.skipif(not os.environ.get("REQUIRE_BROWSER"), reason="the CJK fonts are installed by .ci/run")
def test_a_chinese_font_draws_the_chart_images():
    assert charts.cjk_font() in charts.CJK_FONTS


def test_the_chart_of_a_rate_carries_its_wilson_interval(county, superuser):  # noqa: F811
    round_ = round_open(unit=county, year=YEAR, actor=superuser)
    sample_draw(round_=round_, actor=superuser)
    for n, drawn in enumerate(round_.sample.filter(status=HouseholdStatus.NOT_EXITED).order_by("number")):
        drawn.verdict = Verdict.ACCURATE if n % 4 else Verdict.MISIDENTIFIED
        drawn.save()
    result, _created = result_compute(round_=round_, actor=superuser)
    data = reports.build(result)
    by_key = {c.key: c for c in reports.report_charts(data)}
    total = by_key["total"]
    assert total.labels[-1].endswith("（本级）") and len(total.labels) == len(TOWNSHIPS) + 1
    rate = by_key["identification_accuracy"]
    own = result.inputs["own"]["rates"]["identification_accuracy"]
    assert rate.labels[-1].endswith("（本级）")
    assert (rate.low[-1], rate.values[-1], rate.high[-1]) == tuple(
        Decimal(own[k]) for k in ("low", "percent", "high")
    )
    assert all(lo <= v <= hi for v, lo, hi in zip(rate.values, rate.low, rate.high, strict=True))
    assert png(rate).startswith(b"\x89PNG")


def test_an_office_template_changes_the_letterhead_and_wording(county, superuser, tmp_path):  # noqa: F811
    unit = AdminUnit.objects.get(code=COUNTY)
    template = _template(
        "东山县扶贫开发领导小组办公室（红头）",
        "{%p for 段 in 基本情况 %}",
        "{{ 段 }}",
        "{%p endfor %}",
        "第 {{ 结果版本 }} 版，抽样种子 {{ 抽样种子 }}。",
        "{{p 图表 }}",
    )
    stored = report_template_upload(unit=unit, name="红头模板.docx", content=template, actor=superuser)
    assert report_template_for(unit) == stored
    assert report_template_for(AdminUnit.objects.get(code=TOWNSHIPS[0])) == stored  # governs below
    document = Document(io.BytesIO(_report(tmp_path / "r.docx")))
    texts = [p.text for p in document.paragraphs]
    assert "东山县扶贫开发领导小组办公室（红头）" in texts
    assert texts[0] == "东山县2024年度扶贫开发工作成效考核报告"
    report = AssessmentReport.objects.get()
    assert report.template == stored
    assert f"第 1 版，抽样种子 {report.result.round.seed}。" in texts
    assert len(document.tables) == 7 and document.inline_shapes  # the block of tables and charts


def test_the_nearest_template_governs(county, superuser):  # noqa: F811
    city = AdminUnit.objects.get(code=COUNTY).parent
    county_unit = AdminUnit.objects.get(code=COUNTY)
    plain = _template("{{ 标题 }}")
    city_template = report_template_upload(unit=city, name="市.docx", content=plain, actor=superuser)
    assert report_template_for(county_unit) == city_template
    county_template = report_template_upload(unit=county_unit, name="县.docx", content=plain, actor=superuser)
    assert report_template_for(county_unit) == county_template
    assert report_template_for(city) == city_template
    newer = report_template_upload(unit=county_unit, name="县2.docx", content=plain, actor=superuser)
    assert report_template_for(county_unit) == newer


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (_template("{{ 标题.__class__.__mro__ }}"), "t.docx", "占位符有误"),  # the sandbox refuses
        (_template("{% for x in %}"), "t.docx", "占位符有误"),
        (b"PK\x03\x04 not a zip", "t.docx", "不是可用的 Word 模板"),
        (b"", "t.docx", "请选择模板文件"),
        (b"x", "t.doc", ".docx"),
    ],
)
def test_a_template_that_cannot_be_used_is_refused(county, superuser, content, name, message):  # noqa: F811
    with pytest.raises(ValidationError, match=re.escape(message)):
        report_template_upload(
            unit=AdminUnit.objects.get(code=COUNTY), name=name, content=content, actor=superuser
        )
    assert not ReportTemplate.objects.exists()


def test_the_built_in_template_is_the_official_layout_with_its_placeholders():
    document = Document(io.BytesIO(reports.default_template()))
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == "{{ 标题 }}"
    assert "{{p 图表 }}" in texts
    for name in reports.TEMPLATE_SECTIONS:
        assert f"{{%p for 段 in {name} %}}" in texts
    section = document.sections[0]
    assert round(section.top_margin.mm) == 37 and round(section.left_margin.mm) == 28


def test_the_html_file_inlines_chart_js_and_the_chart_data(county, tmp_path):  # noqa: F811
    text = _report(tmp_path / "r.html", "html").decode("utf-8")
    assert '<script type="application/json" id="report-charts">' in text
    assert "Chart.js v4.5.1" in text  # the vendored library, inlined
    assert 'canvas data-chart="total"' in text
    assert " src=" not in text and "<link" not in text


def test_the_vendored_chart_js_is_the_published_file():
    folder = Path(settings.BASE_DIR) / "static" / "vendor" / "chart.js"
    recorded = (folder / "VERSION").read_text(encoding="utf-8")
    digest = hashlib.sha256((folder / "chart.umd.min.js").read_bytes()).hexdigest()
    assert f"chart.umd.min.js sha256 {digest}" in recorded
    assert (folder / "LICENSE.md").exists()


# --- helping units (C3-24: the city assesses counties and helping units, a county its own) ---------


def test_the_county_assesses_its_helping_units_over_their_paired_villages(county, superuser, tmp_path):  # noqa: F811
    import datetime as dt

    from openpyxl import load_workbook

    from accountability.models import HelpingUnitPairing, Organisation
    from assessment.models import Satisfaction

    villages = list(
        AdminUnit.objects.filter(code__startswith=TOWNSHIPS[0][:9], level="village").order_by("code")
    )
    township = AdminUnit.objects.get(code=TOWNSHIPS[0])

    def helping_unit(name, unit=county, kind="helping_unit"):
        return Organisation.objects.create(name=name, kind=kind, unit=unit)

    a, b = helping_unit("县农业农村局"), helping_unit("县交通运输局")
    pairs = [(a, villages[0], dt.date(YEAR - 2, 1, 1), None), (a, villages[1], dt.date(YEAR, 12, 31), None)]
    pairs += [
        (b, villages[2], dt.date(YEAR - 3, 1, 1), dt.date(YEAR, 1, 1))
    ]  # in force on one day of the year
    # not assessed by the county: a pairing that ended the year before, a township's unit, a department
    pairs += [(helping_unit("县水利局"), villages[3], dt.date(YEAR - 3, 1, 1), dt.date(YEAR - 1, 12, 31))]
    pairs += [(helping_unit("镇农办", unit=township), villages[0], dt.date(YEAR, 1, 1), None)]
    pairs += [(helping_unit("县财政局", kind="department"), villages[0], dt.date(YEAR, 1, 1), None)]
    for organisation, village, start, end in pairs:
        HelpingUnitPairing.objects.create(
            organisation=organisation, village=village, valid_from=start, valid_to=end
        )
    round_ = round_open(unit=county, year=YEAR, actor=superuser)
    sample_draw(round_=round_, actor=superuser)
    for n, drawn in enumerate(round_.sample.filter(village__in=villages[:3]).order_by("number")):
        if drawn.village_id == villages[2].code:  # B's village: half dissatisfied → 50 % < 80 % → 0 points
            drawn.satisfaction = Satisfaction.DISSATISFIED if n % 2 else Satisfaction.SATISFIED
        else:
            drawn.satisfaction = Satisfaction.SATISFIED
        drawn.save()
    result, _created = result_compute(round_=round_, actor=superuser)
    rows = {row["name"]: row for row in result.helping_rows}
    assert set(rows) == {"县农业农村局", "县交通运输局"}
    assert rows["县农业农村局"]["villages"] == [villages[0].code, villages[1].code]
    # H-1 none late (0 → 40), H-2 100 % (30), H-3 no verdicts → excluded: scaled to 100
    assert rows["县农业农村局"]["indicators"]["H-3"]["state"] == "no_data"
    assert Decimal(rows["县农业农村局"]["total"]) == Decimal("100.00")
    assert rows["县交通运输局"]["indicators"]["H-2"]["score"] == "0.00"
    assert Decimal(rows["县交通运输局"]["total"]) == Decimal("57.14")  # (40 + 0) / 70 × 100
    assert [r["rank"] for r in result.helping_rows] == [1, 2]
    # in the reports
    out = tmp_path / "r.xlsx"
    call_command("assessment_report", year=YEAR, unit=COUNTY, format="xlsx", out=out, stdout=io.StringIO())
    sheet = list(load_workbook(out)["帮扶单位"].iter_rows(values_only=True))
    assert sheet[1][:3] == (1, "县农业农村局", 2) and sheet[1][-2] == 100
    docx = Document(io.BytesIO(_report(tmp_path / "r.docx")))
    assert [p.text for p in docx.paragraphs if p.text.startswith("表 4")] == [
        "表 4  帮扶单位考核（指标值 / 得分）"
    ]
    # a township assesses no helping units
    township_round = round_open(unit=township, year=YEAR, actor=superuser)
    assert result_compute(round_=township_round, actor=superuser)[0].helping_rows == []
