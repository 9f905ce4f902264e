"""Fails when a new API view, admin or domain model forgets the jurisdiction scoping."""

from __future__ import annotations

from django.apps import apps
from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver

from accountability.admin import JurisdictionScopedAdmin
from accountability.api.base import JurisdictionScopedMixin
from accountability.scoping import is_scoped

#: API views that are not about jurisdiction data, each with the reason.
UNSCOPED_API_VIEWS = {
    "health": "system status only: no records",
    "APIRootView": "DRF's list of endpoints",
    "SpectacularAPIView": "the OpenAPI schema",
    "SpectacularSwaggerView": "Swagger UI",
}
#: Admins of models that have no jurisdiction, each with the reason.
UNSCOPED_ADMINS = {
    "ExportRecordAdmin": "filtered to the user's own exports in get_queryset",
}
DOMAIN_APPS = ["accountability", "households", "visits", "funds", "inspections"]
#: Domain models that are not scoped by a unit code, each with the reason.
UNSCOPED_MODELS = {
    "accountability.ExportRecord": "an audit log visible only to its author and superusers",
    "accountability.Notification": "a message read only by its recipient (notifications.inbox_of)",
    "accountability.RuleRun": "a log of rule runs: year, dates and counts, no unit or personal data",
    "accountability.RolePermission": "group permissions: city-wide, system administrators only",
}


def walk(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern.callback


def test_every_api_view_is_scoped():
    offenders = []
    for route, callback in walk(get_resolver().url_patterns):
        if not route.startswith("api/"):
            continue
        view_class = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
        name = view_class.__name__ if view_class else callback.__name__
        if name in UNSCOPED_API_VIEWS or (
            view_class and view_class.__name__ == "WrappedAPIView" and callback.__name__ in UNSCOPED_API_VIEWS
        ):
            continue
        if not (view_class and issubclass(view_class, JurisdictionScopedMixin)):
            offenders.append(f"{route} → {name}")
    assert not offenders, f"API views without JurisdictionScopedMixin: {offenders}"


def test_every_admin_is_scoped():
    offenders = [
        type(model_admin).__name__
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label in DOMAIN_APPS
        and not isinstance(model_admin, JurisdictionScopedAdmin)
        and type(model_admin).__name__ not in UNSCOPED_ADMINS
    ]
    assert not offenders, f"admins without JurisdictionScopedAdmin: {offenders}"


def test_every_domain_model_declares_its_jurisdiction_path():
    offenders = [
        f"{app}.{model.__name__}"
        for app in DOMAIN_APPS
        for model in apps.get_app_config(app).get_models()
        if not hasattr(model, "pgh_tracked_model")
        and not is_scoped(model)
        and f"{app}.{model.__name__}" not in UNSCOPED_MODELS
    ]
    assert not offenders, f"models without jurisdiction_path: {offenders}"
