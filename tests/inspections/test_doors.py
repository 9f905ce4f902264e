"""The doors into inspections: the import kind, pages, API, exports, the round report, scoping."""

from __future__ import annotations

import datetime as dt
import io

from django.db import connection
from django.test.utils import CaptureQueriesContext
from docx import Document
from openpyxl import load_workbook

from accountability.demo.responsibility import HANDOVER_DAY
from accountability.importing.services import run_import
from accountability.models import AdminUnit, Official, Post
from inspections import services
from inspections.models import Finding, FindingStatus, StepKind, SupervisionPlan
from tests.inspections.conftest import (
    CITY,
    COUNTY,
    COUNTY_2,
    PNG,
    TOWNSHIP,
    VILLAGE,
    finding,
    login,
    patrol,
)

D = dt.date
HEADERS = [
    "问题编号",
    "发现日期",
    "来源",
    "问题类别",
    "严重程度",
    "单位代码",
    "问题描述",
    "整改期限",
    "反馈日期",
    "责任人证件号码",
    "是否移交",
]


def test_import_findings_reports_row_and_column_and_is_idempotent(people, xlsx):
    official = Official.objects.filter(organisation__unit_id=TOWNSHIP).first()
    rows = [
        ["IMP-1", "2026-08-31", "巡查", "作风问题", "一般", VILLAGE, "慢作为", "", "", "", "否"],
        ["IMP-2", "2026-08-31", "巡查", "作风问题", "较重", TOWNSHIP, "假作为", "", "2026-12-31", "", ""],
        [
            "IMP-3",
            "2026-03-01",
            "审计",
            "资金筹措和使用",
            "严重",
            TOWNSHIP,
            "挪用",
            "2026-05-01",
            "",
            official.id_number,
            "是",
        ],
        ["IMP-4", "2026-03-01", "督查", "不存在的类别", "一般", TOWNSHIP, "x", "", "", "", ""],
        ["IMP-5", "2026-03-01", "来信", "责任落实", "一般", COUNTY_2, "x", "", "", "", ""],
        ["IMP-1", "2026-03-01", "督查", "责任落实", "特别", TOWNSHIP, "x", "2026-01-01", "", "", ""],
    ]
    path = xlsx(rows, headers=HEADERS)
    job = run_import(kind="inspection_findings", path=path, actor=people["county"])
    errors = {(e["row"], e["column"]) for e in job.errors}
    assert errors == {
        (3, "反馈日期"),  # in the future
        (5, "问题类别"),
        (6, "来源"),
        (6, "单位代码"),  # another county
        (7, "严重程度"),
        (7, "整改期限"),
        (7, "问题编号"),
    }
    one = Finding.objects.get(number="IMP-1")
    assert (one.source, one.deadline) == ("patrol", D(2026, 10, 31))  # 2 months from 发现日期 31 Aug
    three = Finding.objects.get(number="IMP-3")
    assert three.deadline == D(2026, 5, 1) and three.transfer_to == "discipline"
    assert list(three.responsible.values_list("official_id", flat=True)) == [official.pk]
    assert Finding.objects.count() == 2
    again = run_import(kind="inspection_findings", path=path, actor=people["county"])
    assert again.new_rows == 0 and Finding.objects.count() == 2


def test_an_imported_patrol_finding_takes_its_deadline_from_the_feedback_column(people, xlsx):
    path = xlsx(
        [
            [
                "IMP-9",
                "2026-06-30",
                "巡查",
                "项目资金问题",
                "一般",
                TOWNSHIP,
                "项目延误",
                "",
                "2026-08-31",
                "",
                "",
            ]
        ],
        headers=HEADERS,
    )
    run_import(kind="inspection_findings", path=path, actor=people["county"])
    assert Finding.objects.get(number="IMP-9").deadline == D(2026, 10, 31)


