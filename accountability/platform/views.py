"""Pages every user has: home, inbox, record history, health; the xlsx response helper."""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from accountability.access.scoping import visible_to
from accountability.hierarchy.selectors import top_units_for
from accountability.platform.health import status_for
from accountability.platform.history import HISTORY_PAGES, events_shown_to
from accountability.platform.notifications import notifications_for, notifications_mark_read
from accountability.platform.validators import ascii_int

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(content: bytes, file_name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(file_name)}"
    return response


@login_required
def home(request):
    return render(request, "home.html", {"top_units": top_units_for(request.user)})


@login_required
def record_history(request, model: str, pk: str):
    try:
        model_class = apps.get_model(HISTORY_PAGES[model])
    except KeyError:
        raise Http404 from None
    obj = visible_to(model_class.objects.all(), request.user).filter(pk=pk).first()
    if obj is None:
        raise Http404("记录不存在或不在您的管辖范围内")
    return render(request, "history.html", {"object": obj, "events": events_shown_to(request.user, obj)})


def health(request):
    status = status_for(request.user)
    if (
        request.headers.get("Accept", "").startswith("application/json")
        or request.GET.get("format") == "json"
    ):
        return JsonResponse(status, status=200 if status["ok"] else 503)
    heartbeat = None
    if status["last_worker_heartbeat"]:  # ISO 8601 in the JSON; a local date and time on the page
        try:
            heartbeat = timezone.localtime(dt.datetime.fromisoformat(status["last_worker_heartbeat"]))
        except ValueError:
            heartbeat = None
    context = {"status": status, "heartbeat": heartbeat}
    return render(request, "health.html", context, status=200 if status["ok"] else 503)


@login_required
def inbox(request):
    if request.method == "POST":
        ids = [n for n in map(ascii_int, request.POST.getlist("id")) if n is not None]
        notifications_mark_read(request.user, ids or None)
        return redirect("inbox")
    page = Paginator(notifications_for(request.user), 30).get_page(request.GET.get("page"))
    return render(request, "inbox.html", {"page": page})


def unread_count(request) -> dict:
    """Context processor: the unread messages badge in the navigation (one cheap query)."""
    if not request.user.is_authenticated:
        return {}
    return {"unread_messages": notifications_for(request.user).filter(read_at__isnull=True).count()}
