"""Pages of the hierarchy: the unit tree, a unit's page, the unit search and the unit picker's endpoint."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from accountability.cases import selectors as selectors_cases
from accountability.hierarchy.selectors import (
    ancestors_of,
    children_with_counts,
    search_units,
    top_units_for,
    unit_for,
)
from accountability.models import AdminLevel
from accountability.platform.unit_sections import unit_sections
from accountability.responsibility.selectors import pairings_of_village, responsibility_gaps, tenures_of_unit


@login_required
def unit_tree(request):
    top = list(top_units_for(request.user))
    if len(top) == 1:
        return redirect("unit-detail", code=top[0].code)
    return render(request, "accountability/unit_list.html", {"units": top})


@login_required
def unit_detail(request, code: str):
    unit = unit_for(request.user, code)
    today = timezone.localdate()
    context = {
        "unit": unit,
        "today": today,
        "ancestors": ancestors_of(unit, request.user),
        "children": children_with_counts(unit, request.user),
        "tenures": tenures_of_unit(unit, request.user, today),
        "pairings": pairings_of_village(unit, request.user) if unit.level == "village" else [],
        "gaps": responsibility_gaps(request.user, today, within=unit, only_the_unit=True),
        "panel": selectors_cases.unit_panel(request.user, unit),
        "sections": unit_sections(request.user, unit),  # what the apps add (inspections: open problems)
    }
    return render(request, "accountability/unit_detail.html", context)


@login_required
def unit_search(request):
    """The unit search page, and (``?format=json``) the unit picker's endpoint
    (static/js/unit-picker.js): names first, with their parents, inside the user's jurisdiction."""
    text = request.GET.get("q", "")[:50]
    level = request.GET.get("level", "")
    level = level if level in AdminLevel.values else ""
    units = list(search_units(request.user, text, level=level)) if text.strip() else []
    if request.GET.get("format") == "json":
        return JsonResponse({"results": [unit_choice(unit) for unit in units]})
    return render(request, "accountability/unit_search.html", {"units": units, "q": text})


def unit_choice(unit) -> dict:
    """One unit as the picker shows it: its name, then the names of its parents, then the code."""
    parents = []
    parent = unit.parent
    while parent is not None and len(parents) < 2:
        parents.append(parent.name)
        parent = parent.parent if parent.parent_id else None
    return {
        "code": unit.code,
        "name": unit.name,
        "level": unit.get_level_display(),
        "parents": " · ".join(parents),
    }
