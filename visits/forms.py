"""Browser forms of visit entry: they parse; the services decide and write."""

from __future__ import annotations

import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accountability.platform.validators import validate_record_date
from accountability.platform.widgets import DayInput, UnitPicker
from visits.models import VisitCheck, VisitKind
from visits.rules import visit_counting_note

PHOTO_LIMIT = 8 * 1024 * 1024
#: one day (``5``) or a range of days (``5-9``) of a month, ASCII digits only
DAY_RANGE = re.compile(r"([0-9]{1,2})(?:-([0-9]{1,2}))?")


def household_choice_label(household, year: int) -> str:
    """Head, number and village; for a household no longer registered poor, whether a visit to it
    counts (issue 18 §6: the form listed exited households without saying)."""
    label = f"{household.head_name}（{household.number}，{household.village.name}）"
    note = visit_counting_note(status=household.status, exit_year=household.exit_year, year=year)
    return f"{label} · {note}" if note else label


class VisitForm(forms.Form):
    """Phone-first: the household from a short list of the official's own, today's date, a few taps."""

    household = forms.TypedChoiceField(label=_("走访户"), coerce=int)
    on = forms.DateField(label=_("走访日期"), widget=DayInput())
    kind = forms.ChoiceField(
        label=_("走访方式"), choices=VisitKind.choices, initial=VisitKind.HOME, widget=forms.RadioSelect
    )
    checked = forms.MultipleChoiceField(
        label=_("走访内容"), choices=VisitCheck.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    problems = forms.CharField(label=_("发现问题"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    follow_up = forms.CharField(label=_("跟进措施"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    follow_up_due = forms.DateField(
        label=_("跟进期限"), required=False, widget=DayInput(), validators=[validate_record_date]
    )
    photo = forms.FileField(label=_("照片（可选）"), required=False)

    def __init__(self, *args, households=(), **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["household"].choices = [("", _("请选择"))] + [
            (h.pk, household_choice_label(h, today.year)) for h in households
        ]
        self.fields["on"].initial = today
        self.fields["on"].widget.attrs["max"] = today.isoformat()
        self.fields["photo"].widget.attrs["accept"] = "image/*"

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if photo and photo.size > PHOTO_LIMIT:
            raise forms.ValidationError(_("照片不能超过 8 MB"))
        return photo


class BatchVisitForm(forms.Form):
    """A clerk typing paper forms: the visitor by ID number and the household by number; the
    visitor and date stay filled in for the next form."""

    official_id_number = forms.CharField(label=_("走访人证件号码"), max_length=18)
    number = forms.CharField(label=_("户编号"), max_length=30)
    on = forms.DateField(label=_("走访日期"), widget=DayInput())
    kind = forms.ChoiceField(label=_("走访方式"), choices=VisitKind.choices, initial=VisitKind.HOME)
    checked = forms.MultipleChoiceField(
        label=_("走访内容"), choices=VisitCheck.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    problems = forms.CharField(label=_("发现问题"), required=False)


class TripForm(forms.Form):
    unit = forms.CharField(label=_("调研地点"), max_length=12, widget=UnitPicker())
    on = forms.DateField(label=_("调研日期"), widget=DayInput())
    topic = forms.CharField(label=_("调研主题"), max_length=200)
    findings = forms.CharField(
        label=_("发现问题及建议"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class AttendanceSheetForm(forms.Form):
    official_id_number = forms.CharField(label=_("驻村干部证件号码"), max_length=18)
    village = forms.CharField(label=_("村"), max_length=12, widget=UnitPicker(level="village"))
    month = forms.DateField(
        label=_("月份"),
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        input_formats=["%Y-%m"],
    )
    days = forms.CharField(label=_("在岗日期（日，逗号分隔，如 1,2,5-9）"), max_length=200)

    def clean_days(self) -> list[int]:
        """Days of the month as ``1,2,5-9``: every number and range bounded (1–31) before use."""
        text = self.cleaned_data["days"].replace("，", ",").replace("－", "-").replace(" ", "")
        days: set[int] = set()
        for part in filter(None, text.split(",")):
            match = DAY_RANGE.fullmatch(part)
            if match is None:
                raise forms.ValidationError(_("请写日期数字，如 1,2,5-9"))
            first, last = int(match[1]), int(match[2] or match[1])
            if not 1 <= first <= 31 or not 1 <= last <= 31:
                raise forms.ValidationError(_("日期应在 1–31 之间"))
            if first > last:
                raise forms.ValidationError(_("日期范围应从小到大，如 5-9"))
            days.update(range(first, last + 1))
        if not days:
            raise forms.ValidationError(_("日期应在 1–31 之间"))
        return sorted(days)
