from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone

from accountability.history import events_for
from households import selectors
from households.models import HouseholdStatus, PovertyAttribute, PovertyCause

PAGE_SIZE = 30


def filters_from(params) -> selectors.HouseholdFilters:
    cadre = params.get("cadre", "")
    return selectors.HouseholdFilters(
        village=params.get("village", "").strip(),
        status=params.get("status", ""),
        attribute=params.get("attribute", ""),
        cause=params.get("cause", ""),
        cadre=int(cadre) if cadre.isdigit() else None,
        missing_four_haves=params.get("missing") == "1",
        q=params.get("q", ""),
    )


@login_required
def household_list(request):
    filters = filters_from(request.GET)
    households = selectors.households_visible_to(request.user, filters, timezone.localdate())
    page = Paginator(households, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "filters": filters,
        "statuses": HouseholdStatus.choices,
        "attributes": PovertyAttribute.choices,
        "causes": PovertyCause.choices,
        "query": request.GET.copy(),
    }
    return render(request, "households/household_list.html", context)


@login_required
def household_detail(request, pk: int):
    household = selectors.household_for(request.user, pk, timezone.localdate())
    context = {
        "household": household,
        "four_haves_missing": selectors.four_haves_missing(household),
        "members": selectors.members_of(household),
        "pairings": selectors.pairings_of(household),
        "measures": household.measures.all(),
        "findings": household.findings.all(),
        "events": events_for(household)[:50],
    }
    return render(request, "households/household_detail.html", context)
