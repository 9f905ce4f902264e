"""Issue 18 §4 and §6: the Content-Security-Policy header, templates without inline script,
handlers or styles, and the phone defects that show in the HTML (badge colours, the attendance
sheet's link). The browser side (no CSP violation, no overflow, the folding menu) is in
tests/browser/test_csp_and_phone.py."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import reverse

from accountability.models import User
from accountability.platform.csp import STRICT_POLICY
from tests.demo_data import demo_db  # noqa: F401

ROOT = Path(__file__).resolve().parent.parent
#: templates of files, not pages: rendered to bytes and downloaded, opened from disk or e-mail where
#: nothing else can be loaded, so their style is inlined (never served under the CSP)
FILE_TEMPLATES = {"assessment/report_document.html"}
TEMPLATES = sorted(
    path
    for path in (ROOT / "templates").rglob("*.html")
    if str(path.relative_to(ROOT / "templates")) not in FILE_TEMPLATES
)


def login(client, username: str):
    client.force_login(User.objects.get(username=username))
    return client


def directives(header: str) -> dict[str, str]:
    parts = (part.strip().split(None, 1) for part in header.split(";") if part.strip())
    return {part[0]: part[1] if len(part) > 1 else "" for part in parts}


@pytest.mark.django_db
@pytest.mark.usefixtures("demo_db")
@pytest.mark.parametrize(
    ("username", "path"),
    [
        (None, "/accounts/login/"),
        (None, "/health/"),
        ("county_office", "/"),
        ("county_office", "/visits/compliance/"),
        ("county_office", "/api/units/"),
        ("county_office", "/no-such-page/"),
    ],
)
def test_every_response_carries_the_strict_policy(client, username, path):
    if username:
        login(client, username)
    response = client.get(path)
    policy = directives(response["Content-Security-Policy"])
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"  # no 'unsafe-inline', no 'unsafe-eval'
    assert policy["style-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["base-uri"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["form-action"] == "'self'"


@pytest.mark.django_db
@pytest.mark.usefixtures("demo_db")
def test_only_the_swagger_page_gets_the_relaxed_policy(client):
    login(client, "county_office")
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    policy = directives(docs["Content-Security-Policy"])
    assert "'unsafe-inline'" in policy["script-src"]
    assert policy["object-src"] == "'none'" and policy["frame-ancestors"] == "'none'"
    assert "'unsafe-eval'" not in docs["Content-Security-Policy"]
    assert client.get("/api/schema/")["Content-Security-Policy"] == STRICT_POLICY


INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style\b|\sstyle\s*=", re.IGNORECASE)


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_templates_hold_no_inline_script_handler_or_style(template):
    text = template.read_text(encoding="utf-8")
    assert not INLINE_SCRIPT.search(text), "inline <script>: move it to static/js/"
    assert not INLINE_HANDLER.search(text), "inline event handler: bind it in static/js/"
    assert not INLINE_STYLE.search(text), "inline style: move it to static/css/app.css"


def status_badges(html: str) -> dict[str, set[str]]:
    """The summary badges on the compliance page: label -> its classes."""
    found = re.findall(r'<span class="badge ([^"]*)">([^<\d]+?)\s*\d+</span>', html)
    return {label.strip(): set(classes.split()) for classes, label in found}


@pytest.mark.django_db
@pytest.mark.usefixtures("demo_db")
def test_on_track_is_not_shown_in_the_alarm_colour(client):
    login(client, "county_office")
    badges = status_badges(client.get("/visits/compliance/").content.decode())
    assert badges["未完成"] == {"bad"}
    assert badges["进度落后"] == {"warn"}
    assert badges["进度正常"] == {"ok"}  # was "poor": the same red as 未完成
    assert badges["已完成"] == {"ok"}


def test_the_per_row_status_colours_follow_ok_warn_alarm():
    for name in ("visits/compliance_list.html", "visits/visit_mine.html"):
        text = (ROOT / "templates" / name).read_text(encoding="utf-8")
        assert "v.row.status == 'on_track' %}ok{%" in text, name


@pytest.mark.django_db
@pytest.mark.usefixtures("demo_db")
def test_the_attendance_sheet_is_linked_from_the_visits_page_for_who_may_use_it(client):
    target = f'href="{reverse("attendance-sheet")}"'
    assert target in login(client, "township_staff").get("/visits/mine/").content.decode()
    assert target in login(client, "county_office").get("/visits/mine/").content.decode()
    # the village official may not keep attendance sheets: not offered
    assert target not in login(client, "village_official").get("/visits/mine/").content.decode()


@pytest.mark.django_db
@pytest.mark.usefixtures("demo_db")
def test_the_unread_badge_is_not_red_on_the_red_top_bar(client):
    from accountability.platform.models import Notification

    user = User.objects.get(username="county_office")
    Notification.objects.create(recipient=user, kind="test", title="测试", body="正文", dedupe_key="csp-test")
    html = login(client, "county_office").get("/").content.decode()
    badge = re.search(r'消息 <span class="badge ([^"]*)">\d+</span>', html)
    assert badge and badge.group(1) == "unread"
    css = (ROOT / "static" / "css" / "app.css").read_text(encoding="utf-8")
    rule = re.search(r"\.badge\.unread\s*\{([^}]*)\}", css).group(1)
    assert "background:#fff" in rule.replace(" ", "") and "var(--bad)" in rule
