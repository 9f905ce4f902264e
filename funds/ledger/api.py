"""Read API of the ledger: accounts and entries of the caller's jurisdiction (posting goes
through the services: the pages, the import). Amounts are decimal strings with two places."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers

from accountability.access.personal_data import can_see_personal_data, id_number_for, mask_personal_text
from accountability.api.base import ScopedReadOnlyViewSet, query_day, query_year
from funds.ledger.models import EntryKind, LedgerAccount, LedgerEntry
from funds.ledger.selectors import LedgerFilters

MONEY = {"max_digits": 16, "decimal_places": 2, "coerce_to_string": True, "read_only": True}


class LedgerAccountSerializer(serializers.ModelSerializer):
    project_number = serializers.CharField(source="project.number", read_only=True, default=None)
    balance = serializers.DecimalField(**MONEY)
    deposit_held = serializers.DecimalField(**MONEY)
    subsidy = serializers.DecimalField(**MONEY, allow_null=True)

    class Meta:
        model = LedgerAccount
        fields = [
            "id",
            "kind",
            "name",
            "county",
            "unit",
            "project",
            "project_number",
            "year",
            "fund_level",
            "document_number",
            "document_date",
            "subsidy",
            "deposit_percent",
            "balance",
            "deposit_held",
            "entry_count",
            "head_hash",
        ]
        read_only_fields = fields


class LedgerEntrySerializer(serializers.ModelSerializer):
    amount = serializers.DecimalField(**MONEY)
    delta = serializers.DecimalField(**MONEY)
    balance_after = serializers.DecimalField(**MONEY)
    reverses_voucher_number = serializers.CharField(
        source="reverses.voucher_number", read_only=True, default=None
    )
    posted_by = serializers.CharField(source="posted_by.username", read_only=True)
    counterpart_id_number = serializers.SerializerMethodField()
    summary = serializers.SerializerMethodField()

    class Meta:
        model = LedgerEntry
        fields = [
            "id",
            "account",
            "sequence",
            "voucher_number",
            "date",
            "kind",
            "stage",
            "amount",
            "delta",
            "balance_after",
            "counterpart",
            "counterpart_id_number",
            "budget_line",
            "invoice_number",
            "roster_kind",
            "summary",
            "reverses",
            "reverses_voucher_number",
            "corrects_kind",
            "source_account",
            "warnings",
            "posted_by",
            "posted_at",
            "prev_hash",
            "hash",
        ]
        read_only_fields = fields

    def _user(self):
        return self.context["request"].user

    def get_counterpart_id_number(self, entry) -> str:
        return id_number_for(self._user(), entry.counterpart_id_number) if entry.counterpart_id_number else ""

    def get_summary(self, entry) -> str:
        return entry.summary if can_see_personal_data(self._user()) else mask_personal_text(entry.summary)


class LedgerAccountViewSet(ScopedReadOnlyViewSet):
    """Ledger accounts (fund-source allocations and project special accounts) of the jurisdiction."""

    queryset = LedgerAccount.objects.select_related("project").order_by("pk")
    serializer_class = LedgerAccountSerializer


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("year", int, description="年度（分录日期）"),
            OpenApiParameter("account", int, description="账户 id"),
            OpenApiParameter("project", str, description="项目编号"),
            OpenApiParameter("kind", str, enum=EntryKind.values, description="业务类型"),
            OpenApiParameter("date_from", str, description="起始日期 YYYY-MM-DD"),
            OpenApiParameter("date_to", str, description="截止日期 YYYY-MM-DD"),
        ]
    )
)
class LedgerEntryViewSet(ScopedReadOnlyViewSet):
    """Posted entries (immutable) of the jurisdiction, in account and chain order."""

    queryset = LedgerEntry.objects.select_related("posted_by", "reverses").order_by("account_id", "sequence")
    serializer_class = LedgerEntrySerializer

    def get_queryset(self):
        entries = super().get_queryset()
        if self.action != "list":
            return entries
        params = self.request.query_params
        kind = params.get("kind", "")
        if kind and kind not in EntryKind.values:
            from rest_framework.exceptions import ValidationError

            raise ValidationError({"kind": [f"业务类型应为 {'、'.join(EntryKind.values)}"]})
        filters = LedgerFilters(
            year=query_year(self.request),
            project=params.get("project", "")[:50],
            kind=kind,
            date_from=query_day(self.request, "date_from"),
            date_to=query_day(self.request, "date_to"),
        )
        entries = filters.apply(entries)
        account = params.get("account", "")
        if account:
            from accountability.api.base import query_int

            entries = entries.filter(account_id=query_int(self.request, "account"))
        return entries
