from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class DayInput(forms.DateInput):
    """A native date picker: ``<input type="date">`` needs its value as YYYY-MM-DD whatever the
    language, or the browser shows it empty."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class UnitPicker(forms.TextInput):
    """A unit field that stays a 12-digit code for the server, picked by typing a name: the static
    script (static/js/unit-picker.js, loaded by base.html) lists the units of the user's
    jurisdiction from ``/units/search/?format=json`` — names first, with their parents. Without
    the script it is the plain code field."""

    def __init__(self, level: str = "", attrs=None):
        url = "/units/search/?format=json" + (f"&level={level}" if level else "")
        defaults = {
            "data-unit-picker": url,
            "autocomplete": "off",
            "inputmode": "search",
            "placeholder": _("输入名称查找，或输入 12 位代码"),
        }
        super().__init__(attrs={**defaults, **(attrs or {})})
