"""Pages of alerts and accountability cases: thin — the selectors read, the services write."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accountability.cases import selectors
from accountability.cases import services as case_services
from accountability.cases.forms import CaseForm, StepForm
from accountability.cases.rules import STEP_LABELS, allowed_steps
from accountability.hierarchy.selectors import UNIT_NOT_FOUND, unit_by_code_for
from accountability.models import AlertStatus, CaseStatus
from accountability.platform.errors import error_text, form_error
from accountability.policy.sources import SourceLevel
from accountability.responsibility.selectors import ID_NUMBER_NOT_FOUND, official_by_id_number_for

PAGE_SIZE = 50


@login_required
def alert_list(request):
    filters = selectors.AlertFilters.from_params(request.GET)
    page = Paginator(selectors.alerts_visible_to(request.user, filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {"page": page, "filters": filters, "statuses": AlertStatus.choices}
    return render(request, "accountability/alert_list.html", context)


@login_required
def alert_detail(request, pk: int):
    alert = selectors.alert_for(request.user, pk)
    return render(
        request,
        "accountability/alert_detail.html",
        {
            "alert": alert,
            "cases": alert.cases.select_related("official", "organisation"),
            "evidence_villages": selectors.evidence_villages_of(request.user, alert),
            "source_levels": SourceLevel.choices,
        },
    )


@login_required
@require_POST
def alert_open_cases(request, pk: int):
    alert = selectors.alert_for(request.user, pk)
    try:
        source_level = request.POST.get("source_level", "")
        if source_level not in ("", *SourceLevel.values):
            raise ValidationError("发现问题的工作层级不正确")
        opened = case_services.case_open_from_alert(
            actor=request.user,
            alert=alert,
            source_level=source_level,
            serious_influence=request.POST.get("serious_influence") == "1",
        )
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, error_text(error))
        return redirect("alert-detail", pk=pk)
    messages.success(request, f"已立案 {len(opened)} 件。")
    return redirect("case-detail", pk=opened[0].pk)


@login_required
def case_list(request):
    status = request.GET.get("status", "")
    cases = selectors.cases_visible_to(request.user, status=status, unit=request.GET.get("unit", ""))
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "accountability/case_list.html",
        {"page": page, "status": status, "statuses": CaseStatus.choices},
    )


@login_required
def case_new(request):
    form = CaseForm(request.POST or None)
    if request.method == "POST":
        try:
            if not form.is_valid():
                raise form_error(form)
            data = form.cleaned_data
            # unknown and outside the jurisdiction answer alike (no existence oracle)
            unit = unit_by_code_for(request.user, data["unit"])
            if unit is None:
                raise ValidationError(UNIT_NOT_FOUND)
            official = None
            if data["official_id_number"].strip():
                official = official_by_id_number_for(request.user, data["official_id_number"])
                if official is None:
                    raise ValidationError(ID_NUMBER_NOT_FOUND)
            case = case_services.case_open(
                actor=request.user,
                unit=unit,
                official=official,
                situation=data["situation"],
                facts=data["facts"],
                evidence=data["evidence"],
                severity=data["severity"],
                origin=data["origin"],
                source_reference=data["source_reference"],
                year=data["year"],
                source_level=data["source_level"],
                serious_influence=data["serious_influence"],
            )
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, "已立案。")
            return redirect("case-detail", pk=case.pk)
    return render(request, "accountability/case_new.html", {"form": form})


@login_required
def case_detail(request, pk: int):
    case = selectors.case_for(request.user, pk)
    steps = [(s, STEP_LABELS[s]) for s in allowed_steps(case.status, case.decided_forms)]
    form = StepForm(initial={"on": timezone.localdate(), "chosen_forms": case.proposed_forms})
    form.fields["step"].choices = steps
    context = {
        "case": case,
        "events": case.steps.select_related("actor"),
        "form": form,
        "steps": steps,
        "consequences": case.consequence_records.select_related("unit", "organisation", "official"),
    }
    return render(request, "accountability/case_detail.html", context)


@login_required
@require_POST
def case_step(request, pk: int):
    case = selectors.case_for(request.user, pk)
    form = StepForm(request.POST)
    try:
        if not form.is_valid():
            raise form_error(form)
        data = form.cleaned_data
        case_services.case_step(
            actor=request.user,
            case=case,
            step=data["step"],
            on=data["on"],
            reason=data["reason"],
            documents=data["documents"],
            forms=data["chosen_forms"],
            transfer=data["transfer"] or "",
            fault_tolerance=data["fault_tolerance"] or "",
        )
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, "已办理。")
    return redirect("case-detail", pk=pk)
