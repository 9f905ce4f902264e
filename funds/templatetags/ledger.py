from django import template

from accountability.access.personal_data import mask_personal_text
from accountability.platform.idnumbers import mask_id_number

register = template.Library()


@register.filter
def negate(value):
    return -value


@register.filter
def id_for(number: str, show: bool) -> str:
    return number if show else mask_id_number(number)


@register.filter
def text_for(text: str, show: bool) -> str:
    return text if show else mask_personal_text(text)