def test_the_browser_journey_without_a_browser(client, people):
    """Inspector records with a photo; township reports on the phone form; the owner is refused;
    the county closes it."""
    client.force_login(people["county"])
    fake = io.BytesIO(b"MZ" + PNG)
    fake.name = "photo.jpg"
    form = {
        "number": "J-1",
        "unit": TOWNSHIP,
        "found_on": "2026-06-01",
        "source": "supervision",
        "category": "responsibility",
        "severity": "general",
        "description": "责任书未签订",
    }
    refused = client.post("/inspections/findings/new/", {**form, "files": fake})
    assert "不符" in refused.content.decode() and not Finding.objects.filter(number="J-1").exists()
    photo = io.BytesIO(PNG)
    photo.name = "site.png"
    response = client.post(
        "/inspections/findings/new/",
        {
            "number": "J-1",
            "unit": TOWNSHIP,
            "found_on": "2026-06-01",
            "source": "supervision",
            "category": "responsibility",
            "severity": "general",
            "description": "责任书未签订",
            "files": photo,
        },
    )
    f = Finding.objects.get(number="J-1")
    assert response.status_code == 302 and f.evidence.count() == 1
    client.force_login(people["township"])
    page = client.get(f"/inspections/findings/{f.pk}/").content.decode()
    assert "填报整改情况" in page
    photo = io.BytesIO(PNG)
    photo.name = "done.png"
    client.post(
        f"/inspections/findings/{f.pk}/report/", {"text": "已签订", "request_close": "on", "files": photo}
    )
    f.refresh_from_db()
    assert f.status == FindingStatus.AWAITING
    owner = login(TOWNSHIP, "county_office", name="owner")
    client.force_login(owner)
    assert "不能核验本单位" in client.get(f"/inspections/findings/{f.pk}/").content.decode()
    client.post(f"/inspections/findings/{f.pk}/decide/", {"decision": "verify"})
    f.refresh_from_db()
    assert f.status == FindingStatus.AWAITING
    client.force_login(people["county"])
    client.post(f"/inspections/findings/{f.pk}/decide/", {"decision": "verify", "text": "属实"})
    f.refresh_from_db()
    assert f.status == FindingStatus.CLOSED
    assert list(f.steps.values_list("kind", flat=True)) == [
        StepKind.CREATED,
        StepKind.REQUEST_CLOSE,
        StepKind.VERIFIED,
    ]


