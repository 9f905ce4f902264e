"""E-11 cross-register checks make suspicions, never verdicts, and never twice; only confirmed findings
count, and only after someone decides."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accountability.importing.services import run_import
from accountability.models import User
from households import services
from households.crosscheck import run_cross_check
from households.models import FindingSource, FindingStatus, Household, Member, VerificationFinding
from tests.demo_data import demo_db  # noqa: F401

pytestmark = pytest.mark.usefixtures("demo_db")
HEADERS = ["名单类型", "证件号码", "姓名", "明细"]


def suspicions():
    return VerificationFinding.objects.filter(source=FindingSource.DATA_COMPARISON)


@pytest.mark.django_db
def test_matches_become_pending_suspicions_once(xlsx):
    county = User.objects.get(username="county_office")
    inside = Member.objects.filter(
        household__village__code__startswith="349901", active=True, household__status="not_exited"
    ).order_by("pk")[:2]
    outside = Member.objects.filter(household__village__code__startswith="349902", active=True).first()
    rows = [
        ["车辆", inside[0].id_number, inside[0].name, "皖L·12345 小型轿车"],
        ["财政供养", inside[1].id_number, inside[1].name, "某县教育局"],
        ["房产", outside.id_number, outside.name, "西河县城商品房"],
    ]
    run_cross_check(within=None)  # the demo's own register rows
    before = suspicions().count()
    job = run_import(kind="register_matches", path=xlsx(rows, headers=HEADERS), actor=county)
    assert job.written_rows == 3
    created = suspicions().count() - before
    assert created == 2  # the other county's member is outside the importer's jurisdiction
    found = suspicions().filter(household=inside[0].household).get(note__contains="皖L·12345")
    assert found.status == FindingStatus.PENDING and found.kind == "misidentified"
    assert found.persons_affected == inside[0].household.member_count
    run_import(kind="register_matches", path=xlsx(rows, headers=HEADERS, name="again.xlsx"), actor=county)
    run_cross_check(within=None)
    run_cross_check(within=None)
    assert suspicions().count() == before + 2


@pytest.mark.django_db
def test_a_finding_is_decided_by_the_county_with_a_reason():
    finding = VerificationFinding.objects.filter(
        status=FindingStatus.PENDING, village__code__startswith="349901"
    ).first()
    with pytest.raises(PermissionDenied):
        services.finding_decide(
            actor=User.objects.get(username="village_official"),
            finding=finding,
            status=FindingStatus.CONFIRMED,
            reason="核实",
        )
    county = User.objects.get(username="county_office")
    with pytest.raises(ValidationError, match="认定理由"):
        services.finding_decide(actor=county, finding=finding, status=FindingStatus.CONFIRMED, reason=" ")
    services.finding_decide(actor=county, finding=finding, status=FindingStatus.EXCLUDED, reason="车辆已过户")
    finding.refresh_from_db()
    assert (finding.status, finding.decided_by) == (FindingStatus.EXCLUDED, county)


@pytest.mark.django_db
def test_member_decrease_updates_the_household_size():
    household = Household.objects.filter(village_id="349901101201", member_count__gte=2).first()
    member = household.members.exclude(relation="head").first()
    services.member_decrease(
        actor=User.objects.get(username="village_official"),
        member=member,
        reason="死亡",
        on=dt.date(2021, 1, 1),
    )
    household.refresh_from_db()
    assert household.member_count == household.members.filter(active=True).count()
    member.refresh_from_db()
    assert (member.active, member.left_reason) == (False, "死亡")
