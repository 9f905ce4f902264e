"""Browser forms of the fund projects: they parse what was typed, with a Chinese message on the field
that is wrong; the services decide and write (the same services as the API and the import).

A date a step is taken on is required: nothing defaults to today behind the user's back (the pages
put today in the field, the user sees it and may change it)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accountability.platform.widgets import DayInput, UnitPicker
from funds import rules
from funds.models import (
    DocumentKind,
    FundUse,
    NoticeKind,
    ProjectCategory,
    RectificationReason,
    SelectionMethod,
)

CHOICE_INVALID = "请从列表中选择"


def _required(label: str) -> str:
    return f"请填写{label}"


def day_field(label: str, *, required: bool = True) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        widget=DayInput(),
        error_messages={"required": _required(label), "invalid": f"{label}应为日期（年-月-日）"},
    )


def text_field(label: str, *, required: bool = False, max_length: int | None = None, rows: int = 0):
    messages = {"required": _required(label)}
    if max_length:
        messages["max_length"] = f"{label}不能超过 {max_length} 个字"
    widget = forms.Textarea(attrs={"rows": rows}) if rows else None
    kwargs = {"widget": widget} if widget else {}
    return forms.CharField(
        label=label, required=required, max_length=max_length, error_messages=messages, **kwargs
    )


def count_field(label: str, *, required: bool = False, minimum: int = 0, maximum: int | None = None):
    messages = {
        "required": _required(label),
        "invalid": f"{label}应为整数",
        "min_value": f"{label}不能小于 {minimum}",
    }
    if maximum is not None:
        messages["max_value"] = f"{label}不能大于 {maximum}"
    return forms.IntegerField(
        label=label, required=required, min_value=minimum, max_value=maximum, error_messages=messages
    )


def choice_field(label: str, choices, *, required: bool = True) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=choices,
        required=required,
        error_messages={"required": f"请选择{label}", "invalid_choice": f"{label}：{CHOICE_INVALID}"},
    )


class MoneyField(forms.CharField):
    """Yuan to the cent as typed (thousands separators allowed), never negative, within what the
    money columns hold (``rules.money_problem``)."""

    def __init__(self, label: str, *, required: bool = True, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        super().__init__(
            label=label, required=required, error_messages={"required": _required(label)}, **kwargs
        )

    def clean(self, value):
        text = super().clean(value)
        if text in (None, ""):
            return None
        try:
            amount = Decimal(str(text).strip().replace(",", "").replace("，", ""))
        except InvalidOperation:
            raise forms.ValidationError(f"{self.label}应为金额（元），如 12000.50") from None
        problem = rules.money_problem(amount)
        if problem:
            raise forms.ValidationError(f"{self.label}：{problem}")
        if amount < 0:
            raise forms.ValidationError(f"{self.label}不能为负数")
        return amount


def form_errors(form: forms.Form) -> str:
    """The form's messages in one line for the page's message area (each already names its field)."""
    out = []
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        for error in errors:
            label = str(field.label) if field is not None and field.label else ""
            out.append(
                error if not label or error.startswith(label) or label in error else f"{label}：{error}"
            )
    return "；".join(out)


# --- the library ----------------------------------------------------------------------------------


class ProjectForm(forms.Form):
    number = text_field(_("项目编号"), required=True, max_length=50)
    name = text_field(_("项目名称"), required=True, max_length=200)
    year = count_field(_("年度"), required=True, minimum=2000, maximum=2100)
    category = forms.ModelChoiceField(
        label=_("项目类别"),
        queryset=ProjectCategory.objects.filter(active=True),
        empty_label=None,
        error_messages={"required": "请选择项目类别", "invalid_choice": f"项目类别：{CHOICE_INVALID}"},
    )
    use = choice_field(_("资金用途"), FundUse.choices)
    location = forms.CharField(
        label=_("实施地点（村或乡镇）"),
        max_length=12,
        widget=UnitPicker(),
        error_messages={"required": "请填写实施地点", "max_length": "实施地点应为 12 位行政区划代码"},
    )
    applicant = text_field(_("申报单位"), max_length=200)
    implementer = text_field(_("实施单位"), required=True, max_length=200)
    person_responsible = text_field(_("项目负责人"), max_length=50)
    person_responsible_id_number = text_field(_("项目负责人证件号码"), max_length=18)
    construction_content = text_field(_("建设内容"), required=True, rows=3)
    is_continuation = forms.BooleanField(label=_("续建项目"), required=False)
    household_project = forms.BooleanField(label=_("到户项目（须有贫困户申请）"), required=False)
    household_applications = text_field(_("贫困户申请（到户项目由乡镇代为录入）"), rows=2)
    benefit_linkage = text_field(_("利益联结机制"), rows=2)
    subsidy = MoneyField(_("财政补助资金（元）"))
    planned_start = day_field(_("计划开工日期"), required=False)
    planned_end = day_field(_("计划完工日期"), required=False)
    library_on = day_field(_("入库日期"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year
        self.fields["library_on"].initial = timezone.localdate()

    def clean(self):
        data = super().clean()
        start, end = data.get("planned_start"), data.get("planned_end")
        if start and end and end < start:
            self.add_error("planned_end", f"计划完工日期 {end} 早于计划开工日期 {start}")
        return data


# --- the steps and the project page's forms ---------------------------------------------------------

TRI = [("1", _("合格")), ("0", _("不合格"))]


class StepForm(forms.Form):
    step = choice_field(_("步骤"), [])
    on = day_field(_("日期"))
    applicant = text_field(_("申报单位"), max_length=200)
    document = text_field(_("立项批复文号"), max_length=100)
    review = choice_field(
        _("评审方式"), [("expert", _("专家评审")), ("office", _("县扶贫办审查"))], required=False
    )
    grade = choice_field(
        _("验收等次"), [("excellent", _("优良")), ("pass", _("合格")), ("fail", _("不合格"))], required=False
    )
    accepted_by = text_field(_("验收组织"), max_length=200)
    report = text_field(_("验收意见"))
    to = text_field(_("移交对象"), max_length=200)
    handover_list = text_field(_("移交清单"))
    asset_owner = text_field(_("资产归属"), max_length=200)
    budget_lines = text_field(_("实施方案预算科目"), max_length=5000)  # with plan_submit (F-11)

    def __init__(self, *args, steps: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["step"].choices = [(code, label) for code, (label, _perm) in steps.items()]
        for name, label in rules.ACCEPTANCE_ITEMS:
            self.fields[name] = choice_field(label, TRI, required=False)

    def clean(self):
        data = super().clean()
        step = data.get("step")
        if step and "on" in self.errors and not (self.data.get("on") or "").strip():
            label = dict(self.fields["step"].choices).get(step, "")
            self.errors["on"] = self.error_class([f"请填写{label}日期"])
        if step == "accept":
            for name, label in rules.ACCEPTANCE_ITEMS:
                if not data.get(name):
                    self.add_error(name, f"请评定“{label}”是否合格")
            if not data.get("grade"):
                self.add_error("grade", "请选择验收等次")
        if step == "hand_over":
            for name in ("to", "handover_list"):
                if not (data.get(name) or "").strip():
                    self.add_error(name, _required(self.fields[name].label))
        return data


class NoticeForm(forms.Form):
    kind = choice_field(_("公告类型"), NoticeKind.choices)
    on = day_field(_("公示日期"))
    place = text_field(_("公示地点/网址"), max_length=300)
    photo = forms.FileField(label=_("公示牌照片"), required=False)

    def contents(self) -> dict[str, str]:
        """The notice's listed contents, posted as c_0, c_1 … in the order of ``rules.NOTICE_FIELDS``."""
        fields = rules.NOTICE_FIELDS.get(self.cleaned_data.get("kind", ""), ())
        return {name: (self.data.get(f"c_{i}") or "").strip()[:500] for i, name in enumerate(fields)}


