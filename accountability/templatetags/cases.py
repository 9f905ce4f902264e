from django import template

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
