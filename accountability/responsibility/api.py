"""API of organisations, officials, assignments (with handover) and helping-unit pairings."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from accountability.access.audit import audit_record_unmasking
from accountability.access.personal_data import id_number_for, mobile_for
from accountability.access.scoping import visible_to
from accountability.api.base import ScopedReadOnlyViewSet, query_day, query_int
from accountability.models import (
    AdminUnit,
    HelpingUnitPairing,
    Official,
    Organisation,
    Post,
    ResponsibilityAssignment,
)
from accountability.responsibility.selectors import search_officials_in
from accountability.responsibility.services import assignment_create, assignment_handover


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


class OrganisationViewSet(ScopedReadOnlyViewSet):
    queryset = Organisation.objects.select_related("unit").order_by("unit_id", "name")
    serializer_class = OrganisationSerializer


class OfficialViewSet(ScopedReadOnlyViewSet):
    """Officials of the caller's jurisdiction (and those holding posts in it)."""

    queryset = Official.objects.select_related("organisation").order_by("name", "pk")
    serializer_class = OfficialSerializer

    @extend_schema(parameters=[OpenApiParameter("q", str, description="姓名、单位、职务或手机号")])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def retrieve(self, request, *args, **kwargs):
        response = super().retrieve(request, *args, **kwargs)
        audit_record_unmasking(request=request, subject=f"official:{kwargs['pk']}")  # an audit event
        return response

    def get_queryset(self):
        queryset = super().get_queryset()
        text = self.request.query_params.get("q", "").strip()
        return search_officials_in(queryset, text, self.request.user) if text else queryset


class AssignmentViewSet(ScopedReadOnlyViewSet):
    """Responsibility assignments: who held which post for which unit, when.

    ``?post=&unit=&on=`` answers "who held post P for unit U on date D".
    """

    queryset = ResponsibilityAssignment.objects.select_related("official").order_by(
        "scope_unit_id", "post", "-valid_from"
    )
    serializer_class = AssignmentSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("post", str, enum=[p.value for p in Post]),
            OpenApiParameter("unit", str, description="责任范围代码"),
            OpenApiParameter("official", int),
            OpenApiParameter("on", str, description="在该日期在任 (YYYY-MM-DD)"),
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        queryset = super().get_queryset()
        params = self.request.query_params
        if params.get("post"):
            queryset = queryset.filter(post=params["post"])
        if params.get("unit"):
            queryset = queryset.filter(scope_unit_id=params["unit"])
        official = query_int(self.request, "official")
        if official:
            queryset = queryset.filter(official_id=official)
        on = query_day(self.request)
        if on:
            queryset = queryset.active_on(on)
        return queryset

    @extend_schema(request=AssignmentCreateSerializer, responses={201: AssignmentSerializer})
    def create(self, request):
        data = self.validated(AssignmentCreateSerializer)
        assignment = assignment_create(actor=request.user, **data)
        return Response(AssignmentSerializer(assignment, context={"request": request}).data, status=201)

    @extend_schema(request=HandoverSerializer, responses={201: AssignmentSerializer})
    @action(detail=False, methods=["post"])
    def handover(self, request):
        """The successor takes the post from ``on``; the holder until then stops the day before."""
        data = self.validated(HandoverSerializer)
        assignment = assignment_handover(actor=request.user, **data)
        return Response(AssignmentSerializer(assignment, context={"request": request}).data, status=201)

    def validated(self, serializer_class) -> dict:
        serializer = serializer_class(data=self.request.data, context={"request": self.request})
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data


class PairingViewSet(ScopedReadOnlyViewSet):
    """Helping units paired with villages (单位包村)."""

    queryset = HelpingUnitPairing.objects.select_related("organisation", "village").order_by("village_id")
    serializer_class = PairingSerializer
