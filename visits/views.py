from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accountability.hierarchy.selectors import UNIT_NOT_FOUND, unit_by_code_for, unit_for
from accountability.platform.dates import parse_day
from accountability.platform.errors import error_text, form_error
from accountability.platform.views import xlsx_response
from accountability.policy.quotas import period_containing
from accountability.responsibility.selectors import ID_NUMBER_NOT_FOUND, official_by_id_number_for
from households.selectors import household_by_number_for
from visits import selectors, services
from visits.exporters import compliance_workbook
from visits.forms import AttendanceSheetForm, BatchVisitForm, TripForm, VisitForm

PAGE_SIZE = 50


def reference_day(request) -> dt.date:
    return parse_day(request.GET.get("on")) or timezone.localdate()


@login_required
def visit_new(request):
    """Phone-first entry for an official: their households, today's date, a few taps."""
    official = services.own_official(request.user)
    if official is None:
        return redirect("visit-batch")
    today = timezone.localdate()
    households = list(selectors.households_of_official(official, today).order_by("village_id", "number"))
    form = VisitForm(request.POST or None, request.FILES or None, households=households)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.visit_create(
                actor=request.user,
                official=official,
                # one of the choices (the form checked it): the row already read
                household=next(h for h in households if h.pk == data["household"]),
                on=data["on"],
                kind=data["kind"],
                checked=data["checked"],
                problems=data["problems"],
                follow_up=data["follow_up"],
                follow_up_due=data["follow_up_due"],
                photo=data["photo"],
            )
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, "走访记录已保存。")
            return redirect("visit-mine")
    return render(request, "visits/visit_new.html", {"form": form, "official": official})


@login_required
def visit_batch(request):
    """A clerk typing paper forms: visitor and date stay for the next form."""
    form = BatchVisitForm(request.POST or None, initial={"on": timezone.localdate()})
    if request.method == "POST":
        try:
            if not form.is_valid():
                raise form_error(form)
            data = form.cleaned_data
            # a household or visitor outside the jurisdiction answers as an unknown one (no oracle)
            household = household_by_number_for(request.user, data["number"])
            if household is None:
                raise ValidationError(f"户 {data['number'].strip()} 不存在或不在您的管辖范围内")
            official = selectors.visitor_for(
                request.user, household, data["on"], id_number=data["official_id_number"]
            )
            if official is None:
                raise ValidationError(ID_NUMBER_NOT_FOUND)
            services.visit_create(
                actor=request.user,
                official=official,
                household=household,
                on=data["on"],
                kind=data["kind"],
                checked=data["checked"],
                problems=data["problems"],
            )
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, error_text(error))
        else:
            messages.success(
                request, f"已保存：{official.name} 走访 {household.head_name} 户（{data['on']}）。"
            )
            form = BatchVisitForm(initial={k: data[k] for k in ("official_id_number", "on", "kind")})
    recent = selectors.visits_visible_to(request.user).filter(entered_by=request.user)[:20]
    return render(request, "visits/visit_batch.html", {"form": form, "recent": recent})


@login_required
def visit_mine(request):
    """An official's own recent entries and what is still due this period."""
    official = services.own_official(request.user)
    today = timezone.localdate()
    context = {"official": official, "today": today}
    if official is not None:
        context["visits"] = selectors.my_recent_visits(official)
        context["compliance"] = selectors.my_compliance(official, on=today, today=today)
        context["stationed_in"] = services.stationed_village(official, today)
    return render(request, "visits/visit_mine.html", context)


@login_required
def compliance_list(request):
    """Compliance of the officials under the user, by unit; sortable; drill down by unit."""
    today, on = timezone.localdate(), reference_day(request)
    unit_code, quota, order = (
        request.GET.get("unit", ""),
        request.GET.get("quota", ""),
        request.GET.get("order", ""),
    )
    # a unit code unknown or outside the jurisdiction: 404 alike (it used to show any unit's children)
    unit = unit_for(request.user, unit_code) if unit_code else request.user.jurisdiction
    views = selectors.sort_compliance(
        selectors.compliance_of(request.user, on=on, today=today, unit_code=unit_code, quota=quota), order
    )
    if request.GET.get("format") == "xlsx":
        content = compliance_workbook(views, user=request.user, filters=request.GET.dict())
        return xlsx_response(content, f"走访考核-{on:%Y%m%d}.xlsx")
    children = list(unit.children.order_by("code")) if unit is not None else []
    counts: dict[str, int] = {}
    for v in views:
        counts[v.row.status] = counts.get(v.row.status, 0) + 1
    context = {
        "views": views,
        "page": Paginator(views, 20).get_page(request.GET.get("page")),
        "on": on,
        "unit": unit,
        "children": children,
        "quota": quota,
        "order": order,
        "counts": counts,
        "quotas": sorted({(v.row.quota_code, v.row.quota_label) for v in views}),
    }
    return render(request, "visits/compliance_list.html", context)


@login_required
def unvisited(request):
    """Registered poor households nobody has visited since the start of the period."""
    months = (
        int(request.GET.get("months", "2")) if request.GET.get("months", "2") in ("1", "2", "3", "12") else 2
    )
    period = period_containing(timezone.localdate(), months)
    households = selectors.unvisited_households(
        request.user, since=period.start, unit_code=request.GET.get("unit", "")
    )
    page = Paginator(households, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "visits/unvisited.html", {"page": page, "period": period, "months": months})


@login_required
def trip_new(request):
    official = services.own_official(request.user)
    form = TripForm(request.POST or None, initial={"on": timezone.localdate()})
    if request.method == "POST":
        try:
            if official is None:
                raise PermissionDenied("只有关联了干部身份的账号可以登记本人的专题调研")
            if not form.is_valid():
                raise form_error(form)
            unit = unit_by_code_for(request.user, form.cleaned_data["unit"])
            if unit is None:
                raise ValidationError(UNIT_NOT_FOUND)
            services.trip_create(
                actor=request.user,
                official=official,
                unit=unit,
                on=form.cleaned_data["on"],
                topic=form.cleaned_data["topic"],
                findings=form.cleaned_data["findings"],
            )
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, "专题调研已登记。")
            return redirect("visit-mine")
    return render(request, "visits/simple_form.html", {"form": form, "title": "登记专题调研"})


@login_required
@require_POST
def check_in(request):
    try:
        services.stationed_day_check_in(actor=request.user)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, "今日驻村签到成功。")
    return redirect("visit-mine")


@login_required
def attendance_sheet(request):
    form = AttendanceSheetForm(request.POST or None)
    if request.method == "POST":
        try:
            if not form.is_valid():
                raise form_error(form)
            data = form.cleaned_data
            official = official_by_id_number_for(request.user, data["official_id_number"])
            village = unit_by_code_for(request.user, data["village"])
            if official is None or village is None:
                raise ValidationError("干部证件号码或村代码不存在")
            month = data["month"]
            days = []
            for day in data["days"]:
                try:
                    days.append(month.replace(day=day))
                except ValueError:
                    raise ValidationError(f"{month:%Y年%m月}没有 {day} 日") from None
            written = services.attendance_sheet(
                actor=request.user, official=official, village=village, month=month, days=days
            )
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, f"考勤表已保存（新增 {len(written)} 天）。")
            return redirect("attendance-sheet")
    return render(request, "visits/simple_form.html", {"form": form, "title": "录入驻村月度考勤表"})
