"""E-6/E-7 per-mille rates and the household counts of E-1/E-2/E-4 (issue 12, part 1): one definition of
“registered during a year”, each household once, omitted families inside the denominator, the finding
sources each rule counts (Art. 39 / Art. 40) — at their edges, and as a property over random
registries checked against a plain Python reference."""

from __future__ import annotations

import datetime as dt
import importlib
import io
import itertools
import json
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accountability.cases.services import case_open_from_alert
from accountability.demo.hierarchy import load_hierarchy
from accountability.models import AdminUnit, Alert, EscalationRule, PolicyProfile
from accountability.policy.presets import install_preset
from accountability.policy.sources import BELOW_PROVINCIAL, PROVINCIAL_OR_ABOVE, FindingSource
from accountability.rules.runs import run_rules
from households import selectors
from households.metrics import (
    counted_households,
    imprecise_persons,
    misidentified_households,
    wrong_exit_households,
)
from households.models import Household, HouseholdStatus, Member, ProcedureStep, VerificationFinding
from households.registered import registered_during_q
from tests.factories import UserFactory

D = dt.date
YEAR, AS_OF = 2020, D(2021, 1, 31)
COUNTY = "349902000000"
VILLAGE, VILLAGE_2, VILLAGE_3 = "349902101201", "349902101202", "349902102201"
numbers = itertools.count(1)


@pytest.fixture
def city(db):
    load_hierarchy()
    PolicyProfile.objects.all().delete()
    install_preset("suzhou", jurisdiction=None, effective_from=D(2015, 1, 1))
    AdminUnit.objects.filter(level="village").update(is_poor_village=False, planned_exit_year=None)
    return AdminUnit.objects.get(code="349900000000")


def household(village: str = VILLAGE, persons: int = 3, **fields) -> Household:
    values = {
        "attribute": "ordinary",
        "main_cause": "illness",
        "identified_year": 2016,
        "status": HouseholdStatus.NOT_EXITED,
    }
    return Household.objects.create(
        number=f"T{next(numbers):06d}",
        village_id=village,
        head_name="户主",
        member_count=persons,
        **{**values, **fields},
    )


def finding(target: Household | None, kind: str, source: str = "provincial_assessment", **fields):
    values = {
        "village_id": target.village_id if target else VILLAGE,
        "household": target,
        "kind": kind,
        "source": source,
        "found_date": D(YEAR, 11, 1),
        "assessment_year": YEAR,
        "persons_affected": 1,
        "status": "confirmed",
    }
    return VerificationFinding.objects.create(**{**values, **fields})


def county_rules() -> set[str]:
    result = run_rules(year=YEAR, as_of=AS_OF, triggered_by="test")
    return {t.rule_code for t in result.triggered if t.unit_code == COUNTY}


def rate(**kwargs):
    return imprecise_persons(year=YEAR, level="county", root="3499", **kwargs).get(COUNTY[:6])


# --- the observation and the edges ------------------------------------------------------------


@pytest.mark.django_db
def test_the_observed_county_is_at_five_and_a_half_per_mille(city):
    """22 imprecise persons among 4,000 registered: 5.5 ‰ — E-6, not E-7. The old code left the
    2,415 persons of households exited before 2020 out of the denominator and reported
    22/1,585 = 13.88 ‰ (E-7: secretary and head must resign)."""
    wrongly_exited = [household(VILLAGE, n, status="exited", exit_year=2018) for n in (4, 5, 6, 7)]  # 22
    for target in wrongly_exited:
        finding(target, "wrong_exit", persons_affected=target.member_count)
    for _ in range(7):
        household(VILLAGE_2, 341, status="exited", exit_year=2019)  # 2,387 + 22 + 6 = 2,415 exited
    household(VILLAGE_2, 6, status="exited", exit_year=2017)
    for _ in range(5):
        household(VILLAGE_3, 317)  # 1,585 not exited
    fact = rate()
    assert (fact.numerator, fact.denominator, fact.value) == (22, 4000, Decimal("5.50"))
    assert {"E-6", "E-7"} & county_rules() == {"E-6"}


