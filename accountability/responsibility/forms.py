"""Forms of the responsibility pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class OfficialTransferForm(forms.Form):
    """干部调动: the organisations offered are those the user governs (a move needs both sides)."""

    to_organisation = forms.ModelChoiceField(label=_("调入单位"), queryset=None)
    reason = forms.CharField(label=_("调动理由"), widget=forms.Textarea(attrs={"rows": 2}), max_length=500)

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_organisation"].queryset = organisations
