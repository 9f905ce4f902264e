"""Visit logs and quota compliance: each quota shape at its period edges, handovers, profile versions,
entry rules, import, pages and constant query counts."""

from __future__ import annotations

import datetime as dt
import io
import itertools

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from accountability.access.roles import role_group, sync_roles
from accountability.demo.hierarchy import load_hierarchy
from accountability.demo.people import People
from accountability.importing.services import run_import
from accountability.models import (
    AdminUnit,
    Official,
    Organisation,
    PolicyProfile,
    Post,
    Quota,
    ResponsibilityAssignment,
    User,
)
from accountability.policy.presets import install_preset
from accountability.policy.quotas import (
    Period,
    QuotaStatus,
    period_containing,
    pro_rata_required,
    quota_status,
    should_warn,
)
from accountability.rules.metrics import MissedQuota
from households.models import HelpingCadrePairing, Household, HouseholdStatus
from tests.factories import UserFactory
from visits import services
from visits.compliance import compliance
from visits.models import ResearchTrip, StationedDay, StationedSource, Visit
from visits.selectors import missed_quotas

D = dt.date
VILLAGE = "349901101201"
OTHER_VILLAGE = "349901101202"
TOWNSHIP = "349901101000"
TODAY = D(2030, 1, 1)  # compliance "today" after all test periods: every status is final


# --- pure rules ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "months", "anchor", "start", "end"),
    [
        (D(2020, 1, 1), 1, 1, D(2020, 1, 1), D(2020, 1, 31)),
        (D(2020, 2, 29), 1, 1, D(2020, 2, 1), D(2020, 2, 29)),
        (D(2020, 2, 29), 2, 1, D(2020, 1, 1), D(2020, 2, 29)),
        (D(2020, 12, 31), 2, 12, D(2020, 12, 1), D(2021, 1, 31)),  # spans the year end
        (D(2021, 1, 1), 2, 12, D(2020, 12, 1), D(2021, 1, 31)),
        (D(2021, 2, 1), 2, 12, D(2021, 2, 1), D(2021, 3, 31)),
        (D(2020, 3, 31), 3, 1, D(2020, 1, 1), D(2020, 3, 31)),
        (D(2020, 4, 1), 3, 1, D(2020, 4, 1), D(2020, 6, 30)),
        (D(2020, 7, 15), 12, 1, D(2020, 1, 1), D(2020, 12, 31)),
    ],
)
def test_period_containing(day, months, anchor, start, end):
    assert period_containing(day, months, anchor) == Period(start, end)


def test_pro_rata_and_status():
    june = Period(D(2020, 6, 1), D(2020, 6, 30))
    assert pro_rata_required(60, june, june) == 60
    assert pro_rata_required(60, Period(D(2020, 6, 16), D(2020, 6, 30)), june) == 30
    assert pro_rata_required(60, Period(D(2020, 6, 30), D(2020, 6, 30)), june) == 2  # rounded up
    assert quota_status(required=60, done=60, window=june, today=D(2020, 6, 2)) == QuotaStatus.MET
    assert quota_status(required=60, done=59, window=june, today=D(2020, 7, 1)) == QuotaStatus.MISSED
    assert quota_status(required=60, done=30, window=june, today=D(2020, 6, 15)) == QuotaStatus.ON_TRACK
    assert quota_status(required=60, done=29, window=june, today=D(2020, 6, 15)) == QuotaStatus.BEHIND
    assert should_warn(status=QuotaStatus.BEHIND, window=june, today=D(2020, 6, 24), warn_days=7)
    assert not should_warn(status=QuotaStatus.BEHIND, window=june, today=D(2020, 6, 23), warn_days=7)
    assert should_warn(status=QuotaStatus.ON_TRACK, window=june, today=D(2020, 6, 29), warn_days=7)
    assert not should_warn(status=QuotaStatus.MET, window=june, today=D(2020, 6, 29), warn_days=7)
    assert not should_warn(status=QuotaStatus.BEHIND, window=june, today=D(2020, 7, 1), warn_days=7)


# --- fixtures --------------------------------------------------------------------------------

people = People(seed=21)
numbers = itertools.count(1)


@pytest.fixture
def city(db):
    load_hierarchy()
    sync_roles()
    PolicyProfile.objects.all().delete()
    install_preset("suzhou", jurisdiction=None, effective_from=D(2015, 1, 1))
    return AdminUnit.objects.get(code="349900000000")


def official(name: str, unit: str = TOWNSHIP) -> Official:
    organisation, _ = Organisation.objects.get_or_create(
        unit_id=unit, name="乡镇党委", defaults={"kind": "party_committee"}
    )
    return Official.objects.create(name=name, id_number=people.id_number("349901"), organisation=organisation)


TERM_START = D(2015, 1, 1)


def post(who: Official, post: str, unit: str, start=TERM_START, end=None) -> ResponsibilityAssignment:
    return ResponsibilityAssignment.objects.create(
        official=who, post=post, scope_unit_id=unit, valid_from=start, valid_to=end
    )


def household(village: str = VILLAGE, status: str = HouseholdStatus.NOT_EXITED) -> Household:
    return Household.objects.create(
        number=f"T{next(numbers):05d}",
        village_id=village,
        head_name="户主",
        attribute="ordinary",
        main_cause="illness",
        identified_year=2016,
        status=status,
        member_count=3,
    )