@pytest.mark.django_db
def test_a_household_counts_once_across_kinds_sources_and_findings(city):
    target = household(VILLAGE, 5, status="exited", exit_year=2019)
    finding(target, "misidentified", "provincial_assessment", persons_affected=5)
    finding(target, "misidentified", "third_party", persons_affected=5)  # a second source
    finding(target, "wrong_exit", "national_assessment", persons_affected=5)  # and the other kind
    household(VILLAGE, 995)
    fact = rate()
    assert (fact.numerator, fact.denominator) == (5, 1000)  # was 15 persons: summed per finding
    mis = misidentified_households(year=YEAR, level="village", root="3499")[VILLAGE]
    assert mis.numerator == 1 and len(mis.evidence["findings"]) == 3
    assert VILLAGE not in wrong_exit_households(year=YEAR, level="village", root="3499")


@pytest.mark.django_db
def test_persons_are_the_households_members_not_the_findings_number(city):
    target = household(VILLAGE, 4)
    finding(target, "misidentified", persons_affected=40)
    household(VILLAGE, 996)
    assert (rate().numerator, rate().denominator) == (4, 1000)


@pytest.mark.django_db
def test_omitted_families_join_the_denominator_once(city):
    """漏评 is 识别不精准 (001 Art. 6(1)): the family is outside the registry, so its persons (the
    finding's 涉及人数) join both the numerator and the denominator; two findings about the same
    family (same head's ID number) count once."""
    household(VILLAGE, 995)
    head = "34990219800101001X"
    finding(None, "omission", family_name="漏评户", family_id_number=head, persons_affected=5)
    finding(None, "omission", "third_party", family_name="漏评户", family_id_number=head, persons_affected=4)
    fact = rate()
    assert (fact.numerator, fact.denominator, fact.evidence["added_to_denominator"]) == (5, 1000, 5)
    assert misidentified_households(year=YEAR, level="village", root="3499")[VILLAGE].numerator == 1
    # a family since registered (its head an active member of a household registered that year) is
    # that household: counted once, already in the denominator
    registered = household(VILLAGE, 3, identified_year=YEAR)
    Member.objects.create(household=registered, name="户主", id_number=head, relation="head", sex="male")
    fact = rate()
    assert (fact.numerator, fact.denominator, fact.evidence["added_to_denominator"]) == (3, 998, 0)


@pytest.mark.django_db
def test_removal_counts_in_its_year_and_not_after(city):
    household(VILLAGE, 990)
    target = household(VILLAGE, 10)
    finding(target, "misidentified")
    household(VILLAGE, 100, status="removed", removed_on=D(2019, 12, 31))  # removed before 2020
    household(VILLAGE, 50, status="removed", removed_on=D(2020, 1, 15))  # removed during 2020
    household(VILLAGE, 7, status="removed")  # removal date unknown: not counted
    assert rate().denominator == 1050  # the old code counted every removed household, for ever


@pytest.mark.django_db
def test_a_return_supersedes_the_exit(city):
    AdminUnit.objects.filter(code=VILLAGE).update(is_poor_village=True, rural_population=1000)
    returned = household(VILLAGE, 8, status="returned", exit_year=2017, returned_on=D(2019, 4, 1))
    finding(household(VILLAGE, 2), "misidentified")
    assert rate().denominator == 10  # the old code dropped the returned household (exit 2017 < 2020)
    assert Household.objects.filter(registered_during_q(2018), pk=returned.pk).exists()
    user = UserFactory(username="city", jurisdiction_id="349900000000")
    poor = {r.village.code: r.poor_persons for r in selectors.poor_villages(user, 2018)}
    assert poor[VILLAGE] == 2  # exited at the end of 2018: the return came later
    poor = {r.village.code: r.poor_persons for r in selectors.poor_villages(user, 2019)}
    assert poor[VILLAGE] == 10  # poor again from its return


