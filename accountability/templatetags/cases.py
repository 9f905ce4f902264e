from django import template

from accountability.cases.rules import STEP_LABELS
from accountability.cases.situations import AccountabilityForm
from accountability.models import AdminLevel, Post
from accountability.rules.metrics import metric_label as registered_metric_label

register = template.Library()
FORM_LABELS = dict(AccountabilityForm.choices)


@register.filter
def form_labels(codes) -> str:
    return "、".join(str(FORM_LABELS.get(code, code)) for code in codes or [])


@register.filter
def step_label(code: str) -> str:
    return STEP_LABELS.get(code, code)


@register.filter
def post_label(code: str) -> str:
    try:
        return str(Post(code).label)
    except ValueError:
        return code


@register.filter
def metric_label(code: str) -> str:
    return registered_metric_label(code)


@register.filter
def level_label(code: str) -> str:
    try:
        return str(AdminLevel(code).label)
    except ValueError:
        return code


@register.filter
def source_labels(codes) -> str:
    """Finding sources with their level (accountability/policy/sources.py), for an alert's evidence."""
    from accountability.policy.sources import source_label

    return "、".join(source_label(code) for code in codes or [])