def test_pages_answer_404_outside_the_jurisdiction(client, people):
    f = finding(people["inspector"], unit=TOWNSHIP)
    round = patrol(people["inspector"])
    other = login(COUNTY_2, "county_office")
    client.force_login(other)
    for url in (
        f"/inspections/findings/{f.pk}/",
        f"/inspections/findings/{f.pk + 10_000}/",
        f"/inspections/rounds/{round.pk}/",
        f"/inspections/findings/?unit={TOWNSHIP}",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/inspections/findings/{f.pk}/report/", {"text": "x"}).status_code == 404
    assert f.number not in client.get("/inspections/findings/").content.decode()
    api = client.get("/api/inspection-findings/").json()
    assert f.number not in str(api)
    assert client.get(f"/api/inspection-findings/{f.pk}/").status_code == 404
    assert client.post(f"/api/inspection-findings/{f.pk}/verify/", {}, "application/json").status_code == 404


def test_api_steps_and_verification(client, people):
    f = finding(people["inspector"], unit=TOWNSHIP)
    client.force_login(people["township"])
    photo = io.BytesIO(PNG)
    photo.name = "p.png"
    response = client.post(
        f"/api/inspection-findings/{f.pk}/report/",
        {"text": "完成", "measures": "逐户补签", "request_close": "true", "files": [photo]},
    )
    assert response.status_code == 201 and response.json()["files"][0]["kind"] == "photo"
    assert client.post(f"/api/inspection-findings/{f.pk}/verify/", {}, "application/json").status_code == 403
    client.force_login(people["county"])
    body = client.post(f"/api/inspection-findings/{f.pk}/verify/", {"text": "ok"}, "application/json").json()
    assert body["status"] == "closed" and body["number"] == f.number and body["measures"] == "逐户补签"
    steps = client.get(f"/api/rectification-steps/?finding={f.pk}").json()
    assert [s["kind"] for s in steps["results"]] == ["created", "request_close", "verified"]
    listed = client.get("/api/inspection-findings/?state=closed").json()
    assert [x["number"] for x in listed["results"]] == [f.number]


def test_api_creates_a_finding_with_its_responsible_officials(client, people):
    client.force_login(people["county"])
    response = client.post(
        "/api/inspection-findings/",
        {
            "number": "API-1",
            "unit": VILLAGE,
            "found_on": (HANDOVER_DAY - dt.timedelta(days=1)).isoformat(),
            "source": "self_inspection",
            "category": "pairing",
            "severity": "general",
            "description": "帮扶措施未落实",
        },
        "application/json",
    )
    assert response.status_code == 201
    posts = {r["post"] for r in response.json()["responsible"]}
    assert Post.VILLAGE_SECRETARY in posts
    bad = client.post(
        "/api/inspection-findings/", {"number": "API-2", "unit": "349902101201"}, "application/json"
    )
    assert bad.status_code in (400, 404)


def test_ledger_exports_and_query_count(client, people):
    for n in range(3):
        finding(people["inspector"], unit=TOWNSHIP, found_on=D(2026, 1, 10 + n), deadline=D(2026, 3, 1))
    client.force_login(people["county"])
    with CaptureQueriesContext(connection) as three:
        assert client.get("/inspections/findings/?state=overdue").status_code == 200
    for n in range(5):
        finding(people["inspector"], unit=TOWNSHIP, found_on=D(2026, 2, 10 + n), deadline=D(2026, 3, 1))
    with CaptureQueriesContext(connection) as eight:
        page = client.get("/inspections/findings/?state=overdue").content.decode()
    assert len(eight) == len(three) and page.count("逾期") >= 8
    workbook = load_workbook(io.BytesIO(client.get("/inspections/findings/?format=xlsx&kind=ledger").content))
    sheet = workbook.active
    assert sheet.title == "整改台账" and sheet.max_row == 9
    assert all(isinstance(c.value, str) for c in sheet["A"][1:])
    listing = load_workbook(
        io.BytesIO(client.get("/inspections/findings/?format=xlsx&kind=list").content)
    ).active
    assert listing.title == "问题清单" and listing["A1"].value == "问题编号"


def test_round_report_is_an_official_document_of_its_findings(client, people):
    round = patrol(people["inspector"], feedback_on=D(2026, 8, 31))
    finding(people["inspector"], round=round, source="patrol", unit=TOWNSHIP, found_on=D(2026, 6, 1))
    client.force_login(people["inspector"])
    client.post(f"/inspections/rounds/{round.pk}/report/")
    round.refresh_from_db()
    assert round.report
    response = client.get(f"/inspections/rounds/{round.pk}/report/")
    document = Document(io.BytesIO(b"".join(response.streaming_content)))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "一、基本情况" in text and "二、发现的问题" in text and "三、意见建议" in text
    assert "慢作为" not in text and "帮扶措施未落实到户" in text
    assert "2 个月" in text


def test_unit_page_lists_open_problems_and_disclosure_hides_people(client, people):
    f = finding(people["inspector"], unit=TOWNSHIP)
    client.force_login(people["county"])
    assert f.number in client.get(f"/units/{TOWNSHIP}/").content.decode()
    services.rectification_report(actor=people["township"], finding=f, text="完成", request_close=True)
    services.finding_verify(actor=people["county"], finding=f)
    assert f.number not in client.get(f"/units/{TOWNSHIP}/").content.decode()
    page = client.get(f"/inspections/disclosure/?county={COUNTY}").content.decode()
    assert f.number in page
    names = [r.official.name for r in f.responsible.select_related("official")]
    assert names and not any(name in page for name in names)


def test_plan_page_shows_uncovered(client, people):
    plan = services.plan_create(
        actor=people["inspector"], unit=AdminUnit.objects.get(code=CITY), year=2026, title="督查计划"
    )
    client.force_login(people["inspector"])
    page = client.get(f"/inspections/plans/{plan.pk}/").content.decode()
    assert "尚未覆盖" in page and "东山县" in page


def test_api_petition_produces_a_finding_once(client, people):
    petition = services.petition_create(
        actor=people["county"],
        number="XF-API",
        channel="hotline",
        received_on=D(2026, 11, 2),
        content="反映帮扶不到位",
        unit=AdminUnit.objects.get(code=TOWNSHIP),
    )
    client.force_login(people["county"])
    url = f"/api/petitions/{petition.pk}/finding/"
    response = client.post(
        url, {"number": "XF-API-1", "category": "pairing", "severity": "general"}, "application/json"
    )
    assert response.status_code == 201 and response.json()["source"] == "petition"
    again = client.post(
        url, {"number": "XF-API-2", "category": "pairing", "severity": "general"}, "application/json"
    )
    assert again.status_code == 400 and not Finding.objects.filter(number="XF-API-2").exists()
    client.force_login(login(COUNTY_2, "county_office"))
    assert (
        client.post(
            url, {"number": "X", "category": "pairing", "severity": "general"}, "application/json"
        ).status_code
        == 404
    )


def test_round_page_creates_a_patrol_and_refuses_a_leader_below_division_rank(client, people):
    leader = Official.objects.filter(organisation__unit_id=CITY).order_by("pk").first()
    client.force_login(people["inspector"])
    form = {
        "kind": "patrol",
        "number": "XC-P1",
        "title": "专项巡查",
        "issuer": CITY,
        "unit": COUNTY,
        "starts_on": "2026-05-01",
        "approved_on": "2026-04-20",
        "leader": leader.id_number,
        "leader_rank": "section",
        "methods": ["meeting", "site"],
    }
    refused = client.post("/inspections/rounds/new/", form)
    assert "处级" in refused.content.decode()
    response = client.post("/inspections/rounds/new/", {**form, "leader_rank": "division"})
    assert response.status_code == 302
    unknown = client.post(
        "/inspections/rounds/new/", {**form, "number": "XC-P2", "leader": "110101199001011234"}
    )
    assert "没有该证件号码的干部" in unknown.content.decode()


def test_responsible_officials_are_editable_with_a_reason(client, people):
    f = finding(people["inspector"], unit=TOWNSHIP)
    resolved = set(f.responsible.values_list("official_id", flat=True))
    other = Official.objects.filter(organisation__unit_id=TOWNSHIP).exclude(pk__in=resolved).first()
    client.force_login(people["county"])
    client.post(
        f"/inspections/findings/{f.pk}/responsible/", {"id_numbers": other.id_number, "reason": "实际分管"}
    )
    assert set(f.responsible.values_list("official_id", flat=True)) == {other.pk}
    assert f.steps.filter(kind=StepKind.RESPONSIBLE, text__startswith="实际分管").exists()
    client.post(f"/inspections/findings/{f.pk}/responsible/", {"id_numbers": "", "reason": "恢复按任职确定"})
    assert set(f.responsible.values_list("official_id", flat=True)) == resolved
    client.force_login(people["township"])  # no right to change a finding
    client.post(f"/inspections/findings/{f.pk}/responsible/", {"id_numbers": other.id_number, "reason": "x"})
    assert set(f.responsible.values_list("official_id", flat=True)) == resolved


def test_plan_pages_create_a_plan_and_its_items(client, people):
    client.force_login(people["inspector"])
    response = client.post("/inspections/plans/", {"unit": CITY, "year": 2026, "title": "2026 年督查计划"})
    plan = SupervisionPlan.objects.get(unit_id=CITY, year=2026)
    assert response.status_code == 302
    client.post(
        f"/inspections/plans/{plan.pk}/",
        {"scope": "comprehensive", "title": "综合督查", "counties": [COUNTY], "starts_on": "2026-03-01"},
    )
    assert list(plan.items.get().counties.values_list("code", flat=True)) == [COUNTY]
    again = client.post("/inspections/plans/", {"unit": CITY, "year": 2026, "title": "重复"})
    assert "已有 2026 年度督查计划" in again.content.decode()
    client.force_login(login(COUNTY_2, "county_office"))
    assert client.get(f"/inspections/plans/{plan.pk}/").status_code == 404
