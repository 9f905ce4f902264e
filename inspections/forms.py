"""Browser forms of inspections: they parse; the services decide and write."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accountability.platform.widgets import DayInput
from inspections.models import (
    CadreRank,
    FindingSeverity,
    Method,
    PetitionChannel,
    ProblemSource,
    RoundKind,
    Satisfaction,
    Scope,
    TransferTo,
)
from inspections.rules import DEADLINE_REASON_MAX


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*,.pdf,.doc,.docx,.xls,.xlsx"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class FindingForm(forms.Form):
    number = forms.CharField(label=_("问题编号"), max_length=40)
    unit = forms.CharField(label=_("单位代码"), max_length=12)
    found_on = forms.DateField(label=_("发现日期"), widget=DayInput())
    source = forms.ChoiceField(label=_("来源"), choices=ProblemSource.choices)
    category = forms.ChoiceField(label=_("问题类别"))
    severity = forms.ChoiceField(label=_("严重程度"), choices=FindingSeverity.choices)
    description = forms.CharField(label=_("问题描述"), widget=forms.Textarea(attrs={"rows": 3}))
    deadline = forms.DateField(label=_("整改期限（可选）"), required=False, widget=DayInput())
    transfer_to = forms.ChoiceField(label=_("移交"), choices=TransferTo.choices, required=False)
    files = MultipleFileField(label=_("照片或文件"), required=False)

    def __init__(self, *args, categories=(), round=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [(c["code"], c["label"]) for c in categories]
        self.fields["found_on"].initial = timezone.localdate()
        self.fields["found_on"].widget.attrs["max"] = timezone.localdate().isoformat()
        if round is not None:
            self.fields["source"].initial = round.kind
            self.fields["unit"].initial = round.unit_id


class ReportForm(forms.Form):
    """The inspected unit's progress report, phone first: text, photos, ask for close-out."""

    text = forms.CharField(label=_("整改情况"), widget=forms.Textarea(attrs={"rows": 3}))
    measures = forms.CharField(
        label=_("整改措施（可选，更新问题的整改措施）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    files = MultipleFileField(label=_("照片或文件"), required=False)
    request_close = forms.BooleanField(label=_("整改完成，申请销号"), required=False)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("verify", _("核验通过，销号")), ("reject", _("退回重新整改")), ("reopen", _("重新打开"))]
    )
    text = forms.CharField(label=_("核验意见"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class TransferForm(forms.Form):
    to = forms.ChoiceField(label=_("移交机关"), choices=[c for c in TransferTo.choices if c[0]])
    note = forms.CharField(label=_("移交说明"), required=False)


class CaseForm(forms.Form):
    situation = forms.CharField(label=_("问责情形"), initial="A-10.4", max_length=20)
    severity = forms.ChoiceField(
        label=_("情节"), choices=[("minor", _("较轻")), ("serious", _("较重")), ("severe", _("严重"))]
    )


class FeedbackForm(forms.Form):
    on = forms.DateField(label=_("反馈日期"), widget=DayInput())


class PetitionForm(forms.Form):
    number = forms.CharField(label=_("编号"), max_length=40)
    channel = forms.ChoiceField(label=_("渠道"), choices=PetitionChannel.choices)
    received_on = forms.DateField(label=_("受理日期"), widget=DayInput())
    unit = forms.CharField(label=_("涉及单位代码"), max_length=12)
    content = forms.CharField(label=_("反映内容"), widget=forms.Textarea(attrs={"rows": 3}))
    handler = forms.CharField(label=_("承办人证件号码（可选）"), max_length=30, required=False)


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("答复内容"), widget=forms.Textarea(attrs={"rows": 3}))
    satisfaction = forms.ChoiceField(label=_("满意度"), choices=Satisfaction.choices, required=False)


class PetitionFindingForm(forms.Form):
    number = forms.CharField(label=_("问题编号"), max_length=40)
    category = forms.ChoiceField(label=_("问题类别"))
    severity = forms.ChoiceField(label=_("严重程度"), choices=FindingSeverity.choices)

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [(c["code"], c["label"]) for c in categories]


class RoundForm(forms.Form):
    """A supervision or patrol round; the leader and members by their ID numbers."""

    kind = forms.ChoiceField(label=_("类型"), choices=RoundKind.choices, widget=forms.RadioSelect)
    scope = forms.ChoiceField(
        label=_("督查类型（巡查不填）"), choices=[("", "—"), *Scope.choices], required=False
    )
    number = forms.CharField(label=_("编号"), max_length=40)
    title = forms.CharField(label=_("名称"), max_length=200)
    issuer = forms.CharField(label=_("组织单位代码"), max_length=12)
    unit = forms.CharField(label=_("被督查（巡查）单位代码"), max_length=12)
    starts_on = forms.DateField(label=_("开始日期"), widget=DayInput())
    ends_on = forms.DateField(label=_("结束日期"), required=False, widget=DayInput())
    approved_on = forms.DateField(label=_("市委市政府批准日期（巡查）"), required=False, widget=DayInput())
    leader = forms.CharField(label=_("组长证件号码"), max_length=30)
    leader_rank = forms.ChoiceField(label=_("组长级别"), choices=CadreRank.choices)
    members = forms.CharField(
        label=_("成员证件号码（每行一个）"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    methods = forms.MultipleChoiceField(
        label=_("方式方法"), choices=Method.choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    def member_numbers(self) -> list[str]:
        text = self.cleaned_data.get("members") or ""
        return [
            line.strip() for line in text.replace("、", "\n").replace(",", "\n").splitlines() if line.strip()
        ]


class ResponsibleForm(forms.Form):
    """Name the officials responsible by hand (ID numbers, one a line), with the reason; empty: resolve
    again from who held the posts on the finding's date."""

    id_numbers = forms.CharField(
        label=_("责任人证件号码（每行一个；留空按任职重新确定）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    reason = forms.CharField(label=_("调整理由"), max_length=200)

    def numbers(self) -> list[str]:
        text = self.cleaned_data.get("id_numbers") or ""
        return [
            line.strip() for line in text.replace("、", "\n").replace(",", "\n").splitlines() if line.strip()
        ]


class EvidenceForm(forms.Form):
    """More photos or documents of the finding itself (the inspector's evidence, after recording it)."""

    files = MultipleFileField(label=_("照片或文件"))


class DeadlineForm(forms.Form):
    """Move an open finding's rectification deadline, with the reason (kept in the timeline and history)."""

    deadline = forms.DateField(label=_("新的整改期限"), widget=DayInput())
    reason = forms.CharField(label=_("调整理由"), max_length=DEADLINE_REASON_MAX)


class PlanForm(forms.Form):
    unit = forms.CharField(label=_("制定单位代码"), max_length=12)
    year = forms.IntegerField(label=_("年度"), min_value=2013, max_value=2100)
    title = forms.CharField(label=_("计划名称"), max_length=200)
    adopted_on = forms.DateField(label=_("通过日期"), required=False, widget=DayInput())


class PlanItemForm(forms.Form):
    scope = forms.ChoiceField(label=_("类型"), choices=Scope.choices)
    title = forms.CharField(label=_("事项"), max_length=200)
    counties = forms.MultipleChoiceField(
        label=_("督查对象（县区）"), required=False, widget=forms.CheckboxSelectMultiple
    )
    helping_units = forms.MultipleChoiceField(
        label=_("督查对象（帮扶单位）"), required=False, widget=forms.CheckboxSelectMultiple
    )
    starts_on = forms.DateField(label=_("计划开始"), required=False, widget=DayInput())
    ends_on = forms.DateField(label=_("计划结束"), required=False, widget=DayInput())

    def __init__(self, *args, counties=(), helping_units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["counties"].choices = [(c.code, c.name) for c in counties]
        self.fields["helping_units"].choices = [(str(o.pk), o.name) for o in helping_units]
