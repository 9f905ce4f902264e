from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accountability.access.audit import audit_record_unmasking
from accountability.hierarchy.selectors import UNIT_NOT_FOUND, unit_by_code_for
from accountability.platform.dates import parse_day
from accountability.platform.errors import error_text, form_error
from accountability.platform.validators import ascii_int
from accountability.platform.views import xlsx_response
from households import selectors, services
from households.exporters import export_households
from households.forms import CadrePairingForm, HouseholdEditForm, HouseholdTransferForm, MeasureForm
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
    }
    return render(request, "households/household_list.html", context)


@login_required
def household_detail(request, pk: int):
    household = selectors.household_for(request.user, pk, timezone.localdate())
    audit_record_unmasking(request=request, subject=f"household:{household.pk}")
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
        "measure_form": MeasureForm(prefix="measure"),
        "pairing_form": CadrePairingForm(prefix="pairing", initial={"valid_from": timezone.localdate()}),
        # a move needs the level above both villages: never offered to a village's own users
        "transfer_form": HouseholdTransferForm(prefix="transfer")
        if services.household_transfer_offered_to(request.user)
        else None,
    }
    return render(request, "households/household_detail.html", context)


@login_required
def household_edit(request, pk: int):
    household = selectors.household_for(request.user, pk)
    form = HouseholdEditForm(request.POST or None, instance=household)
    if request.method == "POST" and form.is_valid():
        try:
            services.household_update(
                actor=request.user,
                household=selectors.household_for(request.user, pk),
                changes=form.changes(),
                reason=form.cleaned_data["reason"],
            )
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, "户信息已保存。")
            return redirect("household-detail", pk=pk)
    return render(request, "households/household_edit.html", {"household": household, "form": form})


@login_required
@require_POST
def measure_create(request, pk: int):
    household = selectors.household_for(request.user, pk)
    form = MeasureForm(request.POST, prefix="measure")
    try:
        if not form.is_valid():
            raise form_error(form)
        services.measure_create(actor=request.user, household=household, **form.cleaned_data)
        messages.success(request, "帮扶措施已记录。")
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, error_text(error))
    return redirect("household-detail", pk=pk)


@login_required
@require_POST
def household_transfer(request, pk: int):
    household = selectors.household_for(request.user, pk)
    form = HouseholdTransferForm(request.POST, prefix="transfer")
    try:
        if not form.is_valid():
            raise form_error(form)
        to_village = unit_by_code_for(request.user, form.cleaned_data["to_village"])
        if to_village is None:  # unknown or outside the jurisdiction: the same answer
            raise ValidationError(UNIT_NOT_FOUND)
        services.household_transfer(
            actor=request.user, household=household, to_village=to_village, reason=form.cleaned_data["reason"]
        )
        messages.success(request, "户已迁入新村。")
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, error_text(error))
    return redirect("household-detail", pk=pk)


@login_required
@require_POST
def cadre_pairing_create(request, pk: int):
    household = selectors.household_for(request.user, pk)
    form = CadrePairingForm(request.POST, prefix="pairing", user=request.user, household=household)
    try:
        if not form.is_valid():
            raise form_error(form)
        services.cadre_pairing_create(
            actor=request.user,
            household=household,
            official=form.cleaned_data["id_number"],
            valid_from=form.cleaned_data["valid_from"],
        )
        messages.success(request, "帮扶责任人已确定。")
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, error_text(error))
    return redirect("household-detail", pk=pk)


def selected_year(request) -> int:
    text = request.GET.get("year", "")
    year = ascii_int(text, max_digits=4)
    return year if year is not None and 2000 <= year <= 2100 else timezone.localdate().year


@login_required
def poor_village_list(request):
    year = selected_year(request)
    context = {
        "year": year,
        "villages": selectors.poor_villages(request.user, year),
        "counties": selectors.incidence_by_unit(request.user, year),
    }
    return render(request, "households/poor_villages.html", context)


@login_required
def annual_adjustment(request):
    year = selected_year(request)
    level = (
        request.GET.get("level")
        if request.GET.get("level") in ("county", "township", "village")
        else "township"
    )
    events = Paginator(selectors.adjustment_events(request.user, year), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "year": year,
        "level": level,
        "kinds": selectors.ADJUSTMENT_KINDS,
        "rows": selectors.annual_adjustment(request.user, year, level),
        "events": events,
        "members_left": selectors.members_left_in(request.user, year)[:200],
    }
    return render(request, "households/annual_adjustment.html", context)


@login_required
@require_POST
def household_step(request, pk: int):
    household = selectors.household_for(request.user, pk)
    procedure, _, step = request.POST.get("step", "").partition(".")
    try:
        services.procedure_step_take(
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
        messages.error(request, error_text(error))
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
        messages.error(request, error_text(error))
    return redirect("household-detail", pk=household.pk)


@login_required
def household_export(request):
    filters = selectors.HouseholdFilters.from_params(request.GET)
    households = selectors.households_visible_to(request.user, filters, timezone.localdate())
    content = export_households(user=request.user, households=households, filters=request.GET.dict())
    return xlsx_response(content, f"贫困户及家庭成员-{timezone.localdate():%Y%m%d}.xlsx")
