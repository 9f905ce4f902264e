"""Pages of the hierarchy: the unit tree, a unit's page and the unit search."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
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
    }
    return render(request, "accountability/unit_detail.html", context)


@login_required
def unit_search(request):
    text = request.GET.get("q", "")
    units = search_units(request.user, text) if text.strip() else []
    return render(request, "accountability/unit_search.html", {"units": units, "q": text})
