"""Browser forms of the registry: they parse input; the services decide and write."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accountability.models import Official
from accountability.platform.idnumbers import id_number_problem, normalise
from accountability.platform.widgets import DayInput, UnitPicker
from accountability.responsibility.selectors import cadres_for_household
from households.models import HelpingMeasure, Household
from households.services import EDITABLE_HOUSEHOLD_FIELDS

YES_NO_UNKNOWN = [("", _("未核实")), ("true", _("是")), ("false", _("否"))]


class HouseholdEditForm(forms.ModelForm):
    reason = forms.CharField(label=_("修改原因"), max_length=200, required=False)

    class Meta:
        model = Household
        fields = EDITABLE_HOUSEHOLD_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("food_clothing_secure", "compulsory_education_secure", "basic_medical_secure"):
            self.fields[name].widget = forms.Select(choices=YES_NO_UNKNOWN)
        for name in ("housing_safe", "drinking_water_safe"):
            self.fields[name].widget = forms.Select(choices=YES_NO_UNKNOWN)
        self.fields["phone"].widget.attrs.update(inputmode="tel", autocomplete="off")

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in EDITABLE_HOUSEHOLD_FIELDS}


class MeasureForm(forms.ModelForm):
    class Meta:
        model = HelpingMeasure
        fields = ("kind", "description", "year")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year


class CadrePairingForm(forms.Form):
    id_number = forms.CharField(label=_("帮扶责任人证件号码"), max_length=18)
    valid_from = forms.DateField(label=_("结对开始日期"), widget=DayInput())

    def __init__(self, *args, user=None, household: Household | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.household = user, household

    def clean_id_number(self) -> Official:
        text = self.cleaned_data["id_number"].strip()
        problem = id_number_problem(text)
        if problem:
            raise forms.ValidationError(problem)
        # among the cadres the user may name for this household: an official of a sibling
        # jurisdiction answers like an unknown number (no existence oracle)
        official = cadres_for_household(self.user, self.household).filter(id_number=normalise(text)).first()
        if official is None:
            raise forms.ValidationError(
                _("没有该证件号码的干部，或其不在您的管辖范围内；请先在干部名册中登记")
            )
        return official


class HouseholdTransferForm(forms.Form):
    to_village = forms.CharField(label=_("迁入村"), max_length=12, widget=UnitPicker(level="village"))
    reason = forms.CharField(label=_("迁移理由"), widget=forms.Textarea(attrs={"rows": 2}), max_length=500)
