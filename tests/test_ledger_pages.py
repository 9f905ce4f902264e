"""Ledger pages and API: the auditor reads and exports in the jurisdiction, amounts as decimal
strings, masking, a constant number of queries, the money panel says what is next and why not."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from accountability.access.roles import role_group
from funds.ledger import exports, services, views
from funds.ledger.models import ExportStatus, LedgerExport
from tests.factories import UserFactory
from tests.ledger_helpers import COUNTY, allocation, funded, make_project, poster

pytestmark = pytest.mark.django_db
ID_NUMBER = "110101199003070033"


@pytest.fixture
def ledger():
    actor = poster()
    source = allocation(actor)
    project = make_project("P2024-001", subsidy="100000.01", started_on=dt.date(2024, 3, 1))
    funded(actor, project, source)
    services.ledger_disburse(
        actor=actor, project=project, stage="first", voucher_number="BF-1", date=dt.date(2024, 4, 1)
    )
    services.ledger_reimburse(
        actor=actor,
        project=project,
        voucher_number="BZ-1",
        date=dt.date(2024, 4, 2),
        amount="10.00",
        budget_line="直接补助到户",
        roster_kind="household_subsidy",
        counterpart="张三",
        counterpart_id_number=ID_NUMBER,
        summary=f"补助 {ID_NUMBER}",
    )
    return project


def role_user(role: str, code: str = COUNTY):
    user = UserFactory(username=f"{role}-{code}", jurisdiction_id=code)
    user.groups.set([role_group(role)])
    return user


def test_the_auditor_reads_the_ledger_with_masked_ids(client, ledger):
    client.force_login(role_user("auditor"))
    page = client.get("/funds/ledger/", {"year": 2024, "unit": COUNTY})
    assert page.status_code == 200
    html = page.content.decode()
    assert "BF-1" in html and "50000.01" in html
    assert ID_NUMBER not in html
    api = client.get("/api/ledger/entries/", {"year": 2024, "kind": "disbursement"}).json()
    (entry,) = api["results"]
    assert entry["amount"] == "50000.01" and entry["stage"] == "first" and len(entry["hash"]) == 64
    reimbursement = client.get("/api/ledger/entries/", {"kind": "reimbursement"}).json()["results"][0]
    assert ID_NUMBER not in str(reimbursement)
    accounts = client.get("/api/ledger/accounts/").json()["results"]
    assert {a["balance"] for a in accounts} == {"50000.00", "899999.99"}


def test_bad_api_filters_answer_400_in_chinese(client, ledger):
    client.force_login(role_user("auditor"))
    assert client.get("/api/ledger/entries/", {"kind": "nonsense"}).status_code == 400
    assert client.get("/api/ledger/entries/", {"year": "20x4"}).status_code == 400
    assert client.get("/api/ledger/entries/", {"date_from": "2024-13-01"}).status_code == 400


def test_entries_cannot_be_written_through_the_api(client, ledger):
    client.force_login(poster(username="finance2"))
    entry = client.get("/api/ledger/entries/").json()["results"][0]
    assert client.post("/api/ledger/entries/", {}).status_code == 405
    assert client.patch(f"/api/ledger/entries/{entry['id']}/", {"amount": "1.00"}).status_code == 405
    assert client.delete(f"/api/ledger/entries/{entry['id']}/").status_code == 405


def test_the_export_button_downloads_the_workbook_and_records_it(client, ledger):
    client.force_login(role_user("auditor"))
    response = client.post("/funds/ledger/export/", {"year": "2024", "unit": COUNTY})
    assert response.status_code == 200
    book = load_workbook(BytesIO(b"".join(response.streaming_content)))
    assert book.sheetnames == ["封面", "汇总", "明细"]
    assert LedgerExport.objects.get().status == ExportStatus.DONE


def test_a_large_export_goes_to_celery_with_a_progress_page(
    client, ledger, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(views, "STREAM_LIMIT", 1)
    client.force_login(role_user("auditor"))
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post("/funds/ledger/export/", {"year": "2024"})
    job = LedgerExport.objects.get()
    assert response.status_code == 302 and response.url == f"/funds/ledger/exports/{job.pk}/"
    assert len(callbacks) == 1  # the task is queued after the commit
    page = client.get(response.url)
    assert "<progress" in page.content.decode() and 'http-equiv="refresh"' in page.content.decode()
    exports.ledger_export_run(job.pk)  # what the worker runs
    page = client.get(response.url).content.decode()
    assert "下载" in page and "refresh" not in page
    download = client.get(f"/funds/ledger/exports/{job.pk}/download/")
    assert download.status_code == 200
    # another user's export is unknown
    client.force_login(role_user("inspector"))
    assert client.get(f"/funds/ledger/exports/{job.pk}/download/").status_code == 404


def test_the_money_panel_says_what_is_next_and_why_not_yet(client, ledger):
    client.force_login(role_user("township_staff", "349901101000"))
    html = client.get(f"/funds/ledger/projects/{ledger.number}/").content.decode()
    assert "已拨付" in html and "尚未报告工程完成量" in html
    assert "30000.00" in html and "15000.00" in html and "5000.00" in html
    client.force_login(role_user("township_staff", "349901102000"))
    assert client.get(f"/funds/ledger/projects/{ledger.number}/").status_code == 404


def test_the_county_pays_the_next_stage_from_the_panel(client, ledger):
    from tests.ledger_helpers import report_progress

    report_progress(ledger, 60)
    client.force_login(role_user("county_office"))
    response = client.post(
        f"/funds/ledger/projects/{ledger.number}/disburse/",
        {"stage": "second", "voucher_number": "BF-2", "date": "2024-06-01"},
    )
    assert response.status_code == 302
    assert ledger.ledger_account.entries.filter(voucher_number="BF-2").exists()
    client.force_login(role_user("auditor"))
    assert (
        client.post(f"/funds/ledger/projects/{ledger.number}/disburse/", {"stage": "final"}).status_code
        == 403
    )


def test_the_panel_pays_part_of_a_stage_and_shows_what_is_left(client, ledger):
    from tests.ledger_helpers import report_progress

    report_progress(ledger, 60)
    client.force_login(role_user("county_office"))
    url = f"/funds/ledger/projects/{ledger.number}/disburse/"
    client.post(url, {"stage": "second", "voucher_number": "BF-2a", "date": "2024-06-01", "amount": "10000"})
    html = client.get(f"/funds/ledger/projects/{ledger.number}/").content.decode()
    assert "部分拨付" in html and "20000.00" in html  # 30,000.00 less the part paid
    response = client.post(
        url,
        {"stage": "second", "voucher_number": "BF-2b", "date": "2024-06-01", "amount": "20000.01"},
        follow=True,
    )
    assert "超过尚余的 20000.00 元" in response.content.decode()
    assert not ledger.ledger_account.entries.filter(voucher_number="BF-2b").exists()


def test_the_plan_lines_are_listed_and_entered_on_the_panel(client):
    project = make_project("P2024-007", subsidy="1000.00", plan_lines=False)
    client.force_login(role_user("county_office"))
    url = f"/funds/ledger/projects/{project.number}/"
    assert "实施方案尚未列出预算科目" in client.get(url).content.decode()
    response = client.post(f"{url}plan-lines/", {"lines": "材料费 300\n工程建设费 700.00"}, follow=True)
    html = response.content.decode()
    assert "已保存实施方案预算科目" in html and 'id="plan-lines"' in html and "700.00" in html
    response = client.post(f"{url}plan-lines/", {"lines": "材料费 1000"}, follow=True)
    assert "预算科目不能再改" in response.content.decode()  # approved plan: entered once
    client.force_login(role_user("county_office", "349902000000"))
    assert client.post(f"{url}plan-lines/", {"lines": "材料费 1000"}).status_code == 404


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_lists_use_a_constant_number_of_queries(client, ledger):
    client.force_login(role_user("auditor"))
    urls = ["/funds/ledger/?year=2024", "/api/ledger/entries/", "/api/ledger/accounts/"]
    before = [queries(client, url) for url in urls]
    actor = poster(username="finance3")
    source = allocation(actor, document="黔财农〔2024〕2号", voucher="ZJ-2")
    for i in range(5):
        project = make_project(f"P-Q{i}", subsidy="100.00", started_on=dt.date(2024, 3, 1))
        funded(actor, project, source, voucher=f"XD-Q{i}")
        services.ledger_disburse(
            actor=actor, project=project, stage="first", voucher_number=f"BF-Q{i}", date=dt.date(2024, 4, 1)
        )
    assert [queries(client, url) for url in urls] == before


def test_the_county_reverses_an_entry_from_the_account_page_and_the_original_stays(client, ledger):
    from funds.ledger.models import LedgerEntry

    account = ledger.ledger_account
    client.force_login(role_user("county_office"))
    response = client.post(
        f"/funds/ledger/accounts/{account.pk}/reverse/",
        {"original": "BZ-1", "voucher_number": "GZ-1", "date": "2024-04-03", "reason": "金额错"},
    )
    assert response.status_code == 302
    reversal = LedgerEntry.objects.get(voucher_number="GZ-1")
    assert (
        reversal.reverses.voucher_number == "BZ-1"
        and LedgerEntry.objects.filter(voucher_number="BZ-1").exists()
    )
    client.force_login(role_user("auditor"))
    assert (
        client.post(f"/funds/ledger/accounts/{account.pk}/reverse/", {"original": "BF-1"}).status_code == 403
    )
    client.force_login(role_user("county_office", "349902000000"))
    assert (
        client.post(f"/funds/ledger/accounts/{account.pk}/reverse/", {"original": "BF-1"}).status_code == 404
    )


def test_the_county_closes_a_month_from_the_ledger_page(client, ledger):
    from funds.ledger.models import LedgerLock

    client.force_login(role_user("county_office"))
    assert (
        client.post("/funds/ledger/close/", {"county": COUNTY, "year": "2024", "month": "4"}).status_code
        == 302
    )
    assert str(LedgerLock.objects.get(county_id=COUNTY).locked_through) == "2024-04-30"
    assert "2024-04-30" in client.get("/funds/ledger/").content.decode()
    client.force_login(role_user("county_office", "349902000000"))
    client.post("/funds/ledger/close/", {"county": COUNTY, "year": "2025"})
    assert str(LedgerLock.objects.get(county_id=COUNTY).locked_through) == "2024-04-30"  # not his county
    client.force_login(role_user("auditor"))
    assert client.post("/funds/ledger/close/", {"county": COUNTY, "year": "2025"}).status_code == 403


def test_the_money_panel_of_a_number_two_counties_use_follows_the_county(client, ledger):
    """Numbers are unique per county only: the panel's links carry the county, and a city user
    reaches each county's project by it."""
    from funds.ledger.models import LedgerAccount

    twin = make_project(ledger.number, location="349902101201")
    client.force_login(role_user("auditor", "349900000000"))
    url = f"/funds/ledger/projects/{ledger.number}/"
    assert client.get(url, {"county": "349902000000"}).context["project"] == twin
    assert client.get(url, {"county": "349901000000"}).context["project"] == ledger
    account = LedgerAccount.objects.get(project=ledger)
    page = client.get(f"/funds/ledger/accounts/{account.pk}/").content.decode()
    assert f"{url}?county={ledger.county_id}" in page
