from django.contrib import admin

from accountability.admin import JurisdictionScopedAdmin
from households.models import (
    HelpingCadrePairing,
    HelpingMeasure,
    Household,
    Member,
    RegisterEntry,
    VerificationFinding,
)


class MemberInline(admin.TabularInline):
    model = Member
    extra = 0
    fields = ["name", "id_number", "relation", "sex", "health", "labour_skill", "active"]


@admin.register(Household)
class HouseholdAdmin(JurisdictionScopedAdmin):
    list_display = ["number", "head_name", "village", "attribute", "status", "member_count"]
    list_filter = ["status", "attribute", "main_cause"]
    search_fields = ["number", "head_name"]
    list_select_related = ["village"]
    raw_id_fields = ["village"]
    inlines = [MemberInline]


@admin.register(VerificationFinding)
class VerificationFindingAdmin(JurisdictionScopedAdmin):
    list_display = ["found_date", "village", "household", "kind", "source", "assessment_year", "status"]
    list_filter = ["kind", "source", "status", "assessment_year"]
    list_select_related = ["village", "household"]
    raw_id_fields = ["village", "household", "decided_by"]


@admin.register(HelpingCadrePairing)
class HelpingCadrePairingAdmin(JurisdictionScopedAdmin):
    list_display = ["official", "household", "valid_from", "valid_to"]
    list_select_related = ["official", "household"]
    raw_id_fields = ["official", "household"]


@admin.register(HelpingMeasure)
class HelpingMeasureAdmin(JurisdictionScopedAdmin):
    list_display = ["household", "kind", "year", "description"]
    list_select_related = ["household"]
    raw_id_fields = ["household"]


@admin.register(RegisterEntry)
class RegisterEntryAdmin(JurisdictionScopedAdmin):
    list_display = ["register_type", "name", "detail", "jurisdiction"]
    list_filter = ["register_type"]
