from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import action, api_view, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from accountability import selectors
from accountability.api.base import ScopedReadOnlyViewSet
from accountability.api.serializers import AdminUnitSerializer, ImportJobSerializer
from accountability.health import system_status
from accountability.models import AdminUnit, ImportJob


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
            unit = AdminUnit.objects.filter(code=params["within"]).first()
            queryset = queryset.within(unit) if unit else queryset.none()
        if params.get("q"):
            text = params["q"].strip()
            queryset = (
                queryset.filter(code__startswith=text)
                if text.isdigit()
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
    """Database, Redis, Celery worker and beat status (no personal data; for load balancers)."""
    status = system_status()
    return Response(status, status=200 if status["ok"] else 503)
