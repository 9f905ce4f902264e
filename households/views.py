from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accountability.dates import parse_day
from accountability.views import xlsx_response
from households import selectors, services
from households.exporters import export_households
from households.models import HouseholdStatus, PovertyAttribute, PovertyCause

PAGE_SIZE = 30


@login_required
def household_list(request):
    filters = selectors.HouseholdFilters.from_params(request.GET)
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
        "steps": selectors.steps_of(household),
        "next_steps": services.allowed_next_steps(request.user, household),
        "today": timezone.localdate(),
    }
    return render(request, "households/household_detail.html", context)


@login_required
@require_POST
def household_step(request, pk: int):
    household = selectors.household_for(request.user, pk)
    procedure, _, step = request.POST.get("step", "").partition(".")
    try:
        services.take_step(
            actor=request.user,
            household=household,
            procedure=procedure,
            step=step,
            on=parse_day(request.POST.get("on")) or timezone.localdate(),
            reason=request.POST.get("reason", ""),
            documents=request.POST.get("documents", ""),
        )
        messages.success(request, "已办理。")
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, "；".join(getattr(error, "messages", [str(error)])))
    return redirect("household-detail", pk=household.pk)


@login_required
@require_POST
def step_objection(request, pk: int, step_id: int):
    household = selectors.household_for(request.user, pk)
    step = get_object_or_404(household.steps, pk=step_id)
    try:
        if request.POST.get("action") == "raise":
            services.objection_raise(actor=request.user, step=step, text=request.POST.get("text", ""))
        else:
            services.objection_resolve(
                actor=request.user,
                step=step,
                upheld=request.POST.get("action") == "uphold",
                reason=request.POST.get("text", ""),
            )
        messages.success(request, "异议已记录。")
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, "；".join(getattr(error, "messages", [str(error)])))
    return redirect("household-detail", pk=household.pk)


@login_required
def household_export(request):
    filters = selectors.HouseholdFilters.from_params(request.GET)
    households = selectors.households_visible_to(request.user, filters, timezone.localdate())
    content = export_households(user=request.user, households=households, filters=request.GET.dict())
    return xlsx_response(content, f"贫困户及家庭成员-{timezone.localdate():%Y%m%d}.xlsx")
