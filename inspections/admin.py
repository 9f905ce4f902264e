"""Admin pages of inspections. The workflow (report, verify, close, reopen, transfer) goes through
the services only: here its fields are read-only and steps cannot be added, changed or deleted."""

from django.contrib import admin

from accountability.admin import JurisdictionScopedAdmin
from inspections.models import (
    Evidence,
    Finding,
    FindingResponsible,
    InspectionPolicy,
    InspectionRound,
    Petition,
    PlanItem,
    RectificationStep,
    SupervisionPlan,
    TeamMember,
)


class ReadOnlyAdmin(JurisdictionScopedAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(InspectionPolicy)
class InspectionPolicyAdmin(JurisdictionScopedAdmin):
    list_display = [
        "profile",
        "patrol_rectification_months",
        "default_rectification_months",
        "comprehensive_per_year",
        "city_county_per_year",
        "petition_answer_working_days",
    ]
    list_select_related = ["profile"]


class PlanItemInline(admin.TabularInline):
    model = PlanItem
    extra = 0
    filter_horizontal = []
    raw_id_fields = ["counties", "helping_units"]


@admin.register(SupervisionPlan)
class SupervisionPlanAdmin(JurisdictionScopedAdmin):
    list_display = ["year", "title", "unit", "adopted_on"]
    list_select_related = ["unit"]
    raw_id_fields = ["unit", "created_by"]
    inlines = [PlanItemInline]


@admin.register(PlanItem)
class PlanItemAdmin(JurisdictionScopedAdmin):
    list_display = ["title", "plan", "scope", "starts_on", "ends_on"]
    list_select_related = ["plan"]
    raw_id_fields = ["plan", "counties", "helping_units"]


class TeamMemberInline(admin.TabularInline):
    model = TeamMember
    extra = 0
    raw_id_fields = ["official"]


@admin.register(InspectionRound)
class InspectionRoundAdmin(JurisdictionScopedAdmin):
    list_display = ["number", "kind", "scope", "title", "unit", "starts_on", "feedback_on"]
    list_filter = ["kind", "scope"]
    list_select_related = ["unit"]
    search_fields = ["number", "title"]
    raw_id_fields = ["plan_item", "issuer", "unit", "helping_unit", "leader", "created_by"]
    readonly_fields = ["report", "report_generated_at", "feedback_on"]
    inlines = [TeamMemberInline]

    def has_add_permission(self, request, obj=None):
        return False  # organised on the pages or by the API (approval, rank and cross-inspection rules)


@admin.register(TeamMember)
class TeamMemberAdmin(ReadOnlyAdmin):
    list_display = ["round", "official", "role"]
    list_select_related = ["round", "official"]


class ResponsibleInline(admin.TabularInline):
    model = FindingResponsible
    extra = 0
    raw_id_fields = ["official"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Finding)
class FindingAdmin(JurisdictionScopedAdmin):
    list_display = ["number", "source", "category", "severity", "unit", "deadline", "status"]
    list_filter = ["status", "source", "severity"]
    list_select_related = ["unit"]
    search_fields = ["number", "description"]
    raw_id_fields = ["round", "unit", "owner", "issuer", "created_by", "verified_by", "case"]
    readonly_fields = [
        "number",
        "round",
        "source",
        "unit",
        "owner",
        "issuer",
        "found_on",
        "feedback_on",
        "deadline",
        "deadline_basis",
        "status",
        "closed_on",
        "verified_by",
        "rejections",
        "reopenings",
        "transfer_to",
        "transferred_on",
        "case",
        "created_by",
    ]
    inlines = [ResponsibleInline]

    def has_add_permission(self, request, obj=None):
        return False  # findings are recorded on the pages, by the API or by import (deadline rules)


@admin.register(FindingResponsible)
class FindingResponsibleAdmin(ReadOnlyAdmin):
    list_display = ["finding", "official", "post", "resolved"]
    list_select_related = ["finding", "official"]


@admin.register(RectificationStep)
class RectificationStepAdmin(ReadOnlyAdmin):
    list_display = ["finding", "kind", "on", "actor"]
    list_filter = ["kind"]
    list_select_related = ["finding", "actor"]


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyAdmin):
    list_display = ["finding", "kind", "name", "size", "uploaded_at"]
    list_select_related = ["finding"]


@admin.register(Petition)
class PetitionAdmin(JurisdictionScopedAdmin):
    list_display = ["number", "channel", "received_on", "unit", "handler", "answer_due", "answered_on"]
    list_filter = ["channel", "satisfaction"]
    list_select_related = ["unit", "handler"]
    search_fields = ["number"]
    raw_id_fields = ["unit", "handler", "finding", "created_by"]
    readonly_fields = ["answer_due", "finding"]
