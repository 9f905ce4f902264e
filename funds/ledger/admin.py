"""Admin of the ledger: the staged-disbursement numbers are edited here (profile data); accounts,
entries and locks are read-only (posting goes through the services, never through the admin)."""

from django.contrib import admin

from accountability.admin import JurisdictionScopedAdmin
from funds.ledger.models import DisbursementPolicy, LedgerAccount, LedgerEntry, LedgerLock, PlanBudgetLine


@admin.register(DisbursementPolicy)
class DisbursementPolicyAdmin(JurisdictionScopedAdmin):
    list_display = [
        "profile",
        "first_percent",
        "second_percent",
        "second_completion_percent",
        "deposit_max_percent",
    ]
    raw_id_fields = ["profile"]


class ReadOnlyAdmin(JurisdictionScopedAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(LedgerAccount)
class LedgerAccountAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "county", "fund_level", "document_number", "balance", "entry_count"]
    list_filter = ["kind", "fund_level", "year"]
    search_fields = ["name", "document_number", "project__number"]
    list_select_related = ["county"]


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    list_display = ["voucher_number", "date", "kind", "stage", "amount", "balance_after", "account"]
    list_filter = ["kind", "stage"]
    search_fields = ["voucher_number", "summary"]
    list_select_related = ["account"]


@admin.register(LedgerLock)
class LedgerLockAdmin(ReadOnlyAdmin):
    list_display = ["county", "locked_through", "updated_by", "updated_at"]


@admin.register(PlanBudgetLine)
class PlanBudgetLineAdmin(ReadOnlyAdmin):
    """Entered with the plan through the service (ledger_plan_lines_set), read here."""

    list_display = ["project", "name", "category", "amount"]
    search_fields = ["project__number", "name"]
    list_select_related = ["project", "category"]
