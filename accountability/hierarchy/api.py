"""API of units: the tree, a unit's children and its responsibility gaps."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from accountability.api.base import ScopedReadOnlyViewSet, query_day
from accountability.hierarchy.selectors import unit_by_code_for
from accountability.models import (
    AdminUnit,
)
from accountability.responsibility.api import (
    GapSerializer,
)
from accountability.responsibility.selectors import responsibility_gaps


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
            unit = unit_by_code_for(self.request.user, params["within"])
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
    @action(detail=False, pagination_class=None)  # the whole list, as the schema says
    def gaps(self, request):
        """Units missing a required post (or a poor village without a helping unit) on a date."""
        on = query_day(request) or timezone.localdate()
        return Response(GapSerializer(responsibility_gaps(request.user, on), many=True).data)
