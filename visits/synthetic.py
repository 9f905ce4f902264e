"""Posts, visits, trips and stationed days for the synthetic city of ``generate_synthetic``
(deterministic; set-based SQL so that a city of 1,000,000 persons is filled in a minute)."""

from __future__ import annotations

import datetime as dt

from django.db import connection, transaction

from accountability.demo.people import People
from accountability.models import (
    AdminLevel,
    AdminUnit,
    Official,
    Organisation,
    OrganisationKind,
    Post,
    ResponsibilityAssignment,
    User,
)
from accountability.platform.history import bind_context_to_transaction, history_context

POSTS_BY_LEVEL = {
    AdminLevel.CITY: [Post.CITY_SECRETARY, Post.CITY_MAYOR, Post.CITY_LEADER, Post.CITY_LEADER],
    AdminLevel.COUNTY: [Post.COUNTY_SECRETARY, Post.COUNTY_HEAD, Post.COUNTY_LEADER, Post.COUNTY_LEADER],
    AdminLevel.TOWNSHIP: [Post.TOWNSHIP_SECRETARY, Post.TOWNSHIP_HEAD],
    AdminLevel.VILLAGE: [Post.VILLAGE_SECRETARY, Post.FIRST_SECRETARY, Post.TOWNSHIP_CADRE_FOR_VILLAGE],
}

VISITS_SQL = """
-- helping cadres: 6 to 12 visits a year to each paired household
INSERT INTO visits_visit (official_id, household_id, "on", kind, checked, problems, follow_up,
                          follow_up_done, photo, entered_by_id, created_at)
SELECT p.official_id, p.household_id, %(start)s::date + ((p.household_id * 7919 + g * 61) %% 365)::int,
       'home', '{}', '', '', false, '', %(user)s, now()
  FROM households_helpingcadrepairing p
  JOIN households_household h ON h.id = p.household_id AND h.village_id LIKE %(prefix)s
  CROSS JOIN LATERAL generate_series(1, 6 + (p.household_id %% 7)) g
ON CONFLICT DO NOTHING;
-- village secretaries, first secretaries and township cadres: the village's households every two months
INSERT INTO visits_visit (official_id, household_id, "on", kind, checked, problems, follow_up,
                          follow_up_done, photo, entered_by_id, created_at)
SELECT a.official_id, h.id,
       make_date(%(year)s, (2 * g + 1 + ((h.id + a.official_id) %% 2))::int, (1 + (h.id %% 27))::int),
       'home', '{}', '', '', false, '', %(user)s, now()
  FROM accountability_responsibilityassignment a
  JOIN households_household h ON h.village_id = a.scope_unit_id
  CROSS JOIN generate_series(0, 5) g
 WHERE a.post = ANY(%(village_posts)s) AND a.scope_unit_id LIKE %(prefix)s
   AND (h.id + a.official_id + g) %% 9 <> 0
ON CONFLICT DO NOTHING;
-- township secretaries and heads: a sample of their township's households every month
INSERT INTO visits_visit (official_id, household_id, "on", kind, checked, problems, follow_up,
                          follow_up_done, photo, entered_by_id, created_at)
SELECT a.official_id, h.id, make_date(%(year)s, m::int, (1 + (h.id %% 28))::int),
       'home', '{}', '', '', false, '', %(user)s, now()
  FROM accountability_responsibilityassignment a
  JOIN households_household h ON h.village_id LIKE left(a.scope_unit_id, 9) || '%%'
  CROSS JOIN generate_series(1, 12) m
 WHERE a.post = ANY(%(township_posts)s) AND a.scope_unit_id LIKE %(prefix)s
   AND (h.id + m + a.official_id) %% 17 = 0
ON CONFLICT DO NOTHING;
-- first secretaries: most days stationed in the village
INSERT INTO visits_stationedday (official_id, village_id, "on", source, entered_by_id, created_at)
SELECT a.official_id, a.scope_unit_id, d::date, 'check_in', %(user)s, now()
  FROM accountability_responsibilityassignment a
  CROSS JOIN generate_series(%(start)s::date, %(end)s::date, interval '1 day') d
 WHERE a.post = 'first_secretary' AND a.scope_unit_id LIKE %(prefix)s
   AND (a.official_id + extract(doy FROM d)::int) %% 10 < 7
ON CONFLICT DO NOTHING;
-- city and county leaders: research trips
INSERT INTO visits_researchtrip (official_id, unit_id, "on", topic, findings, entered_by_id, created_at)
SELECT a.official_id, a.scope_unit_id,
       make_date(%(year)s, (1 + (n - 1) %% 12)::int, (1 + (a.official_id + n) %% 28)::int),
       '专题调研 ' || n, '', %(user)s, now()
  FROM accountability_responsibilityassignment a
  CROSS JOIN generate_series(1, 12) n
 WHERE a.post = ANY(%(leader_posts)s) AND a.scope_unit_id LIKE %(prefix)s AND (a.official_id + n) %% 4 <> 0
ON CONFLICT DO NOTHING;
"""


