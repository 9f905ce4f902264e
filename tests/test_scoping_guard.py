"""Fails when a new API view, admin or domain model forgets the jurisdiction scoping."""

from __future__ import annotations

import ast
import inspect
import sys

from django.apps import apps
from django.contrib import admin
from django.db.models import Model
from django.urls import URLPattern, URLResolver, get_resolver

from accountability.access.scoping import is_scoped
from accountability.admin import JurisdictionScopedAdmin
from accountability.api.base import JurisdictionScopedMixin

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
    "CalendarDayAdmin": "the official working-day calendar: national reference data, no unit",
    "ProjectCategoryAdmin": "reference table of project categories: city-wide, no unit",
    "FundSourceAdmin": "reference table of fund sources: city-wide, no unit",
    "BudgetLineAdmin": "reference table of budget lines: city-wide, no unit",
}
DOMAIN_APPS = ["accountability", "households", "visits", "funds", "inspections"]
#: Domain models that are not scoped by a unit code, each with the reason.
UNSCOPED_MODELS = {
    "accountability.ExportRecord": "an audit log visible only to its author and superusers",
    "accountability.Notification": "a message read only by its recipient (notifications.notifications_for)",
    "accountability.RuleRun": "a log of rule runs: year, dates and counts, no unit or personal data",
    "accountability.RolePermission": "group permissions: city-wide, system administrators only",
    "accountability.CalendarDay": "the official working-day calendar: national reference data, no unit",
    "funds.ProjectCategory": "reference table (seed 002 C2-01): city-wide, no unit",
    "funds.FundSource": "reference table of fund sources and their documents: city-wide, no unit",
    "funds.BudgetLine": "reference table of budget lines: city-wide, no unit",
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


# --- lookups in views, API actions, forms and serializers -------------------------------------
#
# A static check (issue 13 "every lookup scoped", issue 18 §2 "no existence oracle"): in every module
# that holds a view reached from the URLconf — and the form and serializer modules those views use —
# no function may read a scoped model (one with ``jurisdiction_path``) through ``Model.objects…``
# or ``get_object_or_404(Model, …)`` unless the queryset passes through the scoping function
# (``visible_to(…)``, a ``*_visible_to(…)`` selector, or ``self.scoped(…)`` of the API's
# ``ScopedChoices``). Lookups by id or code go through the selectors (``unit_for``,
# ``unit_by_code_for``, ``official_for``, ``household_for``, ``visitor_for`` …), which answer the same
# for an object outside the jurisdiction as for an unknown one.

#: Functions allowed to read a scoped model directly, "module.qualname" → reason.
UNSCOPED_LOOKUPS: dict[str, str] = {}

SCOPING_CALLS = {"visible_to", "scoped"}
FETCHERS = {"get_object_or_404", "get_list_or_404"}


def _call_name(node: ast.AST) -> str:
    func = node.func if isinstance(node, ast.Call) else node
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def _is_scoping_call(node: ast.AST) -> bool:
    name = _call_name(node) if isinstance(node, ast.Call) else ""
    return name in SCOPING_CALLS or name.endswith("_visible_to")


def _scoped_model(node: ast.AST, namespace: dict):
    """The scoped model a name or dotted name (``Household``, ``models.Household``) stands for."""
    if isinstance(node, ast.Name):
        value = namespace.get(node.id)
    elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        value = getattr(namespace.get(node.value.id), node.attr, None)
    else:
        return None
    if isinstance(value, type) and issubclass(value, Model) and is_scoped(value):
        return value
    return None


class LookupVisitor(ast.NodeVisitor):
    def __init__(self, module, namespace: dict):
        self.module, self.namespace = module, namespace
        self.scope: list[str] = []
        self.wrapped = 0  # depth of enclosing scoping calls
        self.found: list[tuple[str, int, str]] = []

    def _function(self, node):
        self.scope.append(node.name)
        self.generic_visit(node)
        self.scope.pop()

    visit_FunctionDef = visit_AsyncFunctionDef = _function

    def visit_ClassDef(self, node):
        # class attributes (``queryset = …`` of a scoped API view) are the API guard's concern
        self.scope.append(node.name)
        for child in node.body:
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                self.visit(child)
        self.scope.pop()

    def visit_Call(self, node):
        if _is_scoping_call(node):
            self.wrapped += 1
            self.generic_visit(node)
            self.wrapped -= 1
            return
        if self.scope and not self.wrapped and _call_name(node) in FETCHERS and node.args:
            model = _scoped_model(node.args[0], self.namespace)
            if model is not None:
                self._flag(node, f"{_call_name(node)}({model.__name__}, …)")
        self.generic_visit(node)

    def visit_Attribute(self, node):
        if self.scope and not self.wrapped and node.attr in ("objects", "_default_manager"):
            model = _scoped_model(node.value, self.namespace)
            if model is not None:
                self._flag(node, f"{model.__name__}.{node.attr}")
        self.generic_visit(node)

    def _flag(self, node, what: str) -> None:
        self.found.append((f"{self.module.__name__}.{'.'.join(self.scope)}", node.lineno, what))


def _domain_module(name: str) -> bool:
    return name.split(".")[0] in DOMAIN_APPS


def view_modules() -> set:
    """Modules of every project view reached from the URLconf (functions, and API view classes
    with their project base classes), plus the form and serializer modules they import."""
    modules = set()
    for route, callback in walk(get_resolver().url_patterns):
        if route.startswith("admin/"):
            continue
        view_class = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
        owners = [c for c in view_class.__mro__] if view_class else [inspect.unwrap(callback)]
        modules.update(
            sys.modules[o.__module__] for o in owners if _domain_module(getattr(o, "__module__", ""))
        )
    for module in list(modules):
        for value in vars(module).values():
            origin = value if inspect.ismodule(value) else inspect.getmodule(value)
            if (
                origin is not None
                and _domain_module(origin.__name__)
                and origin.__name__.rsplit(".", 1)[-1].startswith(("forms", "serializers"))
            ):
                modules.add(origin)
    return modules


def unscoped_lookups(modules) -> list[tuple[str, int, str]]:
    found = []
    for module in sorted(modules, key=lambda m: m.__name__):
        visitor = LookupVisitor(module, vars(module))
        visitor.visit(ast.parse(inspect.getsource(module)))
        found += visitor.found
    return found


def test_the_lookup_guard_covers_html_views_api_actions_and_forms():
    names = {module.__name__ for module in view_modules()}
    assert {
        "accountability.platform.views",
        "accountability.hierarchy.views",
        "accountability.responsibility.views",
        "accountability.importing.views",
        "accountability.cases.views",
        "accountability.cases.api",
        "households.views",
        "households.forms",
        "visits.views",
        "visits.forms",
        "visits.api.views",
        "accountability.hierarchy.api",
        "accountability.responsibility.api",
        "accountability.importing.api",
        "accountability.responsibility.forms",
        "accountability.importing.forms",
    } <= names


def test_the_lookup_guard_finds_an_unscoped_lookup():
    """The check itself can fail: the two shapes it looks for, written plainly, are found."""
    source = (
        "def view(request, code, pk):\n"
        "    unit = get_object_or_404(AdminUnit, code=code)\n"
        "    household = Household.objects.filter(pk=pk).first()\n"
        "    fine = visible_to(Household.objects.all(), request.user).filter(pk=pk)\n"
        "    also_fine = get_object_or_404(units_visible_to(request.user), code=code)\n"
    )
    from accountability.models import AdminUnit
    from households.models import Household

    visitor = LookupVisitor(sys.modules[__name__], {"AdminUnit": AdminUnit, "Household": Household})
    visitor.visit(ast.parse(source))
    assert [(line, what) for _, line, what in visitor.found] == [
        (2, "get_object_or_404(AdminUnit, …)"),
        (3, "Household.objects"),
    ]


def test_every_view_and_form_lookup_goes_through_scoping():
    found = [
        f"{where}:{line} {what}"
        for where, line, what in unscoped_lookups(view_modules())
        if where not in UNSCOPED_LOOKUPS
    ]
    assert not found, (
        "views, API actions, forms or serializers read a scoped model without the scoping function "
        "(use a selector from accountability/access/scoping.py's family, or allow-list with a reason): "
        f"{found}"
    )
