"""Forms of the alert and case pages (accountability/cases/views.py)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accountability.cases.rules import STEP_LABELS
from accountability.cases.situations import AccountabilityForm, FaultTolerance, Severity, situation_choices
from accountability.models import Transfer
from accountability.platform.widgets import DayInput, UnitPicker
from accountability.policy.sources import SourceLevel


class CaseForm(forms.Form):
    unit = forms.CharField(label=_("问责单位"), max_length=12, widget=UnitPicker())
    official_id_number = forms.CharField(
        label=_("问责对象证件号码（对单位问责时留空）"), max_length=18, required=False
    )
    situation = forms.ChoiceField(label=_("问责情形"))
    severity = forms.ChoiceField(label=_("情节"), choices=Severity.choices)
    facts = forms.CharField(label=_("事实"), widget=forms.Textarea(attrs={"rows": 4}))
    evidence = forms.CharField(label=_("证据材料"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    origin = forms.ChoiceField(
        label=_("来源"), choices=[("manual", _("人工立案")), ("inspection", _("督查巡查发现"))]
    )
    source_reference = forms.CharField(label=_("来源说明"), required=False, max_length=200)
    year = forms.IntegerField(label=_("考核年度（默认今年）"), required=False, min_value=2000, max_value=2100)
    source_level = forms.ChoiceField(
        label=_("发现问题的工作层级"), choices=[("", "—"), *SourceLevel.choices], required=False
    )
    serious_influence = forms.BooleanField(
        label=_("发生重大涉贫信访事件或其他造成严重不良影响（一票否决）"), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["situation"].choices = situation_choices()


class StepForm(forms.Form):
    step = forms.ChoiceField(label=_("办理"), choices=list(STEP_LABELS.items()))
    on = forms.DateField(label=_("日期"), widget=DayInput())
    reason = forms.CharField(
        label=_("理由/意见/决定"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    documents = forms.CharField(label=_("材料"), required=False)
    chosen_forms = forms.MultipleChoiceField(
        label=_("问责方式（作出决定时）"),
        choices=AccountabilityForm.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    transfer = forms.ChoiceField(label=_("移送"), choices=Transfer.choices, required=False)
    fault_tolerance = forms.ChoiceField(
        label=_("容错（作出决定时：从轻、减轻，理由写在上栏）"),
        choices=[("", "—"), (FaultTolerance.LIGHTER, _("从轻")), (FaultTolerance.REDUCED, _("减轻"))],
        required=False,
    )