class DisbursementRequestForm(forms.Form):
    amount = MoneyField(_("申请金额（元）"))
    progress_percent = count_field(_("工程进度（%）"), minimum=0, maximum=100)
    on = day_field(_("申请日期"))


class DisbursementDecisionForm(forms.Form):
    decision = choice_field(_("审批结果"), [("approve", _("批准拨付")), ("refuse", _("不予拨付"))])
    on = day_field(_("审批日期"))
    reason = text_field(_("不予拨付的原因"), max_length=300)


class ProgressReportForm(forms.Form):
    on = day_field(_("录入日期"))
    progress_percent = count_field(_("工程进度（%）"), required=True, minimum=0, maximum=100)
    fund_use = text_field(_("资金使用情况"), required=True, max_length=500)
    households_benefited = count_field(_("受益农户数"), minimum=0, maximum=999999)


class RectificationOrderForm(forms.Form):
    reason = choice_field(_("原因"), RectificationReason.choices)
    details = text_field(_("问题说明"))
    on = day_field(_("下达日期"))
    due_on = day_field(_("整改期限"), required=False)


class RectificationCloseForm(forms.Form):
    outcome = choice_field(
        _("结果"), [("lifted", _("整改到位，解除")), ("recovered", _("未按期整改，收回资金"))]
    )
    on = day_field(_("日期"))


class AdjustmentForm(forms.Form):
    content = text_field(_("调整内容"), required=True)
    on = day_field(_("申请日期"))


class AdjustmentActionForm(forms.Form):
    action = choice_field(_("办理"), [("approve", _("批复")), ("file", _("备案"))])
    on = day_field(_("日期"))


class DocumentForm(forms.Form):
    kind = choice_field(_("材料类型"), DocumentKind.choices)
    file = forms.FileField(
        label=_("文件"), error_messages={"required": "请选择文件", "empty": "所选文件是空文件"}
    )
    note = text_field(_("说明"), max_length=200)


