"""The auditor's filter form (year, county/township, fund source, project, kind, date range)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from accountability.platform.validators import FIRST_YEAR, LAST_YEAR
from funds.ledger.models import EntryKind
from funds.ledger.selectors import LedgerFilters
from funds.models import FundLevel


class LedgerFilterForm(forms.Form):
    year = forms.IntegerField(label="年度", required=False, min_value=FIRST_YEAR, max_value=LAST_YEAR)
    unit = forms.ChoiceField(label="县(区)/乡镇", required=False)
    fund_level = forms.ChoiceField(
        label="资金级次", required=False, choices=[("", "全部级次"), *FundLevel.choices]
    )
    document_number = forms.CharField(label="资金来源文号", required=False, max_length=100)
    project = forms.CharField(label="项目编号", required=False, max_length=50)
    kind = forms.ChoiceField(label="业务类型", required=False, choices=[("", "全部类型"), *EntryKind.choices])
    date_from = forms.DateField(
        label="起始日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label="截止日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", "全部（本辖区）"), *[(u.code, u.name) for u in units]]

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise ValidationError("起始日期不能晚于截止日期")
        return data

    def filters(self) -> LedgerFilters:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return LedgerFilters(
            year=data.get("year"),
            unit=data.get("unit") or "",
            fund_level=data.get("fund_level") or "",
            document_number=(data.get("document_number") or "").strip(),
            project=(data.get("project") or "").strip(),
            kind=data.get("kind") or "",
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )
