"""Pages of officials, their transfers and the responsibility gaps."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accountability.access.audit import audit_record_unmasking
from accountability.cases import selectors as selectors_cases
from accountability.hierarchy.selectors import unit_for
from accountability.platform.dates import parse_day
from accountability.platform.errors import error_text, form_error
from accountability.platform.unit_sections import official_sections
from accountability.responsibility import services
from accountability.responsibility.forms import OfficialTransferForm
from accountability.responsibility.selectors import (
    assignments_of_official,
    official_for,
    organisations_visible_to,
    pairings_visible_to,
    responsibility_gaps,
    search_officials,
)


@login_required
def official_list(request):
    text = request.GET.get("q", "")
    page = Paginator(search_officials(request.user, text), 50).get_page(request.GET.get("page"))
    return render(request, "accountability/official_list.html", {"page": page, "q": text})


@login_required
def official_detail(request, pk: int):
    official = official_for(request.user, pk)
    audit_record_unmasking(request=request, subject=f"official:{official.pk}")
    today = timezone.localdate()
    assignments = assignments_of_official(official)
    context = {
        "official": official,
        "today": today,
        "assignments": assignments,
        "pairings": pairings_visible_to(request.user).filter(organisation=official.organisation),
        "record": selectors_cases.official_record(request.user, official),
        "sections": official_sections(request.user, official),  # what the apps add (assessment)
        "transfer_form": OfficialTransferForm(
            prefix="transfer",
            organisations=organisations_visible_to(request.user).order_by("unit", "name"),
        )
        if request.user.has_perm("accountability.change_official")
        else None,
    }
    return render(request, "accountability/official_detail.html", context)


@login_required
@require_POST
def official_transfer(request, pk: int):
    official = official_for(request.user, pk)
    form = OfficialTransferForm(
        request.POST, prefix="transfer", organisations=organisations_visible_to(request.user)
    )
    try:
        if not form.is_valid():
            raise form_error(form)
        services.official_transfer(
            actor=request.user,
            official=official,
            to_organisation=form.cleaned_data["to_organisation"],
            reason=form.cleaned_data["reason"],
        )
        messages.success(request, "干部调动已登记。")
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, error_text(error))
    return redirect("official-detail", pk=pk)


@login_required
def gap_list(request):
    on = parse_day(request.GET.get("on")) or timezone.localdate()
    within = unit_for(request.user, request.GET["unit"]) if request.GET.get("unit") else None
    gaps = responsibility_gaps(request.user, on, within=within)
    return render(request, "accountability/gap_list.html", {"gaps": gaps, "on": on, "within": within})