@pytest.mark.django_db
def test_the_removal_date_is_filled_from_the_procedure_history(city):
    """The data migration gives existing removed and returned households the date of their
    county decision."""
    from tests.factories import UserFactory as Users

    clerk = Users(username="clerk")
    removed = household(VILLAGE, 3, status="removed")
    returned = household(VILLAGE, 3, status="returned", exit_year=2017)
    for target, procedure, on in ((removed, "removal", D(2019, 6, 1)), (returned, "return", D(2018, 3, 2))):
        ProcedureStep.objects.create(
            household=target, procedure=procedure, step="county_decision", on=on, actor=clerk
        )
    unknown = household(VILLAGE, 3, status="removed")
    migration = importlib.import_module("households.migrations.0004_removal_return_dates_finding_levels")
    migration.fill_dates(django_apps, None)
    assert Household.objects.get(pk=removed.pk).removed_on == D(2019, 6, 1)
    assert Household.objects.get(pk=returned.pk).returned_on == D(2018, 3, 2)
    assert Household.objects.get(pk=unknown.pk).removed_on is None


# --- Art. 39 / Art. 40 sources ----------------------------------------------------------------


@pytest.mark.django_db
def test_a_city_supervision_finding_raises_the_article_40_rule_only(city, client):
    finding(household(VILLAGE), "misidentified", FindingSource.CITY_INSPECTION)
    out = io.StringIO()
    call_command("run_rules", "--year", str(YEAR), "--as-of", AS_OF.isoformat(), "--json", stdout=out)
    items = [i for i in json.loads(out.getvalue()) if i.get("unit") == VILLAGE]
    assert [i["rule"] for i in items] == ["E-11"]  # no E-1: Art. 39 counts provincial work or above
    alert = Alert.objects.get(rule_code="E-11")
    assert "视情追究" in alert.action and "有权机关" in alert.action
    assert EscalationRule.objects.get(code="E-11").forms == []  # it proposes no consequence
    assert alert.evidence["finding_sources"] == sorted(BELOW_PROVINCIAL)
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    page = client.get(f"/alerts/{alert.pk}/").content.decode()
    assert "市级督查（市级）" in page and "视情追究" in page
    # a case opened from it asks the deciding authority: no consequence proposed, whoever it names
    cases = case_open_from_alert(actor=UserFactory(username="office", is_superuser=True), alert=alert)
    assert cases and all(case.proposed_forms == [] for case in cases)


@pytest.mark.django_db
def test_a_provincial_finding_raises_article_39_and_not_article_40(city):
    finding(household(VILLAGE), "misidentified", FindingSource.PROVINCIAL_AUDIT)
    result = run_rules(year=YEAR, as_of=AS_OF, triggered_by="test")
    assert {t.rule_code for t in result.triggered if t.unit_code == VILLAGE} == {"E-1"}


@pytest.mark.django_db
def test_the_per_mille_rules_count_only_provincial_sources(city):
    household(VILLAGE, 1000 - 40)
    finding(household(VILLAGE, 20), "wrong_exit", FindingSource.COUNTY_AUDIT, persons_affected=20)
    finding(household(VILLAGE, 20), "wrong_exit", FindingSource.CITY_MONITORING, persons_affected=20)
    assert {"E-6", "E-7"} & county_rules() == set()  # 40 ‰ of findings below provincial level
    assert rate(sources=PROVINCIAL_OR_ABOVE) is None and rate().numerator == 40


@pytest.mark.django_db
def test_rules_edited_in_the_admin_name_known_sources(city):
    from django.core.exceptions import ValidationError

    rule = EscalationRule.objects.get(code="E-1")
    assert rule.finding_sources == list(PROVINCIAL_OR_ABOVE)
    rule.finding_sources = ["provincial_assessment", "somewhere"]
    with pytest.raises(ValidationError, match="somewhere"):
        rule.clean()


def test_the_source_vocabulary_carries_levels():
    assert set(PROVINCIAL_OR_ABOVE) | set(BELOW_PROVINCIAL) == set(FindingSource.values)
    assert "provincial_assessment" in PROVINCIAL_OR_ABOVE and "third_party" in PROVINCIAL_OR_ABOVE
    assert "cross_assessment" in PROVINCIAL_OR_ABOVE and "central_audit" in PROVINCIAL_OR_ABOVE
    assert {"city_inspection", "county_audit", "city_monitoring", "data_comparison"} <= set(BELOW_PROVINCIAL)


# --- a property over random registries --------------------------------------------------------

VILLAGES = ("349901101201", "349901102202", "349902101201", "349902101202")
HEADS = tuple(f"3499001990010100{n:02d}" for n in range(6))
STATUSES = ("not_exited", "exiting", "exited", "returned", "removed", "identifying", "not_admitted")


