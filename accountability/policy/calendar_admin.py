"""Admin of the working-day calendar: administrators extend it when the State Council publishes the
next year's holidays (import a spreadsheet of the year's days through django-import-export; export a
known year as the template). Every change is in the history (pghistory)."""

from __future__ import annotations

from django.contrib import admin
from import_export import resources
from import_export.admin import ImportExportModelAdmin

from accountability.policy.calendar import CalendarDay


class CalendarDayResource(resources.ModelResource):
    class Meta:
        model = CalendarDay
        import_id_fields = ("day",)
        fields = ("day", "working", "name", "source")
        skip_unchanged = True
        report_skipped = False


@admin.register(CalendarDay)
class CalendarDayAdmin(ImportExportModelAdmin):
    resource_classes = [CalendarDayResource]
    list_display = ["day", "working", "name", "source"]
    list_filter = ["working", "source"]
    search_fields = ["name"]
    date_hierarchy = "day"
    ordering = ["-day"]

    def has_delete_permission(self, request, obj=None):
        return False  # a known year must stay complete: correct a day, never remove it