def visits(who: Official, target: Household, *days: dt.date, kind: str = "home") -> None:
    clerk, _ = User.objects.get_or_create(username="clerk")
    Visit.objects.bulk_create(
        [Visit(official=who, household=target, on=day, kind=kind, entered_by=clerk) for day in days]
    )


def rows_for(who: Official, code: str, on: dt.date, today: dt.date = TODAY):
    return [
        r for r in compliance("3499", on=on, today=today) if r.official_id == who.pk and r.quota_code == code
    ]


# --- count quotas ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_monthly_distinct_households_counts_first_and_last_day_only(city):
    secretary = official("乡镇书记")
    post(secretary, Post.TOWNSHIP_SECRETARY, TOWNSHIP)
    targets = [household() for _ in range(61)]
    for target in targets[:59]:
        visits(secretary, target, D(2020, 6, 1))
    visits(secretary, targets[59], D(2020, 6, 30))  # last day counts
    visits(secretary, targets[60], D(2020, 7, 1))  # next month does not
    visits(secretary, targets[0], D(2020, 6, 15))  # the same household twice counts once
    (row,) = rows_for(secretary, "Q-5", D(2020, 6, 10))
    assert (row.required, row.done, row.status) == (60, 60, QuotaStatus.MET)
    Visit.objects.filter(on=D(2020, 6, 30)).delete()
    (row,) = rows_for(secretary, "Q-5", D(2020, 6, 10))
    assert (row.done, row.status) == (59, QuotaStatus.MISSED)
    Visit.objects.filter(on=D(2020, 6, 1)).update(on=D(2020, 5, 31))  # the day before does not count
    (row,) = rows_for(secretary, "Q-5", D(2020, 6, 10))
    assert row.done == 1


@pytest.mark.django_db
def test_a_post_handed_over_mid_month_is_owed_pro_rata(city):
    before, after = official("前任书记"), official("继任书记")
    post(before, Post.TOWNSHIP_SECRETARY, TOWNSHIP, end=D(2020, 6, 15))
    post(after, Post.TOWNSHIP_SECRETARY, TOWNSHIP, start=D(2020, 6, 16))
    targets = [household() for _ in range(32)]
    for target in targets[:30]:
        visits(before, target, D(2020, 6, 10))
    visits(before, targets[30], D(2020, 6, 20))  # after the handover: not counted for the predecessor
    for target in targets[:29]:
        visits(after, target, D(2020, 6, 16))
    (first,) = rows_for(before, "Q-5", D(2020, 6, 1))
    (second,) = rows_for(after, "Q-5", D(2020, 6, 30))
    assert (first.held, first.required, first.done, first.status) == (
        Period(D(2020, 6, 1), D(2020, 6, 15)),
        30,
        30,
        QuotaStatus.MET,
    )
    assert (second.held, second.required, second.done, second.status) == (
        Period(D(2020, 6, 16), D(2020, 6, 30)),
        30,
        29,
        QuotaStatus.MISSED,
    )


@pytest.mark.django_db
def test_stationed_days_per_month(city):
    secretary = official("第一书记", unit=VILLAGE)
    post(secretary, Post.FIRST_SECRETARY, VILLAGE)
    clerk = UserFactory(username="clerk2")
    days = [D(2020, 2, 1) + dt.timedelta(days=n) for n in range(22)]
    StationedDay.objects.bulk_create(
        [
            StationedDay(official=secretary, village_id=VILLAGE, on=d, source="check_in", entered_by=clerk)
            for d in days
        ]
    )
    StationedDay.objects.create(
        official=secretary, village_id=OTHER_VILLAGE, on=D(2020, 2, 25), source="sheet", entered_by=clerk
    )
    (row,) = rows_for(secretary, "Q-8", D(2020, 2, 29))
    assert (row.required, row.done, row.status) == (22, 22, QuotaStatus.MET)
    StationedDay.objects.filter(on=D(2020, 2, 22)).delete()
    (row,) = rows_for(secretary, "Q-8", D(2020, 2, 29))
    assert (row.done, row.status) == (21, QuotaStatus.MISSED)  # another village's day does not count


@pytest.mark.django_db
def test_research_trips_per_year(city):
    leader = official("县领导", unit="349901000000")
    post(leader, Post.COUNTY_LEADER, "349901000000")
    clerk = UserFactory(username="clerk3")
    ResearchTrip.objects.bulk_create(
        [
            ResearchTrip(
                official=leader, unit_id=TOWNSHIP, on=D(2020, m, 1), topic=f"调研{m}", entered_by=clerk
            )
            for m in range(1, 11)
        ]
    )
    (row,) = rows_for(leader, "Q-3", D(2020, 5, 1))
    assert (row.required, row.done, row.status) == (10, 10, QuotaStatus.MET)
    (row,) = rows_for(leader, "Q-3", D(2020, 5, 1), today=D(2020, 3, 15))
    assert row.status == QuotaStatus.MET  # met early stays met