@dataclass
class H:
    village: str
    persons: int
    identified: int
    status: str
    exit_year: int | None
    returned_on: dt.date | None
    removed_on: dt.date | None
    head: str | None  # the ID number of an active member, if any
    pk: int = 0


@dataclass
class F:
    target: int | None  # index into the households, or None: an omitted family
    kind: str
    source: str
    status: str
    year: int
    persons: int
    head: str  # the omitted family's head ('' if not given)
    village: str
    pk: int = 0


@st.composite
def households_st(draw):
    status = draw(st.sampled_from(STATUSES))
    identified = draw(st.integers(2016, 2021))
    exit_year = draw(st.integers(identified, 2021)) if status in ("exited", "returned") else None
    returned = (
        D(draw(st.integers(exit_year, 2021)), 6, 1) if status == "returned" and draw(st.booleans()) else None
    )
    removed = D(draw(st.integers(2016, 2021)), 3, 1) if status == "removed" and draw(st.booleans()) else None
    return H(
        draw(st.sampled_from(VILLAGES)),
        draw(st.integers(0, 8)),
        identified,
        status,
        exit_year,
        returned,
        removed,
        None,
    )


@st.composite
def registry_st(draw):
    homes = draw(st.lists(households_st(), max_size=14))
    heads = list(HEADS)
    for home in homes:
        if heads and draw(st.booleans()):
            home.head = heads.pop(draw(st.integers(0, len(heads) - 1)))
    found = []
    for _ in range(draw(st.integers(0, 14))):
        omitted = not homes or draw(st.booleans())
        kind = "omission" if omitted else draw(st.sampled_from(("misidentified", "wrong_exit", "other")))
        found.append(
            F(
                None if omitted else draw(st.integers(0, len(homes) - 1)),
                kind,
                draw(st.sampled_from(FindingSource.values)),
                draw(st.sampled_from(("confirmed", "confirmed", "pending", "excluded"))),
                draw(st.sampled_from((2019, 2020, 2020))),
                draw(st.integers(0, 9)),
                draw(st.sampled_from(("", *HEADS))) if omitted else "",
                draw(st.sampled_from(VILLAGES)),
            )
        )
    sources = draw(st.sampled_from(((), PROVINCIAL_OR_ABOVE, BELOW_PROVINCIAL)))
    return homes, found, sources


def registered(h: H, year: int) -> bool:
    """The definition of docs/registry.md, written plainly."""
    if h.identified > year or h.status in ("identifying", "not_admitted"):
        return False
    if h.removed_on is not None:
        return h.removed_on.year >= year
    return h.status != "removed"


def reference(homes: list[H], found: list[F], year: int, sources, digits: int):
    """Per unit: (numerator persons, registered denominator, {kind: households}, entity keys)."""
    by_head = {h.head: h for h in homes if h.head}
    entities: dict[str, dict] = {}
    for f in found:
        if f.status != "confirmed" or f.year != year or f.kind == "other":
            continue
        if sources and f.source not in sources:
            continue
        home = homes[f.target] if f.target is not None else by_head.get(f.head) if f.head else None
        if home is not None:
            key, village, persons, inside = f"h:{home.pk}", home.village, home.persons, registered(home, year)
        else:
            key = f"id:{f.head}" if f.head else f"f:{f.pk}"
            village, persons, inside = f.village, max(f.persons, 1), False
        entity = entities.setdefault(
            key, {"village": village, "persons": 0, "inside": inside, "kinds": set()}
        )
        entity["persons"] = max(entity["persons"], persons)
        entity["kinds"].add("wrong_exit" if f.kind == "wrong_exit" else "misidentified")
    units: dict[str, dict] = {}
    for key, e in entities.items():
        unit = units.setdefault(e["village"][:digits], {"num": 0, "out": 0, "kinds": {}, "keys": []})
        kind = "misidentified" if "misidentified" in e["kinds"] else "wrong_exit"
        unit["num"] += e["persons"]
        unit["out"] += 0 if e["inside"] else e["persons"]
        unit["kinds"][kind] = unit["kinds"].get(kind, 0) + 1
        unit["keys"].append(key)
    base: dict[str, int] = {}
    for h in homes:
        if registered(h, year):
            base[h.village[:digits]] = base.get(h.village[:digits], 0) + h.persons
    return units, base


