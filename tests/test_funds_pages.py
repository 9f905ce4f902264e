"""Pages and API of the fund projects: the township and the county take a project from the library
to acceptance; outsiders get 404; the list runs a fixed number of queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accountability.access.roles import role_group
from funds.models import Project, ProjectCategory, Stage
from tests.factories import UserFactory
from tests.funds_helpers import VILLAGE, D, new_project

pytestmark = pytest.mark.django_db


def step(client, project, code, on, **extra):
    return client.post(f"/funds/{project.pk}/steps/", {"step": code, "on": on, **extra}, follow=True)


def test_library_to_acceptance_through_the_pages(client, people):
    client.force_login(people["township"])
    response = client.post(
        "/funds/new/",
        {
            "number": "P-1",
            "name": "村道硬化",
            "year": "2024",
            "category": str(ProjectCategory.objects.get(code="development").pk),
            "use": "living_conditions",
            "location": VILLAGE,
            "implementer": "某乡人民政府",
            "construction_content": "硬化村道 800 米",
            "subsidy": "200000",
            "library_on": "2024-01-08",
            "applicant": "某乡人民政府",
        },
        follow=True,
    )
    assert response.status_code == 200, response.content
    project = Project.objects.get(number="P-1")
    assert "已纳入项目库" in response.content.decode()
    step(client, project, "apply", "2024-02-01")
    client.force_login(people["county"])
    r = step(client, project, "approve", "2024-03-01", document="县扶领〔2024〕3号")
    assert "已办理" in r.content.decode()
    client.force_login(people["township"])
    step(client, project, "plan_submit", "2024-03-05")
    client.force_login(people["county"])
    step(client, project, "plan_approve", "2024-03-11")
    client.force_login(people["township"])
    step(client, project, "file", "2024-03-12")
    step(client, project, "start", "2024-03-20")
    step(client, project, "complete", "2024-09-20")
    step(client, project, "initial_check", "2024-09-23")
    step(client, project, "acceptance_request", "2024-09-24")
    client.force_login(people["county"])
    items = dict.fromkeys(
        ["task_done", "funds_managed", "benefits", "archives", "notices_and_boards", "maintenance"], "1"
    )
    r = step(client, project, "accept", "2024-10-10", grade="excellent", **items)
    project.refresh_from_db()
    assert project.stage == Stage.ACCEPTED, r.content.decode()
    page = client.get(f"/funds/{project.pk}/").content.decode()
    assert "已验收" in page and "2024-10-10" in page
    assert "缺立项公告" in page and "缺项目公示牌" in page


def test_a_refused_step_shows_the_chinese_reason(client, people):
    project = new_project(people["county"])
    client.force_login(people["township"])
    r = step(client, project, "file", "2024-03-12")
    assert "不能" in r.content.decode() or "尚未" in r.content.decode()
    project.refresh_from_db()
    assert project.filed_on is None


def test_outside_the_jurisdiction_is_404_on_pages_and_api(client, people):
    project = new_project(people["county"])
    stranger = UserFactory(username="other-county", jurisdiction_id="349902000000")
    stranger.groups.add(role_group("county_office"))
    client.force_login(stranger)
    assert client.get(f"/funds/{project.pk}/").status_code == 404
    assert client.get(f"/api/fund-projects/{project.pk}/").status_code == 404
    assert (
        client.post(f"/funds/{project.pk}/steps/", {"step": "approve", "on": "2024-03-01"}).status_code == 404
    )
    listing = client.get("/api/fund-projects/").json()
    assert (listing.get("results") if isinstance(listing, dict) else listing) == []
    client.force_login(people["auditor"])
    assert client.get(f"/funds/{project.pk}/").status_code == 200
    assert (
        client.post(f"/funds/{project.pk}/steps/", {"step": "approve", "on": "2024-03-01"}).status_code == 302
    )
    project.refresh_from_db()
    assert project.approved_on is None  # read only


def test_api_steps_and_deadlines(client, people):
    project = new_project(people["county"])
    client.force_login(people["township"])
    r = client.post(
        f"/api/fund-projects/{project.pk}/steps/",
        {"step": "apply", "on": "2024-02-01"},
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["stage"] == "applied"
    r = client.post(
        f"/api/fund-projects/{project.pk}/steps/",
        {"step": "file", "on": "2024-02-02"},
        content_type="application/json",
    )
    assert r.status_code == 400 and "尚未" in str(r.json())
    detail = client.get(f"/api/fund-projects/{project.pk}/").json()
    assert (
        detail["deadlines"][0]["code"] == "assessment" and detail["deadlines"][0]["due"] == "2024-02-20"
    )  # across Spring Festival 2024 and its make-up Sundays


def test_due_this_week_page(client, people):
    project = new_project(people["county"])
    client.force_login(people["township"])
    client.post(f"/funds/{project.pk}/steps/", {"step": "apply", "on": "2024-02-01"})
    page = client.get("/funds/due/?on=2024-02-21").content.decode()
    assert "立项评估意见" in page and "已逾期 1 个工作日" in page


def _queries(client, path) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def test_the_list_runs_a_fixed_number_of_queries(client, people):
    client.force_login(people["county"])
    for n in range(2):
        new_project(people["county"], number=f"Q-{n}", content=f"内容 {n}")
    small = {
        path: _queries(client, path)
        for path in ("/funds/", "/funds/?overdue=1", "/funds/due/", "/api/fund-projects/")
    }
    for n in range(2, 30):
        new_project(people["county"], number=f"Q-{n}", content=f"内容 {n}")
    large = {path: _queries(client, path) for path in small}
    assert small == large


def test_the_fund_plan_page_approves_all_at_once(client, people):
    from accountability.models import AdminUnit
    from funds import services

    plan = services.fund_plan_create(
        actor=people["county"],
        county=AdminUnit.objects.get(code="349901000000"),
        year=2024,
        name="第一批",
        issued_on=D(2024, 2, 20),
    )
    first = new_project(people["county"])
    second = new_project(people["county"], number="P-2", content="另一建设内容")
    client.force_login(people["county"])
    page = client.get(f"/funds/plans/{plan.pk}/").content.decode()
    assert first.name in page and "一次性下达" in page
    client.post(
        f"/funds/plans/{plan.pk}/",
        {
            "action": "approve",
            "projects": [first.pk, second.pk],
            "on": "2024-03-01",
            "document": "县扶领〔2024〕1号",
        },
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.approved_on == second.approved_on == D(2024, 3, 1) and first.fund_plan_id == plan.pk
    third = new_project(people["county"], number="P-3", content="第三个内容")
    response = client.post(
        f"/funds/plans/{plan.pk}/",
        {"action": "approve", "projects": [third.pk], "on": "2024-03-02"},
        follow=True,
    )
    assert "一次性下达" in response.content.decode()
    third.refresh_from_db()
    assert third.approved_on is None


def test_api_creates_a_library_project_and_refuses_a_duplicate(client, people):
    client.force_login(people["township"])
    body = {
        "number": "API-1",
        "name": "村道",
        "year": 2024,
        "category": "以工代赈",
        "use": "living_conditions",
        "location": VILLAGE,
        "implementer": "某乡人民政府",
        "construction_content": "硬化村道 500 米",
        "subsidy": "100000.00",
        "library_on": "2024-01-05",
        "planned_start": "2024-03-01",
        "planned_end": "2025-06-01",
    }
    r = client.post("/api/fund-projects/", body, content_type="application/json")
    assert r.status_code == 201, r.json()
    assert r.json()["stage"] == "library" and r.json()["warnings"]  # construction period over a year
    r = client.post("/api/fund-projects/", {**body, "number": "API-2"}, content_type="application/json")
    assert r.status_code == 400 and "不得重复申报" in str(r.json())
    r = client.post(
        "/api/fund-projects/",
        {**body, "number": "API-3", "location": "349902101201"},
        content_type="application/json",
    )
    assert r.status_code == 400 and "管辖范围" in str(r.json())


def test_the_evaluation_page_records_late_dates(client, people):
    client.force_login(people["county"])
    response = client.post(
        "/funds/evaluations/",
        {"county": "349901000000", "year": "2024", "started_on": "2025-04-01", "finished_on": "2025-04-30"},
        follow=True,
    )
    page = response.content.decode()
    assert "应于 2025-03-31 前启动" in page and "应于 2025-04-30 前完成" not in page
    client.force_login(people["township"])
    response = client.post("/funds/evaluations/", {"county": "349901000000", "year": "2024"}, follow=True)
    assert "没有执行此操作的权限" in response.content.decode()
