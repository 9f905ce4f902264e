"""The assessment's pages: the dashboard as home page with its drill-down, rounds, the sample sheet
round trip, reports started from a page and followed on their progress page (issue 17)."""

from __future__ import annotations

import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from accountability.access.roles import role_group
from accountability.importing.services import run_import
from accountability.models import AdminUnit
from assessment.models import AssessmentReport, AssessmentRound, SampleHousehold
from assessment.services import report_generate, round_open
from tests.factories import UserFactory
from tests.test_assessment import COUNTY, TOWNSHIPS, YEAR, county  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("county")]


def office(code: str = COUNTY, role: str = "county_office", name: str = "east"):
    user = UserFactory(username=name, jurisdiction_id=code)
    user.groups.add(role_group(role))
    return user


def test_the_home_page_of_an_office_is_its_dashboard_drilling_down(client):
    client.force_login(office())
    page = client.get("/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "作战图 · 东山县" in body
    for code in TOWNSHIPS:
        assert f"?unit={code}&amp;year=" in body  # each township links one level down
    assert "无数据来源" not in body  # every tile's metric is registered (funds, inspections, visits, …)
    township = client.get(f"/dashboard/?unit={TOWNSHIPS[0]}&year={YEAR}").content.decode()
    assert "作战图 · 青石镇" in township and "?unit=349901101201&amp;year=" in township
    assert client.get("/dashboard/?unit=349902000000").status_code == 404  # the sibling county
    assert client.get("/dashboard/?unit=349999000000").status_code == 404  # unknown: the same answer


def test_the_dashboard_issues_a_constant_number_of_queries(client):
    client.force_login(office())
    client.get("/dashboard/")  # warm caches (content types, permissions)
    with CaptureQueriesContext(connection) as few:
        assert client.get(f"/dashboard/?year={YEAR}").status_code == 200
    for n in range(4, 10):
        AdminUnit.objects.create(
            code=f"349901{100 + n:03d}000", name=f"新镇{n}", level="township", parent_id=COUNTY
        )
    with CaptureQueriesContext(connection) as many:
        assert client.get(f"/dashboard/?year={YEAR}").status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)


def test_a_village_official_sees_his_tasks_first(client):
    client.force_login(office("349901101201", "village_official", "cun"))
    body = client.get("/").content.decode()
    assert body.index("我的任务") < body.index('id="tiles"')
    assert "生成报告" not in body


def test_a_role_without_the_assessment_keeps_the_plain_home_page(client):
    user = UserFactory(username="nobody", jurisdiction_id=COUNTY)
    client.force_login(user)
    body = client.get("/").content.decode()
    assert "工作台" in body and "作战图" not in body


def test_the_sample_sheet_goes_out_and_comes_back_as_an_import(client, tmp_path):
    user = office()
    client.force_login(user)
    response = client.post("/assessment/open/", {"year": YEAR, "unit": COUNTY})
    round_ = AssessmentRound.objects.get(unit_id=COUNTY, year=YEAR)
    assert response.status_code == 302 and response["Location"] == f"/assessment/rounds/{round_.pk}/"
    client.post(f"/assessment/rounds/{round_.pk}/sample/")
    sheet = client.get(f"/assessment/rounds/{round_.pk}/sample.xlsx")
    workbook = load_workbook(
        io.BytesIO(b"".join(sheet.streaming_content if sheet.streaming else [sheet.content]))
    )
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows[0][:4] == ("考核年度", "考核单位代码", "户编号", "核查结论")
    assert len(rows) - 1 == SampleHousehold.objects.filter(round=round_).count()
    filled = [list(rows[0])]
    for row in rows[1:]:
        row = list(row)
        row[3] = "准确"
        filled.append(row)
    path = tmp_path / "back.xlsx"
    from tests.conftest import write_xlsx

    write_xlsx(path, filled[0], filled[1:])
    job = run_import(kind="assessment_samples", path=path, actor=user)
    assert job.written_rows == len(rows) - 1, job.errors
    assert not SampleHousehold.objects.filter(round=round_, verdict="").exists()


