"""API of import jobs (read)."""

from __future__ import annotations

from rest_framework import serializers

from accountability.access.personal_data import text_for
from accountability.api.base import ScopedReadOnlyViewSet
from accountability.importing.selectors import import_jobs_visible_to
from accountability.models import (
    ImportJob,
)


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

    def to_representation(self, instance):
        """Messages quote the cells they fault (ID numbers among them): masked for readers without
        the personal-data right."""
        data = super().to_representation(instance)
        user = self.context["request"].user
        data["message"] = text_for(user, data["message"])
        data["errors"] = [{**error, "message": text_for(user, error["message"])} for error in data["errors"]]
        return data


class ImportJobViewSet(ScopedReadOnlyViewSet):
    """Import records (who imported which file, when, with what result)."""

    queryset = ImportJob.objects.select_related("created_by")
    serializer_class = ImportJobSerializer

    def get_queryset(self):
        return import_jobs_visible_to(self.request.user)