@transaction.atomic
def create_posts_and_visits(*, prefix: str, year: int, seed: int = 1) -> dict[str, int]:
    """Officials in every post of every unit under ``prefix`` (from 1 January 2014) and a year of
    their visits, stationed days and research trips. Idempotent."""
    people = People(seed=seed)
    user, _ = User.objects.get_or_create(username="synthetic", defaults={"first_name": "合成数据"})
    with history_context(reason="合成数据：岗位与走访"):
        units = list(AdminUnit.objects.filter(code__startswith=prefix).order_by("code"))
        organisations = {
            unit.code: Organisation.objects.get_or_create(
                unit=unit, name=f"{unit.name}党委", defaults={"kind": OrganisationKind.PARTY_COMMITTEE}
            )[0]
            for unit in units
            if unit.level != AdminLevel.VILLAGE
        }
        held = set(
            ResponsibilityAssignment.objects.filter(scope_unit__code__startswith=prefix).values_list(
                "scope_unit_id", "post"
            )
        )
        officials, posts = [], []
        for unit in units:
            home = organisations.get(unit.code) or organisations[unit.parent_id]
            for index, post in enumerate(POSTS_BY_LEVEL[AdminLevel(unit.level)]):
                if (unit.code, post) in held and index < 2:
                    continue
                if (unit.code, post) in held and post in (Post.CITY_LEADER, Post.COUNTY_LEADER):
                    continue
                official = Official(
                    name=f"{unit.name}{index + 1}号", id_number=people.id_number(unit.code), organisation=home
                )
                officials.append(official)
                posts.append((official, unit.code, post))
        Official.objects.bulk_create(officials, batch_size=5000)
        ResponsibilityAssignment.objects.bulk_create(
            [
                ResponsibilityAssignment(
                    official=o, scope_unit_id=code, post=post, valid_from=dt.date(2014, 1, 1)
                )
                for o, code, post in posts
            ],
            batch_size=5000,
        )
        bind_context_to_transaction()
        with connection.cursor() as cursor:
            cursor.execute(
                VISITS_SQL,
                {
                    "prefix": prefix + "%",
                    "year": year,
                    "start": dt.date(year, 1, 1),
                    "end": dt.date(year, 12, 31),
                    "user": user.pk,
                    "village_posts": [
                        Post.VILLAGE_SECRETARY,
                        Post.FIRST_SECRETARY,
                        Post.TOWNSHIP_CADRE_FOR_VILLAGE,
                    ],
                    "township_posts": [Post.TOWNSHIP_SECRETARY, Post.TOWNSHIP_HEAD],
                    "leader_posts": [*POSTS_BY_LEVEL[AdminLevel.CITY], *POSTS_BY_LEVEL[AdminLevel.COUNTY]],
                },
            )
    return {"officials": len(officials), "posts": len(posts)}
