from django.contrib import admin

from accountability.admin import JurisdictionScopedAdmin
from assessment.models import (
    AssessmentResult,
    AssessmentRound,
    EnteredValue,
    Indicator,
    IndicatorSystem,
    QuarterlyScore,
    RoundStep,
    SampleHousehold,
)


class IndicatorInline(admin.TabularInline):
    model = Indicator
    extra = 0
    fields = [
        "order",
        "code",
        "dimension",
        "label",
        "points",
        "source",
        "metric",
        "full_at",
        "zero_at",
        "missing_value",
    ]


@admin.register(IndicatorSystem)
class IndicatorSystemAdmin(JurisdictionScopedAdmin):
    list_display = ["name", "jurisdiction", "effective_from", "no_source_rule", "sample_percent"]
    raw_id_fields = ["jurisdiction"]
    inlines = [IndicatorInline]


class RoundStepInline(admin.TabularInline):
    model = RoundStep
    extra = 0
    fields = ["order", "label", "due", "done_on", "note"]
    readonly_fields = ["order", "label", "due", "done_on"]
    can_delete = False


@admin.register(AssessmentRound)
class AssessmentRoundAdmin(JurisdictionScopedAdmin):
    list_display = ["year", "unit", "system", "status", "cutoff"]
    list_select_related = ["unit", "system"]
    readonly_fields = ["seed", "system", "cutoff"]
    raw_id_fields = ["unit", "created_by"]
    inlines = [RoundStepInline]


@admin.register(SampleHousehold)
class SampleHouseholdAdmin(JurisdictionScopedAdmin):
    list_display = ["round", "number", "head_name", "village", "status_label", "stratum", "verdict"]
    list_select_related = ["round", "village"]
    list_filter = ["verdict"]
    raw_id_fields = ["round", "village"]


@admin.register(EnteredValue)
class EnteredValueAdmin(JurisdictionScopedAdmin):
    list_display = ["round", "subject", "indicator_code", "value"]
    list_select_related = ["round", "subject"]
    raw_id_fields = ["round", "subject"]


@admin.register(AssessmentResult)
class AssessmentResultAdmin(JurisdictionScopedAdmin):
    list_display = ["round", "version", "computed_at", "computed_by"]
    list_select_related = ["round", "computed_by"]
    readonly_fields = ["round", "version", "inputs_digest", "inputs", "rows", "changes", "computed_by"]

    def has_add_permission(self, request):
        return False


@admin.register(QuarterlyScore)
class QuarterlyScoreAdmin(JurisdictionScopedAdmin):
    list_display = ["village", "year", "quarter", "score"]
    list_filter = ["year", "quarter"]
    raw_id_fields = ["village"]
