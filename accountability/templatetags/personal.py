from django import template

from accountability.access import personal_data

register = template.Library()


@register.filter
def id_number_for(number, user):
    """{{ official.id_number|id_number_for:user }} — masked unless the user may see personal data."""
    return personal_data.id_number_for(user, number)


@register.filter
def mobile_for(number, user):
    return personal_data.mobile_for(user, number)