# --- coverage quotas ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_two_month_coverage_spanning_the_year_end(city):
    profile = PolicyProfile.objects.get()
    Quota.objects.filter(profile=profile, code="Q-7").update(period_anchor_month=12)
    secretary = official("村书记", unit=VILLAGE)
    post(secretary, Post.VILLAGE_SECRETARY, VILLAGE)
    first, second = household(), household()
    household(status=HouseholdStatus.REMOVED)  # not in scope
    household(village=OTHER_VILLAGE)  # another village
    visits(secretary, first, D(2020, 12, 1))
    visits(secretary, second, D(2021, 1, 31))
    (row,) = rows_for(secretary, "Q-7", D(2021, 1, 15))
    assert (row.period, row.required, row.done, row.status) == (
        Period(D(2020, 12, 1), D(2021, 1, 31)),
        2,
        2,
        QuotaStatus.MET,
    )
    Visit.objects.filter(on=D(2021, 1, 31)).update(on=D(2021, 2, 1))
    (row,) = rows_for(secretary, "Q-7", D(2020, 12, 31))
    assert (row.done, row.status) == (1, QuotaStatus.MISSED)


@pytest.mark.django_db
def test_paired_coverage_needs_each_household_n_times(city):
    cadre = official("帮扶干部", unit=VILLAGE)
    post(cadre, Post.HELPING_CADRE, VILLAGE)
    first, second = household(), household()
    for target in (first, second):
        HelpingCadrePairing.objects.create(official=cadre, household=target, valid_from=D(2015, 1, 1))
    visits(cadre, first, *(D(2020, m, 1) for m in range(1, 11)))
    visits(cadre, second, *(D(2020, m, 2) for m in range(1, 10)))
    (row,) = rows_for(cadre, "Q-9", D(2020, 6, 1))
    assert (row.required, row.done, row.per_household, row.status) == (2, 1, 10, QuotaStatus.MISSED)
    visits(cadre, second, D(2020, 12, 31))
    (row,) = rows_for(cadre, "Q-9", D(2020, 6, 1))
    assert (row.done, row.status) == (2, QuotaStatus.MET)


@pytest.mark.django_db
def test_phone_calls_are_no_visits_for_the_quotas(city):
    """A quota met only with phone calls is not met (issue 12 §6): which kinds count is quota data."""
    secretary = official("乡镇书记")
    post(secretary, Post.TOWNSHIP_SECRETARY, TOWNSHIP)
    targets = [household() for _ in range(60)]
    for target in targets:
        visits(secretary, target, D(2020, 6, 1), kind="phone")
    (row,) = rows_for(secretary, "Q-5", D(2020, 6, 10))
    assert (row.required, row.done, row.status) == (60, 0, QuotaStatus.MISSED)
    visits(secretary, targets[0], D(2020, 6, 2), kind="group")  # a group visit is a visit in person
    for target in targets[1:]:
        visits(secretary, target, D(2020, 6, 3))
    (row,) = rows_for(secretary, "Q-5", D(2020, 6, 10))
    assert (row.done, row.status) == (60, QuotaStatus.MET)
    village_head = official("村书记", unit=VILLAGE)
    post(village_head, Post.VILLAGE_SECRETARY, VILLAGE)
    for target in targets:
        visits(village_head, target, D(2020, 5, 1), kind="phone")
    (row,) = rows_for(village_head, "Q-7", D(2020, 5, 1))  # coverage: every household by phone
    assert (row.required, row.done, row.status) == (60, 0, QuotaStatus.MISSED)
    assert {q.code: q.visit_kinds for q in Quota.objects.filter(profile__jurisdiction=None)} == {
        "Q-1": [],
        "Q-2": ["home", "group"],
        "Q-3": [],
        "Q-4": ["home", "group"],
        "Q-5": ["home", "group"],
        "Q-6": ["home", "group"],
        "Q-7": ["home", "group"],
        "Q-8": [],
        "Q-9": ["home", "group"],
    }


@pytest.mark.django_db
def test_home_visits_only_where_the_seed_says_entering_the_home(city):
    """004 篇2 counts 「入户对接」: neither a phone call nor a group visit is one."""
    PolicyProfile.objects.all().delete()
    install_preset("helping_eight_a_year", jurisdiction=None, effective_from=D(2015, 1, 1))
    cadre = official("帮扶干部", unit=VILLAGE)
    post(cadre, Post.HELPING_CADRE, VILLAGE)
    target = household()
    HelpingCadrePairing.objects.create(official=cadre, household=target, valid_from=D(2015, 1, 1))
    visits(cadre, target, *(D(2020, m, 1) for m in range(1, 8)))
    visits(cadre, target, D(2020, 8, 1), kind="group")
    visits(cadre, target, D(2020, 9, 1), kind="phone")
    (row,) = rows_for(cadre, "Q-9", D(2020, 6, 1))
    assert (row.per_household, row.done, row.status) == (8, 0, QuotaStatus.MISSED)
    visits(cadre, target, D(2020, 10, 1))
    (row,) = rows_for(cadre, "Q-9", D(2020, 6, 1))
    assert (row.done, row.status) == (1, QuotaStatus.MET)


def test_quota_visit_kinds_are_the_visit_kinds():
    from accountability.policy.models import VISIT_KIND_CHOICES
    from visits.models import VisitKind

    assert [(k, str(label)) for k, label in VISIT_KIND_CHOICES] == [(k, str(v)) for k, v in VisitKind.choices]


