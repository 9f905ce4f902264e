from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accountability.access.audit import audit_record_unmasking
from accountability.api.base import JurisdictionScopedMixin, ScopedReadOnlyViewSet, query_year
from accountability.models import AdminUnit
from households import selectors, services
from households.api.serializers import FindingSerializer, HouseholdDetailSerializer, HouseholdSerializer
from households.models import Household, ProcedureStep, VerificationFinding
from households.procedures import Procedure


class StepSerializer(serializers.Serializer):
    procedure = serializers.ChoiceField(choices=Procedure.choices)
    step = serializers.CharField(max_length=40)
    on = serializers.DateField(required=False)
    reason = serializers.CharField(required=False, allow_blank=True)
    documents = serializers.CharField(required=False, allow_blank=True)


class StepResultSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProcedureStep
        fields = ["id", "procedure", "run", "step", "on", "reason", "notice_until", "objection_open"]


class HouseholdViewSet(ScopedReadOnlyViewSet):
    """Registered households (建档立卡户) of the caller's jurisdiction, with the list page's filters."""

    queryset = Household.objects.select_related("village")

    @extend_schema(
        parameters=[
            OpenApiParameter("village", str, description="单位代码：该单位及下级的户"),
            OpenApiParameter("status", str),
            OpenApiParameter("attribute", str),
            OpenApiParameter("cause", str),
            OpenApiParameter("cadre", int, description="帮扶责任人（干部 id）"),
            OpenApiParameter("missing", str, description="1：只列四有不全的户"),
            OpenApiParameter("q", str, description="户主姓名或户编号"),
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def retrieve(self, request, *args, **kwargs):
        response = super().retrieve(request, *args, **kwargs)
        audit_record_unmasking(request=request, subject=f"household:{kwargs['pk']}")  # an audit event
        return response

    def get_queryset(self):
        # the selector applies the same jurisdiction scoping (visible_to) as the base class
        households = selectors.households_visible_to(
            self.request.user,
            selectors.HouseholdFilters.from_params(self.request.query_params),
            timezone.localdate(),
        )
        if self.action == "retrieve":
            households = households.prefetch_related("members")
        return households

    def get_serializer_class(self):
        return HouseholdDetailSerializer if self.action == "retrieve" else HouseholdSerializer

    @extend_schema(request=StepSerializer, responses={201: StepResultSerializer})
    @action(detail=True, methods=["post"])
    def steps(self, request, pk=None):
        """Take the next step of a procedure (the same service as the household page)."""
        household = self.get_object()
        data = StepSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        event = services.procedure_step_take(actor=request.user, household=household, **data.validated_data)
        return Response(StepResultSerializer(event).data, status=201)


class FindingViewSet(ScopedReadOnlyViewSet):
    """Verification findings (核查结果); only confirmed ones count in the accountability rules."""

    queryset = VerificationFinding.objects.select_related("household").order_by("-found_date", "pk")
    serializer_class = FindingSerializer


class PoorVillageSerializer(serializers.Serializer):
    code = serializers.CharField(source="village.code")
    name = serializers.CharField(source="village.name")
    township = serializers.CharField(source="village.parent.name")
    planned_exit_year = serializers.IntegerField(source="village.planned_exit_year", allow_null=True)
    exit_year = serializers.IntegerField(source="village.exit_year", allow_null=True)
    rural_population = serializers.IntegerField(source="village.rural_population", allow_null=True)
    poor_households = serializers.IntegerField()
    poor_persons = serializers.IntegerField()
    incidence_percent = serializers.DecimalField(
        source="incidence", max_digits=7, decimal_places=2, allow_null=True
    )
    state = serializers.CharField(source="verdict.state")
    state_label = serializers.CharField(source="verdict.label")
    meets_exit_standard = serializers.BooleanField(source="verdict.meets_standard", allow_null=True)
    below_incidence_limit = serializers.BooleanField(source="verdict.below_limit", allow_null=True)
    groups_remediated_on = serializers.DateField(source="village.groups_remediated_on", allow_null=True)


class PoorVillageViewSet(JurisdictionScopedMixin, viewsets.GenericViewSet):
    """Poor villages with registered poor at the end of ``year``, poverty incidence (S-6) and exit
    verdict (S-7, late exits for E-8/E-9); the page's selector, scoped to the caller."""

    queryset = AdminUnit.objects.villages().filter(is_poor_village=True)
    serializer_class = PoorVillageSerializer
    pagination_class = None

    @extend_schema(parameters=[OpenApiParameter("year", int, description="年度（年末口径），默认今年")])
    def list(self, request):
        year = query_year(request) or timezone.localdate().year
        rows = selectors.poor_villages(request.user, year)
        return Response(PoorVillageSerializer(rows, many=True).data)
