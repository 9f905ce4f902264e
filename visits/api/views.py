from __future__ import annotations

from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.response import Response

from accountability.api.base import JurisdictionScopedMixin, ScopedReadOnlyViewSet, query_day
from accountability.models import AdminUnit
from accountability.platform.validators import validate_record_date
from accountability.responsibility.selectors import OFFICIAL_NOT_FOUND
from households.selectors import HOUSEHOLD_NOT_FOUND, households_in_jurisdiction
from visits import selectors, services
from visits.models import ResearchTrip, StationedDay, Visit, VisitCheck, VisitKind


class VisitSerializer(serializers.ModelSerializer):
    official_name = serializers.CharField(source="official.name", read_only=True)
    household_number = serializers.CharField(source="household.number", read_only=True)

    class Meta:
        model = Visit
        fields = [
            "id",
            "official",
            "official_name",
            "household",
            "household_number",
            "on",
            "kind",
            "checked",
            "problems",
            "follow_up",
            "follow_up_due",
            "created_at",
        ]
        read_only_fields = ["id", "created_at"]


class VisitCreateSerializer(serializers.Serializer):
    official = serializers.IntegerField(
        required=False, min_value=1, max_value=2**63 - 1, help_text="走访人（干部 id）；省略为本人"
    )
    household = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    on = serializers.DateField(required=False)
    kind = serializers.ChoiceField(choices=VisitKind.choices, default=VisitKind.HOME)
    checked = serializers.ListField(child=serializers.ChoiceField(choices=VisitCheck.choices), default=list)
    problems = serializers.CharField(required=False, allow_blank=True, default="")
    follow_up = serializers.CharField(required=False, allow_blank=True, default="")
    follow_up_due = serializers.DateField(
        required=False, allow_null=True, default=None, validators=[validate_record_date]
    )


class VisitViewSet(JurisdictionScopedMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Visit logs of the caller's jurisdiction; POST records one (the same service as the phone form)."""

    queryset = Visit.objects.select_related("official", "household")
    serializer_class = VisitSerializer

    @extend_schema(request=VisitCreateSerializer, responses={201: VisitSerializer})
    def create(self, request, *args, **kwargs):
        data = VisitCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        official_id = values.pop("official", None)
        on = values.pop("on", None) or timezone.localdate()
        own = services.own_official(request.user)
        if official_id is None and own is None:
            raise serializers.ValidationError({"official": "请指定走访人"})
        # the official's own entry: one of his households that day (the form's rule); a clerk's: a
        # household of the clerk's jurisdiction and a visitor the clerk may name for it
        # (selectors.visitor_for). Anything else answers 404 like an unknown id (no existence oracle).
        own_entry = own is not None and official_id in (None, own.pk)
        households = (
            selectors.households_of_official(own, on)
            if own_entry
            else households_in_jurisdiction(request.user)
        )
        household = households.filter(pk=values.pop("household")).first()
        if household is None:
            raise Http404(HOUSEHOLD_NOT_FOUND)
        official = own if own_entry else selectors.visitor_for(request.user, household, on, pk=official_id)
        if official is None:
            raise Http404(OFFICIAL_NOT_FOUND)
        visit = services.visit_create(
            actor=request.user, official=official, household=household, on=on, **values
        )
        return Response(VisitSerializer(visit).data, status=201)


class TripSerializer(serializers.ModelSerializer):
    class Meta:
        model = ResearchTrip
        fields = ["id", "official", "on", "unit", "topic", "findings"]


class TripViewSet(ScopedReadOnlyViewSet):
    """Research trips (专题调研) to units of the caller's jurisdiction."""

    queryset = ResearchTrip.objects.select_related("official", "unit")
    serializer_class = TripSerializer


class StationedDaySerializer(serializers.ModelSerializer):
    class Meta:
        model = StationedDay
        fields = ["id", "official", "village", "on", "source"]


class StationedDayViewSet(ScopedReadOnlyViewSet):
    """Stationed days (驻村考勤) in villages of the caller's jurisdiction."""

    queryset = StationedDay.objects.select_related("official", "village")
    serializer_class = StationedDaySerializer


class ComplianceSerializer(serializers.Serializer):
    quota = serializers.CharField(source="row.quota_code")
    quota_label = serializers.CharField(source="row.quota_label")
    official = serializers.IntegerField(source="official.pk")
    official_name = serializers.CharField(source="official.name")
    post = serializers.CharField(source="row.post")
    unit = serializers.CharField(source="unit.code")
    period_start = serializers.DateField(source="row.period.start")
    period_end = serializers.DateField(source="row.period.end")
    held_from = serializers.DateField(source="row.held.start")
    held_to = serializers.DateField(source="row.held.end")
    required = serializers.IntegerField(source="row.required")
    done = serializers.IntegerField(source="row.done")
    status = serializers.CharField(source="row.status")


class ComplianceViewSet(JurisdictionScopedMixin, viewsets.GenericViewSet):
    """Quota compliance of the officials holding posts in the caller's jurisdiction (set-based)."""

    queryset = AdminUnit.objects.all()
    serializer_class = ComplianceSerializer
    pagination_class = None

    @extend_schema(
        parameters=[
            OpenApiParameter("on", str, description="考核日期 YYYY-MM-DD：取包含该日的考核期，默认今天"),
            OpenApiParameter("unit", str, description="单位代码：只看该单位"),
            OpenApiParameter("quota", str, description="指标编号，如 Q-7"),
        ]
    )
    def list(self, request):
        today = timezone.localdate()
        views = selectors.compliance_of(
            request.user,
            on=query_day(request) or today,
            today=today,
            unit_code=request.query_params.get("unit", ""),
            quota=request.query_params.get("quota", ""),
        )
        return Response(ComplianceSerializer(views, many=True).data)