@pytest.mark.django_db
def test_a_visit_quota_without_counted_kinds_is_refused(city):
    from django.db import IntegrityError, transaction

    quota = Quota.objects.get(profile__jurisdiction=None, code="Q-5")
    with pytest.raises(IntegrityError), transaction.atomic():
        Quota.objects.filter(pk=quota.pk).update(visit_kinds=[])
    with pytest.raises(IntegrityError), transaction.atomic():
        Quota.objects.filter(profile__jurisdiction=None, code="Q-1").update(visit_kinds=["home"])


@pytest.mark.django_db
def test_paired_coverage_is_owed_per_pairing_pro_rata(city):
    """Q-9 (10 a year) is owed per pairing, pro rata to the pairing's days in the year (2020: 366):
    from 1 July, 184 days → 6 visits, counted from that day; to 31 March, 91 days → 3, counted to it."""
    cadre = official("帮扶干部", unit=VILLAGE)
    post(cadre, Post.HELPING_CADRE, VILLAGE)
    late, early = household(), household()
    HelpingCadrePairing.objects.create(official=cadre, household=late, valid_from=D(2020, 7, 1))
    HelpingCadrePairing.objects.create(
        official=cadre, household=early, valid_from=D(2015, 1, 1), valid_to=D(2020, 3, 31)
    )
    visits(cadre, late, D(2020, 6, 30), *(D(2020, m, 1) for m in range(7, 12)))  # 5 in the pairing
    visits(cadre, early, D(2020, 1, 1), D(2020, 2, 1), D(2020, 4, 1))  # 2 in the pairing
    (row,) = rows_for(cadre, "Q-9", D(2020, 6, 1))
    assert (row.required, row.done, row.per_household, row.status) == (2, 0, 10, QuotaStatus.MISSED)
    visits(cadre, late, D(2020, 12, 31))  # the 6th, on the period's last day
    visits(cadre, early, D(2020, 3, 31))  # the 3rd, on the pairing's last day
    (row,) = rows_for(cadre, "Q-9", D(2020, 6, 1))
    assert (row.done, row.status) == (2, QuotaStatus.MET)


# --- profiles ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_profile_version_applies_from_its_effective_date_and_a_county_overrides(city):
    secretary = official("乡镇书记")
    post(secretary, Post.TOWNSHIP_SECRETARY, TOWNSHIP)
    targets = [household() for _ in range(40)]
    for target in targets:
        visits(secretary, target, D(2020, 6, 5), D(2020, 7, 5))
    newer = install_preset("suzhou", jurisdiction=None, effective_from=D(2020, 7, 1))
    newer.quotas.filter(code="Q-5").update(required=40)
    assert rows_for(secretary, "Q-5", D(2020, 6, 10))[0].status == QuotaStatus.MISSED  # 60 still owed in June
    assert rows_for(secretary, "Q-5", D(2020, 7, 10))[0].status == QuotaStatus.MET  # 40 from July
    county = install_preset(
        "suzhou", jurisdiction=AdminUnit.objects.get(code="349901000000"), effective_from=D(2020, 7, 1)
    )
    county.quotas.filter(code="Q-5").update(required=50)
    (row,) = rows_for(secretary, "Q-5", D(2020, 7, 10))
    assert (row.required, row.status) == (50, QuotaStatus.MISSED)


@pytest.mark.django_db
def test_missed_quotas_metric(city):
    secretary = official("乡镇书记")
    post(secretary, Post.TOWNSHIP_SECRETARY, TOWNSHIP)
    missed = missed_quotas(year=2020, as_of=D(2020, 3, 15), root="3499")
    assert {(r.quota_code, r.period_key) for r in missed if r.official_id == secretary.pk} == {
        ("Q-5", "2020-01"),
        ("Q-5", "2020-02"),
    }  # March has not ended
    assert all(isinstance(r, MissedQuota) for r in missed)


@pytest.mark.django_db
def test_queries_do_not_grow_with_officials(city):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            compliance("3499", on=D(2020, 6, 1), today=TODAY)
        return len(queries)

    for n in range(2):
        post(
            official(f"书记{n}"),
            Post.TOWNSHIP_SECRETARY,
            TOWNSHIP,
            start=D(2015 + n, 1, 1),
            end=D(2015 + n, 12, 31),
        )
    few = count()
    for n in range(30):
        who = official(f"干部{n}", unit=VILLAGE)
        post(who, Post.HELPING_CADRE, VILLAGE)
        visits(who, household(), D(2020, 6, 1))
    assert count() == few


# --- entry -------------------------------------------------------------------------------------


@pytest.fixture
def village_login(city):
    who = official("村书记", unit=VILLAGE)
    post(who, Post.VILLAGE_SECRETARY, VILLAGE)
    user = UserFactory(username="vs", jurisdiction_id=VILLAGE)
    user.groups.set([role_group("village_official")])
    who.user = user
    who.save()
    return user


