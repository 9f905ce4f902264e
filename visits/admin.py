from django.contrib import admin

from accountability.admin import JurisdictionScopedAdmin
from visits.models import ResearchTrip, StationedDay, Visit


@admin.register(Visit)
class VisitAdmin(JurisdictionScopedAdmin):
    list_display = ["on", "official", "household", "kind", "follow_up_due"]
    list_filter = ["kind", "on"]
    list_select_related = ["official", "household"]
    raw_id_fields = ["official", "household", "entered_by"]
    date_hierarchy = "on"


@admin.register(ResearchTrip)
class ResearchTripAdmin(JurisdictionScopedAdmin):
    list_display = ["on", "official", "unit", "topic"]
    list_select_related = ["official", "unit"]
    raw_id_fields = ["official", "unit", "entered_by"]


@admin.register(StationedDay)
class StationedDayAdmin(JurisdictionScopedAdmin):
    list_display = ["on", "official", "village", "source"]
    list_filter = ["source"]
    list_select_related = ["official", "village"]
    raw_id_fields = ["official", "village", "entered_by"]