@pytest.mark.django_db
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=registry_st())
def test_rates_agree_with_a_plain_reference(city, data):
    homes, found, sources = data
    rural = dict(AdminUnit.objects.filter(level="village").values_list("code", "rural_population"))
    with transaction.atomic():
        for h in homes:
            row = household(
                h.village,
                h.persons,
                identified_year=h.identified,
                status=h.status,
                exit_year=h.exit_year,
                returned_on=h.returned_on,
                removed_on=h.removed_on,
            )
            h.pk = row.pk
            if h.head:
                Member.objects.create(
                    household=row, name="成员", id_number=h.head, relation="head", sex="male"
                )
        for f in found:
            target = Household.objects.get(pk=homes[f.target].pk) if f.target is not None else None
            f.pk = finding(
                target,
                f.kind,
                f.source,
                status=f.status,
                assessment_year=f.year,
                persons_affected=f.persons,
                family_id_number=f.head,
                village_id=target.village_id if target else f.village,
            ).pk
        counted = counted_households(year=YEAR, root="3499", sources=sources)
        keys = [c.key for c in counted]
        assert len(keys) == len(set(keys))  # no household counted twice
        registered_ids = set(Household.objects.filter(registered_during_q(YEAR)).values_list("pk", flat=True))
        for c in counted:  # numerator ⊆ denominator: inside the registry of the year, or added to it
            if c.key.startswith("h:"):
                assert (int(c.key[2:]) in registered_ids) is c.in_registry
            else:
                assert not c.in_registry
        for level, digits in (("village", 12), ("county", 6)):
            units, base = reference(homes, found, YEAR, sources, digits)
            facts = imprecise_persons(year=YEAR, level=level, root="3499", sources=sources)
            rural_facts = imprecise_persons(
                year=YEAR, level=level, root="3499", sources=sources, denominator="rural"
            )
            assert set(facts) == {u for u, x in units.items() if base.get(u, 0) + x["out"]}
            for unit, expected in units.items():
                denominator = base.get(unit, 0) + expected["out"]
                if not denominator:
                    continue
                fact = facts[unit]
                assert (fact.numerator, fact.denominator) == (expected["num"], denominator)
                assert fact.numerator <= fact.denominator and fact.value <= 1000
                population = sum(n or 0 for code, n in rural.items() if code.startswith(unit))
                if population:
                    assert (rural_facts[unit].numerator, rural_facts[unit].denominator) == (
                        expected["num"],
                        population,
                    )
                    assert rural_facts[unit].value <= 1000
            for kind, metric in (
                ("misidentified", misidentified_households),
                ("wrong_exit", wrong_exit_households),
            ):
                got = {
                    u: f.numerator
                    for u, f in metric(year=YEAR, level=level, root="3499", sources=sources).items()
                }
                assert got == {u: x["kinds"][kind] for u, x in units.items() if kind in x["kinds"]}
        transaction.set_rollback(True)


def test_the_level_of_the_counted_sources_is_the_lowest_and_unstated_says_nothing():
    from accountability.policy.sources import lowest_level

    assert lowest_level(PROVINCIAL_OR_ABOVE) == "provincial"
    assert lowest_level(["national_assessment", "central_audit"]) == "national"
    assert lowest_level(["national_assessment", "city_audit"]) == "city"
    assert lowest_level(["provincial_audit", "audit"]) == ""  # an audit of unstated level
    assert lowest_level([]) == ""


@pytest.mark.django_db
def test_an_article_39_alert_carries_its_source_level_to_the_veto(city):
    finding(household(VILLAGE), "misidentified", FindingSource.PROVINCIAL_AUDIT)
    run_rules(year=YEAR, as_of=AS_OF, triggered_by="test")
    assert Alert.objects.get(rule_code="E-1", unit_id=VILLAGE).evidence["source_level"] == "provincial"
    assert Alert.objects.get(rule_code="E-1", unit_id=VILLAGE).evidence["proposes_consequence"] is True