@pytest.mark.django_db
def test_visit_entry_rules(village_login, settings):
    own = household()
    elsewhere = household(village="349902101201")
    who = village_login.official
    today = dt.date.today()
    services.visit_create(actor=village_login, official=who, household=own, on=today, checked=["income"])
    with pytest.raises(ValidationError, match="已有走访"):
        services.visit_create(actor=village_login, official=who, household=own, on=today)
    with pytest.raises(ValidationError, match="不能晚于今天"):
        services.visit_create(
            actor=village_login, official=who, household=own, on=today + dt.timedelta(days=1)
        )
    with pytest.raises(ValidationError, match="不是走访人的结对帮扶户"):
        services.visit_create(actor=village_login, official=who, household=elsewhere, on=today)
    stranger = official("外县干部", unit="349902101000")
    with pytest.raises(PermissionDenied):
        services.visit_create(actor=village_login, official=stranger, household=elsewhere, on=today)
    assert Visit.objects.count() == 1


@pytest.mark.django_db
def test_attendance_sheet_and_check_in_never_both(village_login):
    who = village_login.official
    township = UserFactory(username="ts", jurisdiction_id=TOWNSHIP)
    township.groups.set([role_group("township_staff")])
    village = AdminUnit.objects.get(code=VILLAGE)
    today = dt.date.today()
    with pytest.raises(ValidationError, match="没有驻村岗位"):
        services.stationed_day_check_in(actor=village_login)  # a village secretary is not stationed
    post(who, Post.FIRST_SECRETARY, VILLAGE)
    services.stationed_day_check_in(actor=village_login)
    assert StationedDay.objects.get(source=StationedSource.CHECK_IN).village_id == VILLAGE
    with pytest.raises(ValidationError, match="已有本人签到"):
        services.attendance_sheet(actor=township, official=who, village=village, month=today, days=[today])
    earlier = [d for d in (today.replace(day=1) + dt.timedelta(days=n) for n in range(3)) if d < today]
    services.attendance_sheet(actor=township, official=who, village=village, month=today, days=earlier)
    assert StationedDay.objects.filter(source=StationedSource.SHEET).count() == len(earlier)


@pytest.mark.django_db
def test_phone_form_and_my_page(village_login, client):
    own = household()
    client.force_login(village_login)
    page = client.get("/visits/new/")
    assert own.number in page.content.decode()
    response = client.post(
        "/visits/new/",
        {
            "household": own.pk,
            "on": dt.date.today().isoformat(),
            "kind": "home",
            "checked": ["income", "policy"],
        },
        follow=True,
    )
    assert "走访记录已保存" in response.content.decode()
    assert Visit.objects.get().checked == ["income", "policy"]
    mine = client.get("/visits/mine/")
    assert "Q-7" in mine.content.decode()


@pytest.mark.django_db
def test_compliance_page_is_scoped_and_exports(village_login, client):
    other = official("外村书记", unit="349902101201")
    post(other, Post.VILLAGE_SECRETARY, "349902101201")
    county = UserFactory(username="co", jurisdiction_id="349901000000")
    county.groups.set([role_group("county_office")])
    client.force_login(county)
    views = client.get("/visits/compliance/").context["views"]
    assert views and all(v.unit.code.startswith("349901") for v in views)
    export = client.get("/visits/compliance/?format=xlsx")
    sheet = load_workbook(io.BytesIO(export.content)).active
    assert sheet["A1"].value == "指标" and sheet.max_row == len(views) + 1
    assert client.get("/api/compliance/?unit=349902000000").json() == []


@pytest.mark.django_db
def test_visits_import_reports_row_and_column(village_login, xlsx):
    own, elsewhere = household(), household(village="349902101201")
    who = village_login.official
    county = UserFactory(username="co2", jurisdiction_id="349901000000")
    county.groups.set([role_group("county_office")])
    headers = ["走访人证件号码", "户编号", "走访日期", "走访方式", "走访内容", "发现问题"]
    path = xlsx(
        [
            [who.id_number, own.number, "2026-03-01", "入户走访", "收入、政策", ""],
            [who.id_number, own.number, "2026-03-01", "入户走访", "", ""],
            [who.id_number, elsewhere.number, "2026-03-02", "电话联系", "", ""],
            [who.id_number, own.number, "2099-01-01", "", "", ""],
            [who.id_number, own.number, "2026-03-05", "上门", "", ""],
            [who.id_number, "NO-SUCH-1", "2026-03-02", "电话联系", "", ""],
        ],
        headers=headers,
    )
    job = run_import(kind="visits", path=path, actor=county)
    errors = {(e["row"], e["column"]) for e in job.errors}
    assert errors == {(3, "走访日期"), (4, "户编号"), (5, "走访日期"), (6, "走访方式"), (7, "户编号")}
    # another county's household reads exactly as an unknown one: the import is no oracle
    messages = {e["row"]: e["message"].split("：", 1)[1] for e in job.errors if e["column"] == "户编号"}
    assert messages[4] == messages[7] == "该户不存在或不在您的管辖范围内"
    visit = Visit.objects.get()
    assert (visit.on, visit.checked) == (D(2026, 3, 1), ["income", "policy"])
    again = run_import(kind="visits", path=path, actor=county)
    assert again.new_rows == 0 and Visit.objects.count() == 1


