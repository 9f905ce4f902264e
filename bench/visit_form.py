"""Benchmark: the phone visit form of a village official against its floor (issue 19).

    DATABASE_URL=postgres://…/scratch REDIS_URL=redis://… \
        .venv/bin/python bench/visit_form.py [--persons 300000] [--repeat 30] [--explain]

Works on the database of DATABASE_URL; when it holds no households, builds the synthetic city there
(``generate_synthetic --persons N`` and a year of visits, ``generate_synthetic_visits --year 2020``).
Pairs each helping cadre of the city with five households of their village when no pairing exists
(the synthetic city has none), and links a login to a village secretary, a helping cadre and a
township secretary.

For each of them, in the same run: the time of ``households_of_official`` (the form's list, every
row read) against its floor — the plain index lookup of the same households
(``SELECT … FROM households_household WHERE village_id = %s`` for a village, the code range for a
township) — and the ratio; then GET and POST of ``/visits/new/`` and GET
of ``/visits/mine/`` through Django's test client (median time and SQL queries). ``--explain`` prints
EXPLAIN ANALYZE of the form's household query.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("APP_ENV", "development")
os.environ.setdefault("DEBUG", "0")

PAIRINGS_SQL = """
INSERT INTO households_helpingcadrepairing (official_id, household_id, valid_from, valid_to)
SELECT a.official_id, h.id, DATE '2014-01-01', NULL
  FROM (SELECT a.*, row_number() OVER (PARTITION BY a.scope_unit_id ORDER BY a.official_id) AS k
          FROM accountability_responsibilityassignment a WHERE a.post = 'helping_cadre') a
  JOIN LATERAL (SELECT h.id FROM households_household h WHERE h.village_id = a.scope_unit_id
                 ORDER BY h.id OFFSET 5 * (a.k - 1) LIMIT 5) h ON true
"""


def manage(*args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, check=True)


def median_ms(action, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, default=300_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--explain", action="store_true")
    options = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accountability.access.roles import role_group
    from accountability.models import Official, Post, ResponsibilityAssignment, User
    from households.models import HelpingCadrePairing, Household
    from visits.models import Visit
    from visits.selectors import households_of_official

    manage("migrate", "-v", "0")
    if not Household.objects.exists():
        manage("generate_synthetic", "--persons", str(options.persons), "--seed", "1")
        manage("generate_synthetic_visits", "--year", "2020")
    if not HelpingCadrePairing.objects.exists():
        with connection.cursor() as cursor:
            cursor.execute(PAIRINGS_SQL)
            cursor.execute("ANALYZE households_helpingcadrepairing")
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    today = dt.date.today()

    def holder(post: str) -> Official:
        assignments = ResponsibilityAssignment.objects.filter(post=post, valid_to__isnull=True)
        middle = assignments.order_by("scope_unit_id", "official_id")[assignments.count() // 2]
        return middle.official

    def login(official: Official) -> User:
        if official.user is None:
            unit = official.assignments.order_by("valid_from").first().scope_unit_id
            user = User.objects.create(username=f"bench_{official.pk}", jurisdiction_id=unit)
            user.groups.set([role_group("village_official")])
            official.user = user
            official.save(update_fields=["user"])
        return official.user

    def floor_of(official: Official):
        """The same households by the plainest index lookup, without the rule: those of the unit
        of the official's post (a helping cadre's pairings lie in the village of his post)."""
        prefix = official.assignments.order_by("valid_from").first().scope_unit.prefix
        if len(prefix) == 12:
            return Household.objects.filter(village_id=prefix).select_related("village")
        return Household.objects.filter(
            village_id__gte=prefix.ljust(12, "0"), village_id__lte=prefix.ljust(12, "9")
        ).select_related("village")

    print(
        f"city: {Household.objects.count()} households, {Visit.objects.count()} visits, "
        f"{HelpingCadrePairing.objects.count()} pairings; repeat {options.repeat}, median times"
    )
    print(f"{'official':<22} {'rows':>5} {'ours ms':>8} {'floor ms':>9} {'ratio':>6}")
    cases = [
        ("village secretary", holder(Post.VILLAGE_SECRETARY)),
        ("helping cadre", holder(Post.HELPING_CADRE)),
        ("township secretary", holder(Post.TOWNSHIP_SECRETARY)),
    ]
    for label, official in cases:
        ours = households_of_official(official, today).order_by("village_id", "number")
        floor = floor_of(official).order_by("village_id", "number")
        rows = len(list(ours))
        ours_ms = median_ms(lambda ours=ours: list(ours.all()), options.repeat)
        floor_ms = median_ms(lambda floor=floor: list(floor.all()), options.repeat)
        print(f"{label:<22} {rows:>5} {ours_ms:>8.2f} {floor_ms:>9.2f} {ours_ms / floor_ms:>6.2f}")
        if options.explain:
            print(ours.explain(analyze=True))
            print(floor.explain(analyze=True))

    print(f"\n{'page (village secretary)':<28} {'median ms':>9} {'queries':>8}")
    official = cases[0][1]
    client = Client()
    client.force_login(login(official))
    Visit.objects.filter(official=official, on=today).delete()
    targets = iter(list(households_of_official(official, today).values_list("pk", flat=True)))

    def measure(label: str, request) -> None:
        with CaptureQueriesContext(connection) as queries:
            request()
        count = len(queries)
        print(f"{label:<28} {median_ms(request, options.repeat):>9.1f} {count:>8}")

    def post_visit():
        response = client.post(
            "/visits/new/", {"household": next(targets), "on": today.isoformat(), "kind": "home"}
        )
        assert response.status_code == 302, response.status_code

    measure("GET /visits/new/", lambda: client.get("/visits/new/"))
    measure("POST /visits/new/ (saved)", post_visit)
    measure("GET /visits/mine/", lambda: client.get("/visits/mine/"))
    Visit.objects.filter(official=official, on=today).delete()


if __name__ == "__main__":
    main()