def test_a_round_of_another_county_answers_404(client):
    other = round_open(unit=AdminUnit.objects.get(code="349902000000"), year=YEAR, actor=None)
    client.force_login(office())
    assert client.get(f"/assessment/rounds/{other.pk}/").status_code == 404
    assert client.post(f"/assessment/rounds/{other.pk}/sample/").status_code == 404
    assert client.get(f"/assessment/rounds/{other.pk}/sample.xlsx").status_code == 404
    assert not other.sample.exists()


def test_an_auditor_reads_but_does_not_run_the_assessment(client):
    round_ = round_open(unit=AdminUnit.objects.get(code=COUNTY), year=YEAR, actor=None)
    client.force_login(office(role="auditor", name="aud"))
    assert client.get(f"/assessment/rounds/{round_.pk}/").status_code == 200
    assert client.post(f"/assessment/rounds/{round_.pk}/sample/").status_code == 403
    assert client.post(f"/assessment/rounds/{round_.pk}/compute/").status_code == 403
    assert not round_.sample.exists() and not round_.results.exists()


def test_a_report_started_from_the_page_is_followed_and_downloaded(
    client, django_capture_on_commit_callbacks
):
    client.force_login(office())
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post("/assessment/reports/new/", {"unit": COUNTY, "year": YEAR, "format": "xlsx"})
    report = AssessmentReport.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/assessment/reports/{report.pk}/"
    assert len(queued) == 1  # the Celery task, sent after the commit
    waiting = client.get(f"/assessment/reports/{report.pk}/").content.decode()
    assert "<progress" in waiting and "hx-trigger" in waiting
    report_generate(report.pk)  # what the worker does
    done = client.get(f"/assessment/reports/{report.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in done and "下载" in done
    download = client.get(f"/assessment/reports/{report.pk}/download/")
    workbook = load_workbook(io.BytesIO(download.content))
    ranking = list(workbook["得分与排名"].iter_rows(min_row=4, values_only=True))[:3]
    page = client.get(f"/assessment/rounds/{report.result.round_id}/").content.decode()
    shown = re.findall(r'<tr data-code="(\d+)">.*?<td class="num score">([\d.]+)</td>', page, re.S)
    assert [(code, float(total)) for code, total in shown] == [(r[2], r[3]) for r in ranking]
    other = office(code="349902000000", name="west")
    client.force_login(other)
    assert client.get(f"/assessment/reports/{report.pk}/download/").status_code == 404


def test_a_township_round_shows_the_quarterly_village_assessment(client):
    from assessment.models import QuarterlyScore

    township = AdminUnit.objects.get(code=TOWNSHIPS[0])
    round_ = round_open(unit=township, year=YEAR, actor=None)
    villages = list(AdminUnit.objects.filter(parent=township).order_by("code"))
    year_scores = {}
    for i, village in enumerate(villages):
        for quarter in (1, 2, 3, 4):
            QuarterlyScore.objects.create(village=village, year=YEAR, quarter=quarter, score=90 - 12 * i)
        year_scores[village.code] = 90 - 12 * i  # equal quarters: the year's score is the same
    client.force_login(office(code=TOWNSHIPS[0], role="township_staff", name="zhen"))
    body = client.get(f"/assessment/rounds/{round_.pk}/").content.decode()
    table = body[body.index('id="villages"') :]
    assert "54.00" in table and "不合格" in table  # the fourth village: 54 < 60, bottom two → a talk
    assert "约谈" in table and "年终奖励" in table


def test_the_dashboard_keeps_the_metrics_figures_for_a_while(client, settings):
    from django.core.cache import cache

    settings.DASHBOARD_CACHE_SECONDS = 60
    cache.delete_many(
        [f"assessment:dashboard:poverty_incidence:{YEAR}:{level}:349901" for level in ("county", "township")]
    )
    client.force_login(office())
    with CaptureQueriesContext(connection) as first:
        before = client.get(f"/dashboard/?year={YEAR}").content.decode()
    from households.models import Household

    Household.objects.filter(village__code__startswith="349901101").update(status="removed")
    with CaptureQueriesContext(connection) as second:
        after = client.get(f"/dashboard/?year={YEAR}").content.decode()
    assert len(second.captured_queries) < len(first.captured_queries)
    tile = re.compile(r'data-tile="incidence">.*?<strong class="tile-value">([^<]*)</strong>', re.S)
    assert tile.search(before).group(1) == tile.search(after).group(1)  # the cached figure
    settings.DASHBOARD_CACHE_SECONDS = 0
    fresh = client.get(f"/dashboard/?year={YEAR}").content.decode()
    assert tile.search(fresh).group(1) != tile.search(before).group(1)


def test_the_worker_computes_the_dashboard_ahead_and_every_level_reads_its_part(client, settings):
    """dashboard_warm computes each metric once per level for the whole city; the dashboard of any
    unit reads its children's figures from it — the same figures as computed on the visit — with
    fewer queries, and says when they were computed."""
    from django.core.cache import cache

    from assessment.selectors import METRIC_TILES, warm_key
    from assessment.services import dashboard_warm

    tile = re.compile(r'data-tile="(\w+)">.*?<strong class="tile-value">([^<]*)</strong>', re.S)
    tables = re.compile(r"<table.*?</table>", re.S)  # the children's figures
    client.force_login(office())
    pages = (f"/dashboard/?year={YEAR}", f"/dashboard/?year={YEAR}&unit={TOWNSHIPS[0]}")
    settings.DASHBOARD_CACHE_SECONDS = settings.DASHBOARD_WARM_SECONDS = 0
    live = {}
    for page in pages:
        with CaptureQueriesContext(connection) as queries:
            body = client.get(page).content.decode()
            live[page] = (tile.findall(body) + tables.findall(body), len(queries.captured_queries))
    settings.DASHBOARD_WARM_SECONDS = 3600
    try:
        assert dashboard_warm(year=YEAR) >= 3
        for page in pages:
            with CaptureQueriesContext(connection) as queries:
                body = client.get(page).content.decode()
            assert tile.findall(body) + tables.findall(body) == live[page][0]
            assert len(queries.captured_queries) < live[page][1]
            assert "统计数据截至" in body
    finally:
        cache.delete_many(
            [
                warm_key(name, YEAR, level)
                for _c, _l, name in METRIC_TILES
                for level in ("county", "township", "village")
            ]
            + [f"assessment:dashboard:warm:{YEAR}:at"]
        )


def _quarterly_township():
    """Four villages of the first township with equal quarters 90, 78, 66, 54 (the last fails)."""
    from assessment.models import QuarterlyScore

    township = AdminUnit.objects.get(code=TOWNSHIPS[0])
    villages = list(AdminUnit.objects.filter(parent=township).order_by("code"))
    for i, village in enumerate(villages):
        for quarter in (1, 2, 3, 4):
            QuarterlyScore.objects.create(village=village, year=YEAR, quarter=quarter, score=90 - 12 * i)
    return township, villages


def test_the_unit_pages_show_the_quarterly_outcome(client):
    township, villages = _quarterly_township()
    client.force_login(office())
    body = client.get(f"/units/{villages[-1].code}/").content.decode()
    section = body[body.index('id="quarterly"') :]
    assert "54.00" in section and "不合格" in section and "村支书约谈" in section
    first = client.get(f"/units/{villages[0].code}/").content.decode()
    assert "年终奖励" in first[first.index('id="quarterly"') :]
    whole = client.get(f"/units/{township.code}/").content.decode()
    rows = whole[whole.index('id="quarterly-rows"') :]
    assert all(v.name in rows for v in villages)
    # a village without scores has no section; a role without the assessment sees none
    client.force_login(office(code=villages[-1].code, role="village_official", name="cun"))
    assert 'id="quarterly"' not in client.get(f"/units/{villages[-1].code}/").content.decode()


def test_the_official_page_shows_the_village_outcome_and_the_secretarys_talk(client):
    import datetime as dt

    from accountability.models import Official, Organisation, ResponsibilityAssignment

    _township, villages = _quarterly_township()
    organisation = Organisation.objects.create(name="村两委", kind="village_committees", unit=villages[-1])
    secretary = Official.objects.create(
        name="李书记", id_number="11010519491231002X", organisation=organisation
    )
    director = Official.objects.create(
        name="王主任", id_number="110105194912310037", organisation=organisation
    )
    for official, post in ((secretary, "village_secretary"), (director, "village_director")):
        ResponsibilityAssignment.objects.create(
            official=official, scope_unit=villages[-1], post=post, valid_from=dt.date(YEAR - 1, 1, 1)
        )
    # a tenure that ended before the year shows nothing
    earlier = Official.objects.create(
        name="赵前任", id_number="110105194912310053", organisation=organisation
    )
    ResponsibilityAssignment.objects.create(
        official=earlier,
        scope_unit=villages[-1],
        post="village_director",
        valid_from=dt.date(YEAR - 5, 1, 1),
        valid_to=dt.date(YEAR - 2, 12, 31),
    )
    client.force_login(office())
    body = client.get(f"/officials/{secretary.pk}/").content.decode()
    section = body[body.index('id="quarterly"') :]
    assert "54.00" in section and "本人须接受约谈并作书面检讨" in section
    other = client.get(f"/officials/{director.pk}/").content.decode()
    assert "54.00" in other[other.index('id="quarterly"') :]
    assert "本人须接受约谈并作书面检讨" not in other  # the talk concerns the secretary
    assert 'id="quarterly"' not in client.get(f"/officials/{earlier.pk}/").content.decode()


def test_the_office_uploads_its_word_template_and_reports_use_it(client):
    from docx import Document

    from accountability.platform.documents import OfficialDocument, Paragraph, render_docx
    from assessment.models import ReportTemplate

    client.force_login(office())
    page = client.get("/assessment/templates/").content.decode()
    assert "系统内置模板" in page and "{{ 标题 }}" in page
    built_in = client.get("/assessment/templates/default.docx")
    assert "{{ 标题 }}" in [p.text for p in Document(io.BytesIO(built_in.content)).paragraphs]
    template = render_docx(
        OfficialDocument(
            title="{{ 标题 }}",
            issuer="东山县扶贫办",
            date="{{ 成文日期 }}",
            blocks=[Paragraph("东山县扶贫开发领导小组办公室"), Paragraph("{{p 图表 }}")],
        )
    )
    upload = io.BytesIO(template)
    upload.name = "红头.docx"
    response = client.post("/assessment/templates/", {"file": upload, "note": "2024 年红头"}, follow=True)
    assert "已上传东山县的报告模板" in response.content.decode()
    stored = ReportTemplate.objects.get()
    assert stored.unit_id == COUNTY and stored.uploaded_by.username == "east"
    # a unit outside the jurisdiction answers as an unknown one; nothing is stored
    other = io.BytesIO(template)
    other.name = "x.docx"
    assert client.post("/assessment/templates/", {"file": other, "unit": "349902000000"}).status_code == 404
    broken = io.BytesIO(b"not a word file")
    broken.name = "y.docx"
    refused = client.post("/assessment/templates/", {"file": broken}, follow=True).content.decode()
    assert "不是可用的 Word 模板" in refused and ReportTemplate.objects.count() == 1
    # the report started from the page records and uses the template
    round_ = round_open(unit=AdminUnit.objects.get(code=COUNTY), year=YEAR, actor=None)
    client.post(f"/assessment/rounds/{round_.pk}/reports/", {"format": "docx"})
    report = AssessmentReport.objects.get()
    assert report.template == stored
    report_generate(report.pk)
    report.refresh_from_db()
    texts = [p.text for p in Document(io.BytesIO(bytes(report.content))).paragraphs]
    assert "东山县扶贫开发领导小组办公室" in texts and "东山县扶贫办" in texts
    # an auditor reads the templates but uploads none
    client.force_login(office(role="auditor", name="shenji"))
    assert client.get("/assessment/templates/").status_code == 200
    again = io.BytesIO(template)
    again.name = "z.docx"
    assert client.post("/assessment/templates/", {"file": again}).status_code == 403