@pytest.mark.django_db
def test_visits_import_knows_a_foreign_official_only_through_a_paired_household(village_login, xlsx):
    """Issue 18 (no existence oracle): an official outside the importer's jurisdiction answers as an
    unknown ID number unless he is paired with the row's household (a city-level helping cadre)."""
    own = household()
    elsewhere = official("外县干部", unit="349902101000")
    cadre = official("市直帮扶干部", unit="349900000000")
    HelpingCadrePairing.objects.create(official=cadre, household=own, valid_from=D(2015, 1, 1))
    county = UserFactory(username="co3", jurisdiction_id="349901000000")
    county.groups.set([role_group("county_office")])
    headers = ["走访人证件号码", "户编号", "走访日期", "走访方式", "走访内容", "发现问题"]
    unknown_number = people.id_number("349903")
    path = xlsx(
        [
            [elsewhere.id_number, own.number, "2026-03-01", "入户走访", "", ""],
            [unknown_number, own.number, "2026-03-01", "入户走访", "", ""],
            [cadre.id_number, own.number, "2026-03-02", "入户走访", "", ""],
        ],
        headers=headers,
    )
    job = run_import(kind="visits", path=path, actor=county)
    messages = {e["row"]: e["message"] for e in job.errors if e["column"] == "走访人证件号码"}
    assert set(messages) == {2, 3}
    assert messages[2] == messages[3] and "不在您的管辖范围内" in messages[2]
    assert {e["row"] for e in job.errors} == {2, 3}
    run_import(
        kind="visits",
        path=xlsx([[cadre.id_number, own.number, "2026-03-02", "入户走访", "", ""]], headers=headers),
        actor=county,
    )
    assert Visit.objects.get().official == cadre


@pytest.mark.django_db(transaction=True)
def test_warnings_go_to_officials_behind_once_a_day(village_login, mailoutbox, settings):
    from accountability.models import Notification

    settings.SITE_URL = "https://fupin.test"
    village_login.email = "vs@example.test"
    village_login.save()
    household()  # in the village: the village secretary owes it a visit this two-month period
    today = dt.date.today()
    from accountability.policy.quotas import period_containing as containing

    end = containing(today, 2).end
    on_time = end - dt.timedelta(days=3)
    assert services.quota_warnings_send(today=on_time) == 1
    assert services.quota_warnings_send(today=on_time) == 0  # the same day again: nothing new
    message = Notification.objects.get(recipient=village_login)
    assert "Q-7" in message.body and message.emailed_at is not None
    assert len(mailoutbox) == 1 and "https://fupin.test/visits/mine/" in mailoutbox[0].body
    assert services.quota_warnings_send(today=end - dt.timedelta(days=20)) == 0  # too early to warn


@pytest.mark.django_db
def test_the_check_in_button_shows_only_for_stationed_officials(village_login, client):
    client.force_login(village_login)
    assert "今日驻村签到" not in client.get("/visits/mine/").content.decode()
    post(village_login.official, Post.FIRST_SECRETARY, VILLAGE)
    page = client.get("/visits/mine/").content.decode()
    assert "今日驻村签到" in page
    response = client.post("/visits/check-in/", follow=True)
    assert "今日驻村签到成功" in response.content.decode()
    assert StationedDay.objects.get().village_id == VILLAGE


# --- the official's households: one rule, found by index; constant queries of the visit pages --------


def household_rows_read(queryset) -> int:
    """Rows of households_household the plan of ``queryset`` read (returned or filtered out)."""
    import json

    def walk(node):
        if node.get("Relation Name") == "households_household":
            loops = node.get("Actual Loops", 1)
            yield (node.get("Actual Rows", 0) + node.get("Rows Removed by Filter", 0)) * loops
            yield node.get("Rows Removed by Index Recheck", 0)
        for child in node.get("Plans", []):
            yield from walk(child)

    (plan,) = json.loads(queryset.explain(format="json", analyze=True))
    return sum(walk(plan["Plan"]))


@pytest.mark.django_db
def test_the_official_households_are_found_by_index_not_by_scanning_all(village_login):
    """Issue 19: the form's list read every household of the city (0.7–2.3 s on 86k); it reads the
    official's (pairings, and the posted units' code ranges)."""
    from visits.selectors import households_of_official

    who = village_login.official
    own = [household() for _ in range(3)]
    Household.objects.bulk_create(
        [
            Household(
                number=f"X{n:05d}",
                village_id="349902101201",
                head_name="户主",
                attribute="ordinary",
                main_cause="illness",
                identified_year=2016,
                status=HouseholdStatus.NOT_EXITED,
                member_count=3,
            )
            for n in range(2000)
        ]
    )
    paired = Household.objects.filter(village_id="349902101201").first()
    HelpingCadrePairing.objects.create(official=who, household=paired, valid_from=D(2015, 1, 1))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE households_household")
        cursor.execute("SET LOCAL enable_seqscan = off")  # a tiny table may be scanned whole: not ours
    found = households_of_official(who, dt.date.today())
    assert set(found) == {*own, paired}
    assert household_rows_read(found) <= 2 * len(found) + 2


