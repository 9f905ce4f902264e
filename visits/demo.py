"""A year of demo visits, research trips and stationed days up to today: most officials keep up
with their quotas, some fall short (deterministic: the same data on every run)."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from accountability.models import Post, ResponsibilityAssignment, User
from households.models import POOR_STATUSES, HelpingCadrePairing, Household
from visits.models import ResearchTrip, StationedDay, StationedSource, Visit, VisitCheck, VisitKind

DEMO_PREFIX = "3499"
LAX_SHARE = 0.3  # about this share of officials falls short
CHECKS = [c.value for c in VisitCheck]


def _days(start: dt.date, end: dt.date) -> list[dt.date]:
    return [start + dt.timedelta(days=n) for n in range((end - start).days + 1)]


def load_visits() -> int:
    """Idempotent: skipped when the demo already has visits."""
    if Visit.objects.filter(household__village__code__startswith=DEMO_PREFIX).exists():
        return 0
    today = timezone.localdate()
    start = today.replace(year=today.year - 1) + dt.timedelta(days=1)
    rng = random.Random(7)
    clerk = (
        User.objects.filter(username="county_office").first()
        or User.objects.filter(is_superuser=True).first()
    )
    poor = list(
        Household.objects.filter(village__code__startswith=DEMO_PREFIX, status__in=POOR_STATUSES).values_list(
            "pk", "village_id"
        )
    )
    by_village: dict[str, list[int]] = {}
    for pk, village in poor:
        by_village.setdefault(village, []).append(pk)
    assignments = list(
        ResponsibilityAssignment.objects.filter(scope_unit__code__startswith=DEMO_PREFIX)
        .select_related("scope_unit")
        .overlapping(start, today)
    )
    lax = {a.official_id for a in assignments if rng.random() < LAX_SHARE}
    visits: dict[tuple[int, int, dt.date], Visit] = {}

    def visit(official_id: int, household_id: int, day: dt.date) -> None:
        key = (official_id, household_id, day)
        if key not in visits:
            visits[key] = Visit(
                official_id=official_id,
                household_id=household_id,
                on=day,
                kind=rng.choice([VisitKind.HOME, VisitKind.HOME, VisitKind.HOME, VisitKind.PHONE]),
                checked=sorted(rng.sample(CHECKS, rng.randint(1, 3))),
                problems=rng.choice(
                    ["", "", "", "住房屋顶漏雨，需维修", "慢性病药费负担重", "子女上学交通不便"]
                ),
                entered_by=clerk,
            )

    for a in assignments:
        window = _days(max(start, a.valid_from), min(today, a.valid_to or today))
        if not window:
            continue
        share = 0.5 if a.official_id in lax else 1.0
        households = [
            h for code, hs in by_village.items() if code.startswith(a.scope_unit.prefix) for h in hs
        ]
        if a.post in (Post.VILLAGE_SECRETARY, Post.FIRST_SECRETARY, Post.TOWNSHIP_CADRE_FOR_VILLAGE):
            # every poor household of the village once a month (lax: every other month, some skipped)
            for month_start in window[::30]:
                for household in households:
                    if rng.random() < share:
                        visit(
                            a.official_id,
                            household,
                            min(month_start + dt.timedelta(days=rng.randrange(25)), today),
                        )
        elif a.post in (Post.TOWNSHIP_SECRETARY, Post.TOWNSHIP_HEAD, *_LEADERS):
            for day in rng.sample(window, min(len(window), int(40 * share))):
                if households:
                    visit(a.official_id, rng.choice(households), day)
        if a.post == Post.FIRST_SECRETARY:
            days = [d for d in window if d.weekday() < 5 or rng.random() < 0.3]
            kept = [d for d in days if rng.random() < (0.65 if a.official_id in lax else 0.97)]
            StationedDay.objects.bulk_create(
                [
                    StationedDay(
                        official_id=a.official_id,
                        village_id=a.scope_unit_id,
                        on=d,
                        source=StationedSource.CHECK_IN,
                        entered_by=clerk,
                    )
                    for d in kept
                ],
                ignore_conflicts=True,
            )
        if a.post in _LEADERS:
            trips = 12 if a.official_id not in lax else 3
            ResearchTrip.objects.bulk_create(
                [
                    ResearchTrip(
                        official_id=a.official_id,
                        unit_id=a.scope_unit_id,
                        on=day,
                        topic=rng.choice(
                            ["产业扶贫项目进展", "饮水安全巩固", "易地搬迁后续扶持", "教育资助落实"]
                        ),
                        findings="",
                        entered_by=clerk,
                    )
                    for day in sorted(rng.sample(window, min(trips, len(window))))
                ],
                ignore_conflicts=True,
            )
    for pairing in HelpingCadrePairing.objects.filter(
        household__village__code__startswith=DEMO_PREFIX
    ).overlapping(start, today):
        window = _days(max(start, pairing.valid_from), min(today, pairing.valid_to or today))
        times = 12 if pairing.official_id not in lax else 5
        for day in rng.sample(window, min(times, len(window))):
            visit(pairing.official_id, pairing.household_id, day)
    Visit.objects.bulk_create(visits.values(), batch_size=2000)
    return len(visits)


_LEADERS = (
    Post.CITY_SECRETARY,
    Post.CITY_MAYOR,
    Post.CITY_LEADER_IN_CHARGE,
    Post.CITY_LEADER,
    Post.COUNTY_SECRETARY,
    Post.COUNTY_HEAD,
    Post.COUNTY_LEADER_IN_CHARGE,
    Post.COUNTY_LEADER,
)
