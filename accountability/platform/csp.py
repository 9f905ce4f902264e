"""Content-Security-Policy on every response (issue 18 §4; docs/operations.md).

The pages carry no inline script, inline handler or inline style: everything is in static files
served from our own origin, so the policy is strict. The one exception is the Swagger UI page
(drf-spectacular's template starts Swagger with an inline script and an inline ``<style>``, and
Swagger renders its icons as ``data:`` images): that path alone gets a relaxed policy.
"""

from __future__ import annotations

HEADER = "Content-Security-Policy"

STRICT = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}
# Swagger UI (drf-spectacular-sidecar): inline bootstrap script and style; nothing loaded from
# another origin; still no framing, no plugins, no foreign form targets.
SWAGGER = {
    **STRICT,
    "script-src": "'self' 'unsafe-inline'",
    "style-src": "'self' 'unsafe-inline'",
}
RELAXED_PATHS = {"/api/docs/": SWAGGER}


def policy_text(directives: dict[str, str]) -> str:
    return "; ".join(f"{name} {value}" for name, value in directives.items())


STRICT_POLICY = policy_text(STRICT)
RELAXED_POLICIES = {path: policy_text(directives) for path, directives in RELAXED_PATHS.items()}


class ContentSecurityPolicyMiddleware:
    """Add the policy to every response that does not set its own."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if HEADER not in response:
            response[HEADER] = RELAXED_POLICIES.get(request.path, STRICT_POLICY)
        return response
