from __future__ import annotations

from rest_framework import serializers

from accountability.models import AdminUnit, ImportJob


class AdminUnitSerializer(serializers.ModelSerializer):
    level_display = serializers.CharField(source="get_level_display", read_only=True)
    parent = serializers.CharField(source="parent_id", read_only=True, allow_null=True)

    class Meta:
        model = AdminUnit
        fields = [
            "code",
            "name",
            "level",
            "level_display",
            "parent",
            "is_poor_village",
            "planned_exit_year",
            "exit_year",
        ]


class ImportJobSerializer(serializers.ModelSerializer):
    created_by = serializers.CharField(source="created_by.username", read_only=True)

    class Meta:
        model = ImportJob
        fields = [
            "id",
            "kind",
            "file_name",
            "sha256",
            "size",
            "created_by",
            "created_at",
            "finished_at",
            "strict",
            "status",
            "message",
            "total_rows",
            "new_rows",
            "changed_rows",
            "unchanged_rows",
            "invalid_rows",
            "written_rows",
            "errors",
        ]
        read_only_fields = fields