class BeneficiaryForm(forms.Form):
    name = text_field(_("户主姓名"), required=True, max_length=50)
    id_number = text_field(_("证件号码"), max_length=18)
    household_number = text_field(_("建档立卡户编号"), max_length=30)


class BenefitRecordForm(forms.Form):
    """F-12: one year's dividend and collective income of a project."""

    year = count_field(_("年度"), required=True, minimum=2000, maximum=2100)
    invested = MoneyField(_("投入扶贫资金（元）"), required=False)
    dividend = MoneyField(_("保底分红（元）"), required=False)
    collective_income_increase = MoneyField(_("村集体经济增收（元）"), required=False)
    note = text_field(_("说明"), rows=2)

    def clean(self):
        data = super().clean()
        if not any(
            data.get(name) is not None for name in ("invested", "dividend", "collective_income_increase")
        ):
            raise forms.ValidationError("请至少填写投入资金、保底分红或村集体经济增收中的一项")
        if data.get("dividend") is not None and not data.get("invested"):
            self.add_error("invested", "填写保底分红时请填写投入扶贫资金（用于计算分红率）")
        return data


class CooperativeForm(forms.Form):
    """F-12 / C2-62: the supported cooperative's members and its poor members."""

    members = count_field(_("合作社成员数"), required=True, minimum=0, maximum=999999)
    poor_members = count_field(_("其中贫困户成员数"), required=True, minimum=0, maximum=999999)

    def clean(self):
        data = super().clean()
        members, poor = data.get("members"), data.get("poor_members")
        if members is not None and poor is not None and poor > members:
            self.add_error("poor_members", f"贫困户成员数 {poor} 多于成员数 {members}")
        return data


# --- the fund plan and the performance evaluation --------------------------------------------------


class FundPlanActionForm(forms.Form):
    action = choice_field(_("办理"), [("approve", _("立项批复")), ("discipline", _("报纪检审计备案"))])
    on = day_field(_("日期"))
    document = text_field(_("立项批复文号"), max_length=100)
    method = choice_field(_("立项方式"), SelectionMethod.choices, required=False)
    projects = forms.ModelMultipleChoiceField(
        label=_("立项的项目"),
        queryset=None,
        required=False,
        error_messages={
            "invalid_choice": "所选项目不是本计划可立项的入库项目",
            "invalid_pk_value": "所选项目不是本计划可立项的入库项目",
            "invalid_list": "请从列表中选择项目",
        },
    )

    def __init__(self, *args, candidates, **kwargs):
        """``candidates``: the plan's projects the user may see (the view passes a scoped queryset)."""
        super().__init__(*args, **kwargs)
        self.fields["projects"].queryset = candidates


class EvaluationForm(forms.Form):
    county = forms.CharField(
        label=_("县"),
        max_length=12,
        widget=UnitPicker(level="county"),
        error_messages={"required": "请填写县", "max_length": "县应为 12 位行政区划代码"},
    )
    year = count_field(_("资金年度"), required=True, minimum=2000, maximum=2100)
    started_on = day_field(_("启动日期"), required=False)
    finished_on = day_field(_("完成日期"), required=False)
    published_on = day_field(_("结果通报日期"), required=False)
    allocation_note = text_field(_("与资金分配挂钩情况"), rows=2)


def points_field(label: str, name: str) -> forms.DecimalField:
    """Points added or deducted on the evaluation table: 0 or more, two places."""
    return forms.DecimalField(
        label=label,
        min_value=0,
        max_digits=6,
        decimal_places=2,
        initial=0,
        error_messages={
            "required": f"请填写{name}（没有填 0）",
            "invalid": f"{name}应为数字",
            "min_value": f"{name}不能为负数",
        },
    )


class EvaluationScoreForm(forms.Form):
    """F-14: one unit's scores on the county's indicator table (profile data), bonus and deduction."""

    unit_name = text_field(_("被考评单位"), required=True, max_length=200)
    department = forms.BooleanField(label=_("主管部门"), required=False)
    bonus = points_field(_("加分"), "加分")
    deduction = points_field(_("扣分"), "扣分")
    self_evaluation = forms.FileField(label=_("自评报告"), required=False)

    def __init__(self, *args, indicators: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.indicators = indicators
        for item in indicators:
            label = f"{item['part']}·{item['label']}（{item['points']} 分）"
            self.fields[f"s_{item['code']}"] = forms.DecimalField(
                label=label,
                min_value=0,
                max_value=Decimal(str(item["points"])),
                max_digits=6,
                decimal_places=2,
                error_messages={
                    "required": f"请为“{item['label']}”评分",
                    "invalid": f"“{item['label']}”的得分应为数字",
                    "min_value": f"“{item['label']}”的得分不能为负数",
                    "max_value": f"“{item['label']}”的得分不能超过 {item['points']} 分",
                    "max_decimal_places": f"“{item['label']}”的得分最多两位小数",
                },
            )

    def scores(self) -> dict[str, Decimal]:
        return {item["code"]: self.cleaned_data[f"s_{item['code']}"] for item in self.indicators}
