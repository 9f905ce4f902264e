from django import template

from accountability.models import AdminLevel, Post
from accountability.rules_cases import STEP_LABELS
from accountability.situations import AccountabilityForm

register = template.Library()
FORM_LABELS = dict(AccountabilityForm.choices)


@register.filter
def form_labels(codes) -> str:
    return "、".join(str(FORM_LABELS.get(code, code)) for code in codes or [])


@register.filter
def step_label(code: str) -> str:
    return STEP_LABELS.get(code, code)


METRIC_LABELS = {
    "misidentified_households": "识别不精准户数",
    "wrong_exit_households": "退出不精准户数",
    "imprecise_persons": "识别、退出不精准人数‰",
    "exit_task_shortfall": "年度脱贫任务差额",
    "late_poor_villages": "未按期出列贫困村数",
    "quota_missed": "未完成的考核期数",
}


@register.filter
def post_label(code: str) -> str:
    try:
        return str(Post(code).label)
    except ValueError:
        return code


@register.filter
def metric_label(code: str) -> str:
    return METRIC_LABELS.get(code, code)


@register.filter
def level_label(code: str) -> str:
    try:
        return str(AdminLevel(code).label)
    except ValueError:
        return code


@register.filter
def source_labels(codes) -> str:
    """Finding sources with their level (accountability/sources.py), for an alert's evidence."""
    from accountability.sources import source_label

    return "、".join(source_label(code) for code in codes or [])
