"""The shape of the code (docs/architecture.md, docs/decisions/0019): which app may import which,
and the core's layout of sub-domain packages. Read from the source, so a new import fails here."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORE = "accountability"
#: every app and what it may import besides the core and itself (ARCHITECTURE §1: one way, the
#: registry's own line visits → households, everything else through the core's contracts)
ALLOWED = {
    "households": set(),
    "visits": {"households"},
    "funds": set(),
    "inspections": set(),
    "assessment": set(),
}
APPS = {CORE, *ALLOWED}
#: the only modules at the top of the core: Django's and Celery's conventional entry points
CORE_TOP_LEVEL = {"__init__", "admin", "apps", "models", "tasks", "urls"}
CORE_PACKAGES = {
    "access",
    "api",
    "cases",
    "demo",
    "hierarchy",
    "importing",
    "management",
    "migrations",
    "platform",
    "policy",
    "responsibility",
    "rules",
    "templatetags",
}


def imported_apps(path: Path) -> set[str]:
    """Top-level project packages a file imports, anywhere in it (module level or inside functions)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module.split(".")[0])
    return found & APPS


def app_graph() -> dict[str, dict[str, list[str]]]:
    """app → imported app → the files with that import."""
    graph: dict[str, dict[str, list[str]]] = {}
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            for other in imported_apps(path) - {app}:
                graph.setdefault(app, {}).setdefault(other, []).append(str(path.relative_to(ROOT)))
    return graph


def test_the_core_imports_no_app():
    assert app_graph().get(CORE, {}) == {}


@pytest.mark.parametrize("app", sorted(ALLOWED))
def test_apps_import_only_the_core_and_their_declared_neighbours(app):
    imported = app_graph().get(app, {})
    assert {other: files for other, files in imported.items() if other not in {CORE, *ALLOWED[app]}} == {}


def test_the_app_graph_has_no_cycle():
    graph = {app: set(targets) for app, targets in app_graph().items()}
    visiting, done = set(), set()

    def visit(app, path):
        if app in visiting:
            raise AssertionError(f"import cycle: {' → '.join([*path, app])}")
        if app in done:
            return
        visiting.add(app)
        for other in graph.get(app, ()):
            visit(other, [*path, app])
        visiting.discard(app)
        done.add(app)

    for app in graph:
        visit(app, [])


def test_the_core_is_cut_into_sub_domain_packages():
    top = {path.stem for path in (ROOT / CORE).glob("*.py")}
    packages = {path.name for path in (ROOT / CORE).iterdir() if path.is_dir() and path.name != "__pycache__"}
    assert top == CORE_TOP_LEVEL, "new core modules belong in a sub-package (docs/architecture.md)"
    assert packages == CORE_PACKAGES, (
        "a new sub-package of the core is a decision: record it and list it here"
    )


def test_no_suffix_named_siblings():
    """One room per thing: no views_cases.py or rules_units.py beside views.py and rules.py."""
    suffixed = [
        str(path.relative_to(ROOT))
        for app in APPS
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts
        and path.stem.split("_")[0] in {"views", "rules", "selectors", "services", "forms", "models"}
        and "_" in path.stem
    ]
    assert suffixed == []


def test_the_checker_sees_an_import_inside_a_function(tmp_path):
    source = tmp_path / "m.py"
    source.write_text("def f():\n    from households.models import Household\n    import visits.services\n")
    assert imported_apps(source) == {"households", "visits"}
