from __future__ import annotations

from rest_framework import serializers

from accountability.models import (
    AdminUnit,
    HelpingUnitPairing,
    ImportJob,
    Official,
    Organisation,
    Post,
    ResponsibilityAssignment,
)
from accountability.personal_data import id_number_for, mobile_for, text_for
from accountability.scoping import visible_to


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

    def to_representation(self, instance):
        """Messages quote the cells they fault (ID numbers among them): masked for readers without
        the personal-data right."""
        data = super().to_representation(instance)
        user = self.context["request"].user
        data["message"] = text_for(user, data["message"])
        data["errors"] = [{**error, "message": text_for(user, error["message"])} for error in data["errors"]]
        return data


class OrganisationSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    unit = serializers.CharField(source="unit_id", read_only=True)

    class Meta:
        model = Organisation
        fields = ["id", "name", "kind", "kind_display", "department", "unit"]


class OfficialSerializer(serializers.ModelSerializer):
    """ID and mobile numbers are masked unless the caller may see personal data."""

    organisation = serializers.CharField(source="organisation.name", read_only=True)
    organisation_id = serializers.IntegerField(read_only=True)
    id_number = serializers.SerializerMethodField()
    mobile = serializers.SerializerMethodField()

    class Meta:
        model = Official
        fields = [
            "id",
            "name",
            "id_number",
            "mobile",
            "organisation",
            "organisation_id",
            "title",
            "cadre_level",
        ]

    def get_id_number(self, official) -> str:
        return id_number_for(self.context["request"].user, official.id_number)

    def get_mobile(self, official) -> str:
        return mobile_for(self.context["request"].user, official.mobile)


class AssignmentSerializer(serializers.ModelSerializer):
    official_name = serializers.CharField(source="official.name", read_only=True)
    post_display = serializers.CharField(source="get_post_display", read_only=True)
    responsibility = serializers.CharField(source="responsibility_label", read_only=True)
    scope_unit = serializers.CharField(source="scope_unit_id", read_only=True)

    class Meta:
        model = ResponsibilityAssignment
        fields = [
            "id",
            "official",
            "official_name",
            "scope_unit",
            "post",
            "post_display",
            "responsibility",
            "valid_from",
            "valid_to",
            "note",
        ]
        read_only_fields = fields


class ScopedChoices:
    """Foreign keys offered to a writer are limited to what the writer may see."""

    def scoped(self, queryset):
        return visible_to(queryset, self.context["request"].user)


class AssignmentCreateSerializer(ScopedChoices, serializers.Serializer):
    official = serializers.IntegerField()
    scope_unit = serializers.CharField(max_length=12)
    post = serializers.ChoiceField(choices=Post.choices)
    valid_from = serializers.DateField()
    valid_to = serializers.DateField(required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, max_length=200)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=200)

    def validate_official(self, value):
        official = self.scoped(Official.objects.all()).filter(pk=value).first()
        if official is None:
            raise serializers.ValidationError("干部不存在或不在您的管辖范围内")
        return official

    def validate_scope_unit(self, value):
        unit = self.scoped(AdminUnit.objects.all()).filter(code=value).first()
        if unit is None:
            raise serializers.ValidationError("单位不存在或不在您的管辖范围内")
        return unit


class HandoverSerializer(ScopedChoices, serializers.Serializer):
    scope_unit = serializers.CharField(max_length=12)
    post = serializers.ChoiceField(choices=Post.choices)
    successor = serializers.IntegerField()
    on = serializers.DateField()
    reason = serializers.CharField(required=False, allow_blank=True, max_length=200)

    validate_scope_unit = AssignmentCreateSerializer.validate_scope_unit

    def validate_successor(self, value):
        return AssignmentCreateSerializer.validate_official(self, value)


class PairingSerializer(serializers.ModelSerializer):
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    village = serializers.CharField(source="village_id", read_only=True)
    village_name = serializers.CharField(source="village.name", read_only=True)

    class Meta:
        model = HelpingUnitPairing
        fields = [
            "id",
            "organisation",
            "organisation_name",
            "village",
            "village_name",
            "valid_from",
            "valid_to",
        ]
        read_only_fields = fields


class GapSerializer(serializers.Serializer):
    unit_code = serializers.CharField()
    unit_name = serializers.CharField()
    level = serializers.CharField()
    missing = serializers.CharField()
    missing_label = serializers.CharField()
