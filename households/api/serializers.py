from __future__ import annotations

from rest_framework import serializers

from accountability.access.personal_data import can_see_personal_data, id_number_for
from households.models import Household, Member, VerificationFinding


class MemberSerializer(serializers.ModelSerializer):
    """ID numbers and health are personal data: masked or hidden for roles without the right."""

    id_number = serializers.SerializerMethodField()
    health = serializers.SerializerMethodField()

    class Meta:
        model = Member
        fields = [
            "id",
            "name",
            "id_number",
            "relation",
            "sex",
            "ethnicity",
            "education",
            "schooling",
            "health",
            "labour_skill",
            "employment",
            "active",
            "left_reason",
            "left_date",
        ]

    def get_id_number(self, member) -> str:
        return id_number_for(self.context["request"].user, member.id_number)

    def get_health(self, member) -> str | None:
        return member.health if can_see_personal_data(self.context["request"].user) else None


class HouseholdSerializer(serializers.ModelSerializer):
    village = serializers.CharField(source="village_id", read_only=True)
    four_haves_complete = serializers.BooleanField(read_only=True)

    class Meta:
        model = Household
        fields = [
            "id",
            "number",
            "village",
            "head_name",
            "attribute",
            "main_cause",
            "other_causes",
            "income_per_capita",
            "identified_year",
            "status",
            "exit_year",
            "member_count",
            "has_handbook",
            "has_exit_certificate",
            "four_haves_complete",
        ]


class HouseholdDetailSerializer(HouseholdSerializer):
    members = MemberSerializer(many=True, read_only=True)

    class Meta(HouseholdSerializer.Meta):
        fields = [
            *HouseholdSerializer.Meta.fields,
            "income_sources",
            "food_clothing_secure",
            "compulsory_education_secure",
            "basic_medical_secure",
            "housing_safe",
            "drinking_water_safe",
            "members",
        ]


class FindingSerializer(serializers.ModelSerializer):
    village = serializers.CharField(source="village_id", read_only=True)
    household_number = serializers.CharField(source="household.number", read_only=True, allow_null=True)

    class Meta:
        model = VerificationFinding
        fields = [
            "id",
            "village",
            "household",
            "household_number",
            "kind",
            "source",
            "found_date",
            "assessment_year",
            "persons_affected",
            "status",
            "note",
        ]
