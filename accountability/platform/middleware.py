from __future__ import annotations

import re
import uuid

from pghistory.middleware import HistoryMiddleware

REQUEST_ID_HEADER = "HTTP_X_REQUEST_ID"
VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdMiddleware:
    """Give every request an id (the proxy's X-Request-ID when sane), echoed in the response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.META.get(REQUEST_ID_HEADER, "")
        request.request_id = incoming if VALID_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        response = self.get_response(request)
        response["X-Request-ID"] = request.request_id
        return response


class HistoryContextMiddleware(HistoryMiddleware):
    """Every change made while serving a request is attributed to its user, URL and request id."""

    def get_context(self, request):
        context = super().get_context(request)
        context["request_id"] = getattr(request, "request_id", "")
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            context["username"] = user.get_username()
        return context


class ControlCharacterMiddleware:
    """Refuse, at the edge, a request whose path, query or form fields hold control characters.

    NUL and the other C0 controls (tab, line feed and carriage return excepted) are never typed by
    a user; PostgreSQL cannot store NUL, and a search for it ended in a 500. The answer is a 400
    with a Chinese message: JSON for the API, a page otherwise. JSON bodies are checked by the
    API's serializers (DRF refuses NUL in every CharField).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        field = self.offending_field(request)
        if field is not None:
            return self.refuse(request, field)
        return self.get_response(request)

    @staticmethod
    def offending_field(request) -> str | None:
        from accountability.platform.validators import has_control_characters

        if has_control_characters(request.path):
            return "path"
        for name, values in request.GET.lists():
            if has_control_characters(name) or any(has_control_characters(v) for v in values):
                return name
        if request.method == "POST" and request.content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            for name, values in request.POST.lists():
                if has_control_characters(name) or any(has_control_characters(v) for v in values):
                    return name
        return None

    @staticmethod
    def refuse(request, field: str):
        from django.http import JsonResponse
        from django.shortcuts import render
        from django.utils.translation import gettext as _

        message = _("输入中含有不允许的控制字符（如 NUL），请删除后重试。")
        if request.path.startswith("/api/"):
            return JsonResponse({field: [message]}, status=400, json_dumps_params={"ensure_ascii": False})
        return render(request, "input_refused.html", {"message": message, "field": field}, status=400)
