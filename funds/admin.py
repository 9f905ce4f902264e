"""Admin of the fund projects: reference tables with import/export (django-import-export),
projects and their steps scoped to the staff user's jurisdiction."""

from __future__ import annotations

from django.contrib import admin
from import_export import resources
from import_export.admin import ImportExportModelAdmin

from accountability.admin import JurisdictionScopedAdmin
from funds.models import (
    Acceptance,
    ArchiveDocument,
    BudgetLine,
    DisbursementRequest,
    FundPlan,
    FundSettings,
    FundSource,
    PerformanceEvaluation,
    Project,
    ProjectCategory,
    ProjectNotice,
    RectificationOrder,
)


def _resource(model_class, key: str = "code"):
    meta = type(
        "Meta",
        (),
        {
            "model": model_class,
            "import_id_fields": (key,),
            "exclude": ("id",),
            "skip_unchanged": True,
            "report_skipped": False,
        },
    )
    return type(f"{model_class.__name__}Resource", (resources.ModelResource,), {"Meta": meta})


@admin.register(ProjectCategory)
class ProjectCategoryAdmin(ImportExportModelAdmin):
    resource_classes = [_resource(ProjectCategory)]
    list_display = ["code", "name", "aliases", "active"]


@admin.register(FundSource)
class FundSourceAdmin(ImportExportModelAdmin):
    resource_classes = [_resource(FundSource)]
    list_display = ["code", "name", "level", "document_number", "year", "active"]
    list_filter = ["level", "active"]


@admin.register(BudgetLine)
class BudgetLineAdmin(ImportExportModelAdmin):
    resource_classes = [_resource(BudgetLine)]
    list_display = ["code", "name", "roster_payment", "active"]


class NoDeleteMixin:
    def has_delete_permission(self, request, obj=None):
        return False  # permanent records (F-15): corrected or superseded, never deleted


@admin.register(Project)
class ProjectAdmin(NoDeleteMixin, JurisdictionScopedAdmin):
    list_display = ["number", "name", "year", "location", "stage", "subsidy"]
    list_filter = ["year", "stage", "use"]
    search_fields = ["number", "name"]
    readonly_fields = ["stage", "content_key", "archive_number"]
    raw_id_fields = ["location", "county", "township", "continuation_of", "fund_plan"]


@admin.register(FundPlan)
class FundPlanAdmin(JurisdictionScopedAdmin):
    list_display = ["year", "name", "county", "issued_on", "approvals_issued_on", "discipline_filed_on"]
    list_filter = ["year"]


@admin.register(ProjectNotice)
class ProjectNoticeAdmin(NoDeleteMixin, JurisdictionScopedAdmin):
    list_display = ["project", "kind", "posted_on"]
    raw_id_fields = ["project"]


@admin.register(DisbursementRequest)
class DisbursementRequestAdmin(NoDeleteMixin, JurisdictionScopedAdmin):
    list_display = ["project", "sequence", "amount", "requested_on", "status", "decided_on"]
    list_filter = ["status"]
    raw_id_fields = ["project"]


@admin.register(RectificationOrder)
class RectificationOrderAdmin(NoDeleteMixin, JurisdictionScopedAdmin):
    list_display = ["project", "reason", "issued_on", "due_on", "outcome", "automatic"]
    list_filter = ["outcome", "reason", "automatic"]
    raw_id_fields = ["project"]


@admin.register(Acceptance)
class AcceptanceAdmin(NoDeleteMixin, JurisdictionScopedAdmin):
    list_display = ["project", "round", "accepted_on", "grade"]
    raw_id_fields = ["project"]


@admin.register(ArchiveDocument)
class ArchiveDocumentAdmin(NoDeleteMixin, JurisdictionScopedAdmin):
    list_display = ["project", "kind", "original_name", "uploaded_at", "superseded_by"]
    list_filter = ["kind"]
    raw_id_fields = ["project", "superseded_by"]


@admin.register(PerformanceEvaluation)
class PerformanceEvaluationAdmin(JurisdictionScopedAdmin):
    list_display = ["county", "year", "started_on", "finished_on", "published_on"]


@admin.register(FundSettings)
class FundSettingsAdmin(JurisdictionScopedAdmin):
    list_display = ["profile", "expert_review_threshold", "completion_audit_threshold", "construction_months"]
