from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import action, api_view, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from accountability import selectors, services
from accountability.api.base import ScopedReadOnlyViewSet, query_day, query_int
from accountability.api.serializers import (
    AdminUnitSerializer,
    AssignmentCreateSerializer,
    AssignmentSerializer,
    GapSerializer,
    HandoverSerializer,
    ImportJobSerializer,
    OfficialSerializer,
    OrganisationSerializer,
    PairingSerializer,
)
from accountability.audit import record_unmasking
from accountability.health import status_for
from accountability.models import (
    AdminUnit,
    HelpingUnitPairing,
    ImportJob,
    Official,
    Organisation,
    Post,
    ResponsibilityAssignment,
)


class AdminUnitViewSet(ScopedReadOnlyViewSet):
    """The administrative hierarchy (行政区划) within the caller's jurisdiction."""

    queryset = AdminUnit.objects.order_by("code")
    serializer_class = AdminUnitSerializer
    lookup_field = "code"

    @extend_schema(
        parameters=[
            OpenApiParameter("parent", str, description="上级代码：只列出其直接下级"),
            OpenApiParameter("level", str, enum=["city", "county", "township", "village"]),
            OpenApiParameter("within", str, description="某单位代码：列出该单位及全部下级"),
            OpenApiParameter("q", str, description="名称包含，或代码前缀"),
            OpenApiParameter("poor", bool, description="只列贫困村"),
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        queryset = super().get_queryset()
        params = self.request.query_params
        if params.get("parent"):
            queryset = queryset.filter(parent_id=params["parent"])
        if params.get("level"):
            queryset = queryset.filter(level=params["level"])
        if params.get("within"):
            unit = selectors.unit_by_code_for(self.request.user, params["within"])
            queryset = queryset.within(unit) if unit else queryset.none()
        if params.get("q"):
            text = params["q"].strip()
            queryset = (
                queryset.filter(code__startswith=text)
                if text.isascii() and text.isdigit()
                else queryset.filter(name__contains=text)
            )
        if params.get("poor") in {"1", "true", "yes"}:
            queryset = queryset.filter(is_poor_village=True)
        return queryset

    @action(detail=True)
    def children(self, request, code=None):
        unit = self.get_object()
        children = self.get_queryset().filter(parent=unit)
        return Response(self.get_serializer(children, many=True).data)

    @extend_schema(
        parameters=[OpenApiParameter("on", str, description="日期 YYYY-MM-DD，默认今天")],
        responses=GapSerializer(many=True),
    )
    @action(detail=False)
    def gaps(self, request):
        """Units missing a required post (or a poor village without a helping unit) on a date."""
        on = query_day(request) or timezone.localdate()
        return Response(GapSerializer(selectors.responsibility_gaps(request.user, on), many=True).data)


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
        record_unmasking(request=request, subject=f"official:{kwargs['pk']}")  # an audit event
        return response

    def get_queryset(self):
        queryset = super().get_queryset()
        text = self.request.query_params.get("q", "").strip()
        return selectors.search_officials_in(queryset, text, self.request.user) if text else queryset


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
        assignment = services.assignment_create(actor=request.user, **data)
        return Response(AssignmentSerializer(assignment, context={"request": request}).data, status=201)

    @extend_schema(request=HandoverSerializer, responses={201: AssignmentSerializer})
    @action(detail=False, methods=["post"])
    def handover(self, request):
        """The successor takes the post from ``on``; the holder until then stops the day before."""
        data = self.validated(HandoverSerializer)
        assignment = services.handover(actor=request.user, **data)
        return Response(AssignmentSerializer(assignment, context={"request": request}).data, status=201)

    def validated(self, serializer_class) -> dict:
        serializer = serializer_class(data=self.request.data, context={"request": self.request})
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data


class PairingViewSet(ScopedReadOnlyViewSet):
    """Helping units paired with villages (单位包村)."""

    queryset = HelpingUnitPairing.objects.select_related("organisation", "village").order_by("village_id")
    serializer_class = PairingSerializer


class ImportJobViewSet(ScopedReadOnlyViewSet):
    """Import records (who imported which file, when, with what result)."""

    queryset = ImportJob.objects.select_related("created_by")
    serializer_class = ImportJobSerializer

    def get_queryset(self):
        return selectors.import_jobs_visible_to(self.request.user)


@extend_schema(
    responses=inline_serializer(
        "HealthStatus",
        {
            "ok": serializers.BooleanField(),
            "checks": serializers.ListField(child=serializers.DictField()),
            "last_worker_heartbeat": serializers.CharField(allow_null=True),
            "time": serializers.DateTimeField(),
        },
    )
)
@api_view(["GET"])
@permission_classes([AllowAny])
def health(request):
    """Database, Redis, Celery worker and beat: up/down for everyone (load balancers); versions,
    worker host names and heartbeat times for staff only."""
    status = status_for(request.user)
    return Response(status, status=200 if status["ok"] else 503)
