"""What was found short when the issue was walked through again: the plan's helping-unit targets,
the plan page's title, the petition's assigned handler, mishandled petitions as a rule (I-7), the
inspector's evidence added after the finding was recorded."""

from __future__ import annotations

import datetime as dt
import io
import re

from accountability.models import AdminUnit, Official, Organisation
from inspections import services
from inspections.models import Petition, SupervisionPlan
from tests.inspections.conftest import CITY, COUNTY, COUNTY_2, PNG, TOWNSHIP, finding, login
from tests.inspections.test_rules_and_services import rules_json

D = dt.date


def test_a_plan_item_targets_helping_units_and_the_title_is_text(client, people):
    client.force_login(people["inspector"])
    client.post("/inspections/plans/", {"unit": CITY, "year": 2026, "title": "2026 年督查计划"})
    plan = SupervisionPlan.objects.get(unit_id=CITY, year=2026)
    org = (
        Organisation.objects.filter(kind="helping_unit", unit__code__startswith="3499").order_by("pk").first()
    )
    page = client.get(f"/inspections/plans/{plan.pk}/").content.decode()
    title = re.search(r"<title>(.*?)</title>", page, re.S).group(1)
    assert "<" not in title and "督查计划" in title  # the form was inside the title block
    assert page.count('name="title"') == 1 and org.name in page
    client.post(
        f"/inspections/plans/{plan.pk}/",
        {"scope": "comprehensive", "title": "帮扶单位综合督查", "helping_units": [str(org.pk)]},
    )
    item = plan.items.get()
    assert list(item.helping_units.values_list("pk", flat=True)) == [org.pk]
    # a county office sees only the helping units of its county on its own plan
    client.force_login(people["county"])
    client.post("/inspections/plans/", {"unit": COUNTY, "year": 2026, "title": "县督查计划"})
    own = SupervisionPlan.objects.get(unit_id=COUNTY, year=2026)
    outside = Organisation.objects.filter(kind="helping_unit", unit__code__startswith="349902").first()
    assert outside.name not in client.get(f"/inspections/plans/{own.pk}/").content.decode()
    client.post(
        f"/inspections/plans/{own.pk}/",
        {"scope": "comprehensive", "title": "x", "helping_units": [str(outside.pk)]},
    )
    assert not own.items.exists()


def test_a_petition_is_recorded_with_its_assigned_handler(client, people):
    handler = Official.objects.filter(organisation__unit_id=TOWNSHIP).order_by("pk").first()
    other = Official.objects.filter(organisation__unit__code__startswith="349902").order_by("pk").first()
    client.force_login(people["township"])
    form = {
        "number": "XF-P1",
        "channel": "hotline",
        "received_on": "2026-11-02",
        "unit": TOWNSHIP,
        "content": "低保评定不公",
        "handler": handler.id_number,
    }
    assert client.post("/inspections/petitions/", form).status_code == 302
    assert Petition.objects.get(number="XF-P1").handler == handler
    page = client.post("/inspections/petitions/", {**form, "number": "XF-P2", "handler": other.id_number})
    assert page.status_code == 200 and not Petition.objects.filter(number="XF-P2").exists()
    assert (
        client.post("/inspections/petitions/", {**form, "number": "XF-P3", "handler": ""}).status_code == 302
    )
    assert Petition.objects.get(number="XF-P3").handler is None
    client.force_login(login(COUNTY_2, "county_office"))
    assert client.get(f"/inspections/petitions/{Petition.objects.get(number='XF-P1').pk}/").status_code == 404


def test_a_petition_answered_to_the_petitioners_dissatisfaction_raises_i7_naming_the_handler(people):
    handler = Official.objects.filter(organisation__unit_id=TOWNSHIP).order_by("pk").first()
    township = AdminUnit.objects.get(code=TOWNSHIP)

    def petition(number, received, answered, satisfaction):
        p = services.petition_create(
            actor=people["county"],
            number=number,
            channel="hotline",
            received_on=received,
            content="反映问题",
            unit=township,
            handler=handler,
        )
        return services.petition_answer(
            actor=people["township"], petition=p, answer="已答复", on=answered, satisfaction=satisfaction
        )

    petition("XF-U1", D(2026, 10, 9), D(2026, 10, 20), "unsatisfied")
    petition("XF-S1", D(2026, 10, 9), D(2026, 10, 20), "satisfied")
    petition("XF-B1", D(2026, 10, 9), D(2026, 10, 20), "basic")
    petition("XF-U0", D(2025, 12, 1), D(2025, 12, 10), "unsatisfied")  # answered the year before

    def flagged(year, as_of):
        return [i for i in rules_json(year, as_of) if i["rule"] == "I-7"]

    assert flagged(2026, D(2026, 10, 19)) == []  # not yet answered on the as-of day
    items = flagged(2026, D(2026, 10, 20))  # answered on the as-of day itself
    assert [(i["unit"], i.get("petition")) for i in items] == [(TOWNSHIP, "XF-U1")]
    assert [t["name"] for t in items[0]["targets"]] == [handler.name]
    assert [i.get("petition") for i in flagged(2025, D(2025, 12, 31))] == ["XF-U0"]


def test_the_inspector_adds_evidence_to_a_finding_on_its_page_and_through_the_api(client, people):
    f = finding(people["inspector"], unit=TOWNSHIP)
    url = f"/inspections/findings/{f.pk}/"
    client.force_login(people["inspector"])
    assert "补充佐证材料" in client.get(url).content.decode()
    photo = io.BytesIO(PNG)
    photo.name = "site.png"
    page = client.post(f"{url}evidence/", {"evidence-files": [photo]}, follow=True).content.decode()
    assert "已上传 1 个佐证材料" in page and "site.png" in page
    fake = io.BytesIO(b"MZ" + PNG)
    fake.name = "fake.jpg"
    page = client.post(f"{url}evidence/", {"evidence-files": [fake]}, follow=True).content.decode()
    assert "不符" in page and f.evidence.count() == 1
    api = f"/api/inspection-findings/{f.pk}/evidence/"
    doc = io.BytesIO(b"%PDF-1.4 test")
    doc.name = "notice.pdf"
    body = client.post(api, {"files": [doc]})
    assert body.status_code == 201
    assert [(e["name"], e["kind"]) for e in body.json()] == [("notice.pdf", "document")]
    assert client.post(api, {}).status_code == 400
    client.force_login(people["township"])  # reports rectification; no evidence form of the finding itself
    page = client.get(url)
    assert page.status_code == 200 and "补充佐证材料" not in page.content.decode()
    client.force_login(login(COUNTY_2, "county_office"))
    photo.seek(0)
    assert client.post(api, {"files": [photo]}).status_code == 404
    assert client.post(f"{url}evidence/", {"evidence-files": [photo]}).status_code == 404
    assert f.evidence.count() == 2