@pytest.mark.django_db
def test_the_official_households_are_exactly_the_rule(city):
    """The form's list, the entry check and the import check agree at every edge of the rule."""
    from visits.selectors import households_of_official, in_scope_rows

    day = D(2020, 6, 15)
    cadre = official("包村干部", unit=VILLAGE)
    post(cadre, Post.TOWNSHIP_CADRE_FOR_VILLAGE, VILLAGE, start=day)  # from the day
    post(cadre, Post.VILLAGE_SECRETARY, OTHER_VILLAGE, end=day - dt.timedelta(days=1))  # ended the eve
    post(cadre, Post.TOWNSHIP_SECRETARY, "349901102000", start=day + dt.timedelta(days=1))  # next day
    in_village, in_other = household(), household(village=OTHER_VILLAGE)
    later_township = household(village="349901102201")
    pairings = {
        "ends on the day": (D(2015, 1, 1), day),
        "starts on the day": (day, None),
        "ended the eve": (D(2015, 1, 1), day - dt.timedelta(days=1)),
        "starts the next day": (day + dt.timedelta(days=1), None),
    }
    paired = {}
    for label, (start, end) in pairings.items():
        target = household(village="349902101201")
        HelpingCadrePairing.objects.create(official=cadre, household=target, valid_from=start, valid_to=end)
        paired[label] = target
    expected = {in_village, paired["ends on the day"], paired["starts on the day"]}
    assert set(households_of_official(cadre, day)) == expected
    everyone = [in_village, in_other, later_township, *paired.values()]
    rows = in_scope_rows([(cadre.pk, h.pk, day) for h in everyone])
    assert {everyone[i] for i in rows} == expected
    assert set(households_of_official(cadre, day + dt.timedelta(days=1))) == {
        in_village,
        paired["starts on the day"],
        paired["starts the next day"],
        later_township,
    }


def visit_pages_queries(client, user, on: dt.date, household_id: int) -> tuple[int, int, int]:
    client.force_login(user)
    with CaptureQueriesContext(connection) as get:
        assert client.get("/visits/new/").status_code == 200
    with CaptureQueriesContext(connection) as post_:
        response = client.post(
            "/visits/new/", {"household": household_id, "on": on.isoformat(), "kind": "home"}
        )
        assert response.status_code == 302
    with CaptureQueriesContext(connection) as mine:
        assert client.get("/visits/mine/").status_code == 200
    return len(get), len(post_), len(mine)


@pytest.mark.django_db
def test_visit_pages_run_a_fixed_number_of_queries(village_login, client):
    """GET and POST of /visits/new/ and /visits/mine/: the same queries for 2 households or 60, with
    pairings and a year of visits (pinned: a new query on these pages must be a decision)."""
    who = village_login.official
    today = dt.date.today()
    first = [household() for _ in range(2)]
    few = visit_pages_queries(client, village_login, today, first[0].pk)
    more = [household() for _ in range(58)]
    for target in more[:10]:
        HelpingCadrePairing.objects.create(official=who, household=target, valid_from=D(2015, 1, 1))
        visits(who, target, *(today - dt.timedelta(days=d) for d in range(1, 30, 3)))
    many = visit_pages_queries(client, village_login, today, first[1].pk)
    assert few == many == (11, 15, 18)  # the menu asks for the user's permissions (2 queries)


@pytest.mark.django_db
def test_api_visit_entry_finds_the_household_through_the_officials_households(village_login, client):
    """The API uses the form's rule: a household outside the official's answers 404 like one that
    does not exist (it used to answer 400, telling that the id exists)."""
    own, elsewhere = household(), household(village="349902101201")
    client.force_login(village_login)
    today = dt.date.today().isoformat()
    outside = client.post(
        "/api/visits/", {"household": elsewhere.pk, "on": today}, content_type="application/json"
    )
    missing = client.post("/api/visits/", {"household": 10**9, "on": today}, content_type="application/json")
    assert (outside.status_code, missing.status_code) == (404, 404)
    saved = client.post("/api/visits/", {"household": own.pk, "on": today}, content_type="application/json")
    assert saved.status_code == 201 and Visit.objects.get().household == own


SCOPE_UNITS = {
    VILLAGE: Post.TOWNSHIP_CADRE_FOR_VILLAGE,
    OTHER_VILLAGE: Post.TOWNSHIP_CADRE_FOR_VILLAGE,
    "349901102201": Post.TOWNSHIP_CADRE_FOR_VILLAGE,
    TOWNSHIP: Post.COUNTY_LEADER_FOR_TOWNSHIP,
    "349901000000": Post.COUNTY_LEADER,
}
SCOPE_VILLAGES = [VILLAGE, OTHER_VILLAGE, "349901102201", "349902101201"]
offsets = st.integers(-2, 2)
tenures = st.tuples(offsets, st.one_of(st.none(), offsets)).filter(lambda t: t[1] is None or t[1] >= t[0])


