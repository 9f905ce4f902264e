"""The users of bench/load.py (locust, headless): village officials entering visits and office users
reading lists. Logins come from the JSON file ``BENCH_LOGINS`` written by bench/load.py; every user
stops by itself after ``BENCH_ITERATIONS`` rounds (locust's --run-time bounds the whole run too).

Requests carry ``X-Forwarded-Proto: https`` as nginx sets it in production (docs/operations.md), so
that the production settings' HTTPS redirect is satisfied on the loopback.
"""

from __future__ import annotations

import json
import os
import re
from itertools import count
from threading import Lock

import gevent
from locust import HttpUser, between, task
from locust.exception import StopUser

LOGINS = json.loads(open(os.environ["BENCH_LOGINS"], encoding="utf-8").read())  # noqa: SIM115
ITERATIONS = int(os.environ.get("BENCH_ITERATIONS", "5"))
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
HOUSEHOLD = re.compile(r'<option value="(\d+)"')
_taken: dict[str, count] = {"official": count(), "office": count()}
_finished = count(1)
_lock = Lock()


def next_login(kind: str) -> dict:
    with _lock:
        return LOGINS[kind][next(_taken[kind]) % len(LOGINS[kind])]


class Portal(HttpUser):
    abstract = True
    kind = ""

    def on_start(self) -> None:
        self.rounds = 0
        self.client.headers["X-Forwarded-Proto"] = "https"
        self.origin = self.host.replace("http://", "https://")  # as the browser sees it behind nginx
        login = next_login(self.kind)
        self.login = login
        page = self.client.get("/accounts/login/", name="login (GET)")
        token = CSRF.search(page.text).group(1)
        with self.client.post(
            "/accounts/login/",
            data={"username": login["username"], "password": login["password"], "csrfmiddlewaretoken": token},
            headers={"Referer": f"{self.origin}/accounts/login/"},
            allow_redirects=False,
            name="login (POST)",
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"login refused: {response.status_code}")

    def count_round(self) -> None:
        self.rounds += 1
        if self.rounds >= ITERATIONS:
            with _lock:
                finished = next(_finished)
            if finished >= VillageOfficial.fixed_count + OfficeUser.fixed_count:
                gevent.spawn_later(0.1, self.environment.runner.quit)  # the last user: the run ends
            raise StopUser()


class VillageOfficial(Portal):
    """Opens the visit form, saves a visit for one of the households offered, opens the progress page."""

    kind = "official"
    fixed_count = int(os.environ.get("BENCH_OFFICIALS", "50"))
    wait_time = between(1, 3)

    @task
    def enter_a_visit(self) -> None:
        with self.client.get(
            "/visits/new/", name="visit form (GET /visits/new/)", catch_response=True
        ) as form:
            households = HOUSEHOLD.findall(form.text)
            token = CSRF.search(form.text)
            if not households or token is None:
                form.failure("no household offered")
                self.count_round()
                return
        # a different household each round: one visit per official, household and day
        household = households[(self.login["offset"] + self.rounds) % len(households)]
        with self.client.post(
            "/visits/new/",
            data={
                "household": household,
                "on": self.login["today"],
                "kind": "home",
                "checked": ["income"],
                "problems": "",
                "follow_up": "",
                "csrfmiddlewaretoken": token.group(1),
            },
            headers={"Referer": f"{self.origin}/visits/new/"},
            allow_redirects=False,
            name="save a visit (POST /visits/new/)",
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"visit not saved: {response.status_code}")
        self.client.get("/visits/mine/", name="progress (GET /visits/mine/)")
        self.count_round()


class OfficeUser(Portal):
    """The households list with filters, the compliance page and the alerts."""

    kind = "office"
    fixed_count = int(os.environ.get("BENCH_OFFICE", "10"))
    wait_time = between(1, 3)

    @task
    def read_lists(self) -> None:
        within = self.login["unit"]
        self.client.get(
            f"/households/?status=not_exited&missing=1&village={within}", name="households list (filtered)"
        )
        self.client.get("/visits/compliance/", name="compliance page")
        self.client.get("/alerts/", name="alerts list")
        self.count_round()
