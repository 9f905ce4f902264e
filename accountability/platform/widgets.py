from __future__ import annotations

from django import forms


class DayInput(forms.DateInput):
    """A native date picker: ``<input type="date">`` needs its value as YYYY-MM-DD whatever the
    language, or the browser shows it empty."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")