@pytest.mark.django_db
@hypothesis_settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@example(posts={}, pairings={1: (-1, 0), 2: (0, None), 3: (-2, -1), 5: (1, None)}, shift=0)  # edges
@example(posts={OTHER_VILLAGE: (-1, 0), TOWNSHIP: (0, None), "349901000000": (1, 2)}, pairings={}, shift=0)
@given(
    posts=st.dictionaries(st.sampled_from(sorted(SCOPE_UNITS)), tenures, max_size=3),
    pairings=st.dictionaries(st.integers(0, 7), tenures, max_size=5),
    shift=offsets,
)
def test_the_scope_rule_in_both_shapes_agrees_with_a_plain_reading(city, posts, pairings, shift):
    """Property: for random posts and pairings around a day, the form's list (households_of_official),
    the row check (in_scope_rows) and the rule read plainly in Python name the same households."""
    from django.db import transaction

    from visits.selectors import households_of_official, in_scope_rows

    base, day = D(2020, 6, 15), D(2020, 6, 15) + dt.timedelta(days=shift)
    with transaction.atomic():
        who = official("干部", unit=VILLAGE)
        targets = [household(village=SCOPE_VILLAGES[n % 4]) for n in range(8)]
        for unit, (start, end) in posts.items():
            post(
                who,
                SCOPE_UNITS[unit],
                unit,
                start=base + dt.timedelta(days=start),
                end=None if end is None else base + dt.timedelta(days=end),
            )
        for n, (start, end) in pairings.items():
            HelpingCadrePairing.objects.create(
                official=who,
                household=targets[n],
                valid_from=base + dt.timedelta(days=start),
                valid_to=None if end is None else base + dt.timedelta(days=end),
            )

        def in_force(start, end) -> bool:
            return base + dt.timedelta(days=start) <= day and (
                end is None or day <= base + dt.timedelta(days=end)
            )

        prefixes = [AdminUnit.objects.get(code=unit).prefix for unit, t in posts.items() if in_force(*t)]
        expected = {
            h
            for n, h in enumerate(targets)
            if (n in pairings and in_force(*pairings[n])) or any(h.village_id.startswith(p) for p in prefixes)
        }
        assert set(households_of_official(who, day)) == expected
        rows = in_scope_rows([(who.pk, h.pk, day) for h in targets])
        assert {targets[i] for i in rows} == expected
        transaction.set_rollback(True)


#: pinned: a new query on one of these pages must be a decision (compliance: one statement per quota)
VISIT_LIST_PAGES = {
    "/visits/batch/": 10,  # the pages' menu asks for the user's permissions (2 queries)
    "/visits/compliance/": 23,
    "/visits/compliance/?format=xlsx": 21,  # with the export's audit event
    "/visits/unvisited/": 11,
    "/api/visits/": 8,
    "/api/research-trips/": 8,
    "/api/stationed-days/": 8,
    "/api/compliance/": 19,
}


@pytest.mark.django_db
def test_visit_list_pages_run_a_fixed_number_of_queries(city, client):
    """Issue 19: every list page and API list of visits runs the same queries for 1 row or 30."""
    clerk = UserFactory(username="county", jurisdiction_id="349901000000")
    clerk.groups.set([role_group("county_office")])
    village = AdminUnit.objects.get(code=VILLAGE)

    def rows(n: int) -> None:
        for k in range(n):
            who = official(f"干部{k}", unit=VILLAGE)
            post(who, Post.TOWNSHIP_CADRE_FOR_VILLAGE, VILLAGE)
            target = household()
            Visit.objects.create(official=who, household=target, on=D(2020, 6, 1), entered_by=clerk)
            ResearchTrip.objects.create(
                official=who, on=D(2020, 6, 1), unit=village, topic="调研", entered_by=clerk
            )
            StationedDay.objects.create(
                official=who,
                village=village,
                on=D(2020, 6, 1),
                source=StationedSource.SHEET,
                entered_by=clerk,
            )

    def counts() -> list[int]:
        client.force_login(clerk)
        found = []
        for url in VISIT_LIST_PAGES:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200, url
            found.append(len(queries))
        return found

    rows(1)
    few = counts()
    # + the county office's verified second-factor device, read on every request (decision 0028)
    assert few == [n + 1 for n in VISIT_LIST_PAGES.values()]
    rows(29)
    assert counts() == few


def test_whether_a_visit_to_a_household_counts_is_said():
    """Issue 18 §6: the rule of docs/visits.md ("Coverage") as the form states it."""
    from visits.rules import visit_counting_note

    assert visit_counting_note(status=HouseholdStatus.NOT_EXITED, exit_year=None, year=2020) == ""
    assert visit_counting_note(status=HouseholdStatus.RETURNED, exit_year=2018, year=2020) == ""
    assert "照常计入" in visit_counting_note(status=HouseholdStatus.EXITED, exit_year=2020, year=2020)
    earlier = visit_counting_note(status=HouseholdStatus.EXITED, exit_year=2019, year=2020)
    assert "2019年已脱贫" in earlier and "不计入帮扶户覆盖" in earlier and "计入走访次数" in earlier
    removed = visit_counting_note(status=HouseholdStatus.REMOVED, exit_year=None, year=2020)
    assert "不计入帮扶户覆盖" in removed


@pytest.mark.django_db
def test_the_visit_form_says_whether_an_exited_household_counts(village_login, client):
    poor = household()
    exited = household()
    Household.objects.filter(pk=exited.pk).update(
        status=HouseholdStatus.EXITED, exit_year=dt.date.today().year - 2
    )
    client.force_login(village_login)
    page = client.get("/visits/new/").content.decode()
    line = next(x for x in page.splitlines() if f'value="{exited.pk}"' in x)
    assert "已脱贫" in line and "不计入帮扶户覆盖" in line
    line = next(x for x in page.splitlines() if f'value="{poor.pk}"' in x)
    assert "计入" not in line
