"""The client's address as the application should see it (lockout, audit records).

Behind the documented nginx every request comes from 127.0.0.1; nginx appends the address it saw
to ``X-Forwarded-For`` (``$proxy_add_x_forwarded_for``). With ``TRUSTED_PROXY_COUNT`` proxies in
front of Django, the client is the entry that many places from the right of that header: entries
further left were written by the client and may be forged. With no trusted proxy (0) the header is
ignored (docs/operations.md, "Proxies and lockout").
"""

from __future__ import annotations

import ipaddress

from django.conf import settings


def _valid(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    """The address of the client that sent ``request`` (``AXES_CLIENT_IP_CALLABLE``)."""
    remote = request.META.get("REMOTE_ADDR") or None
    count = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if count <= 0 or not forwarded or remote not in getattr(settings, "TRUSTED_PROXY_ADDRESSES", ()):
        return remote  # the header counts only when the request comes from the trusted proxy
    entries = [entry.strip() for entry in forwarded.split(",") if entry.strip()]
    if len(entries) < count:
        return remote
    return _valid(entries[-count]) or remote
