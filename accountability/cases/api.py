"""API of alerts, accountability cases and rule runs: the same selectors and services as the pages."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from accountability.api.base import ScopedReadOnlyViewSet
from accountability.cases import selectors
from accountability.cases import services as case_services
from accountability.cases.rules import STEP_LABELS
from accountability.cases.situations import AccountabilityForm, FaultTolerance, Severity
from accountability.hierarchy.selectors import unit_for
from accountability.models import AccountabilityCase, Alert, CaseEvent, Transfer
from accountability.policy.sources import SourceLevel
from accountability.responsibility.selectors import official_for


class AlertSerializer(serializers.ModelSerializer):
    class Meta:
        model = Alert
        fields = [
            "id", "rule_code", "rule_label", "unit", "official", "organisation", "period", "year", "value",
            "threshold", "measure", "numerator", "denominator", "evidence", "targets", "action", "severity",
            "status", "created_at", "updated_at",
        ]  # fmt: skip


class CaseEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = CaseEvent
        fields = ["step", "on", "actor", "reason", "documents"]


class CaseSerializer(serializers.ModelSerializer):
    steps = CaseEventSerializer(many=True, read_only=True)

    class Meta:
        model = AccountabilityCase
        fields = [
            "id", "origin", "alert", "source_reference", "unit", "official", "situation", "facts",
            "evidence", "severity", "proposed_forms", "authority_level", "status", "decided_forms",
            "decision", "decided_on", "transfer", "exemption_reason", "executed_on",
            "award_ineligible_year", "appraisal", "veto_year", "steps",
            "organisation", "grounds", "year", "source_level", "serious_influence", "fault_tolerance",
        ]  # fmt: skip
        read_only_fields = fields


class CaseOpenSerializer(serializers.Serializer):
    unit = serializers.CharField(max_length=12)
    official = serializers.IntegerField(required=False, allow_null=True)
    situation = serializers.CharField(max_length=20)
    facts = serializers.CharField()
    evidence = serializers.CharField(required=False, allow_blank=True, default="")
    severity = serializers.ChoiceField(choices=Severity.choices)
    origin = serializers.ChoiceField(
        choices=[("manual", "manual"), ("inspection", "inspection")], default="manual"
    )
    source_reference = serializers.CharField(required=False, allow_blank=True, default="")
    year = serializers.IntegerField(required=False, allow_null=True, min_value=2000, max_value=2100)
    source_level = serializers.ChoiceField(
        choices=SourceLevel.choices, required=False, allow_blank=True, default=""
    )
    serious_influence = serializers.BooleanField(required=False, default=False)


class AlertCasesSerializer(serializers.Serializer):
    source_level = serializers.ChoiceField(
        choices=SourceLevel.choices, required=False, allow_blank=True, default=""
    )
    serious_influence = serializers.BooleanField(required=False, default=False)


class CaseStepSerializer(serializers.Serializer):
    step = serializers.ChoiceField(choices=[s for s in STEP_LABELS if s != "open"])
    on = serializers.DateField(required=False)
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    documents = serializers.CharField(required=False, allow_blank=True, default="")
    forms = serializers.ListField(
        child=serializers.ChoiceField(choices=AccountabilityForm.choices), required=False
    )
    transfer = serializers.ChoiceField(choices=Transfer.choices, required=False, default="")
    fault_tolerance = serializers.ChoiceField(
        choices=[FaultTolerance.LIGHTER, FaultTolerance.REDUCED], required=False, allow_blank=True, default=""
    )


class CaseViewSet(ScopedReadOnlyViewSet):
    """Accountability cases; POST opens one by hand, ``steps`` takes the next step of the workflow."""

    queryset = AccountabilityCase.objects.select_related("unit", "official").prefetch_related("steps")
    serializer_class = CaseSerializer

    @extend_schema(request=CaseOpenSerializer, responses={201: CaseSerializer})
    def create(self, request):
        data = CaseOpenSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        # 404 for a unit or official outside the jurisdiction, as for an unknown one (no oracle)
        unit = unit_for(request.user, values.pop("unit"))
        official_id = values.pop("official", None)
        official = official_for(request.user, official_id) if official_id else None
        case = case_services.case_open(actor=request.user, unit=unit, official=official, **values)
        return Response(CaseSerializer(case).data, status=201)

    @extend_schema(request=CaseStepSerializer, responses={200: CaseSerializer})
    @action(detail=True, methods=["post"])
    def steps(self, request, pk=None):
        data = CaseStepSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        case = case_services.case_step(actor=request.user, case=self.get_object(), **data.validated_data)
        return Response(CaseSerializer(case).data)


class CaseListSerializer(serializers.ListSerializer):
    child = CaseSerializer()


class AlertViewSet(ScopedReadOnlyViewSet):
    """Alerts of the caller's jurisdiction with their evidence and named targets."""

    queryset = Alert.objects.select_related("unit")
    serializer_class = AlertSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("year", int),
            OpenApiParameter("rule", str, description="如 E-1、Q-7"),
            OpenApiParameter("unit", str, description="单位代码：该单位及下级"),
            OpenApiParameter("status", str),
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        # the selector applies the same scoping (visible_to) as the base class
        return selectors.alerts_visible_to(
            self.request.user, selectors.AlertFilters.from_params(self.request.query_params)
        )

    @extend_schema(request=AlertCasesSerializer, responses={201: CaseListSerializer})
    @action(detail=True, methods=["post"])
    def cases(self, request, pk=None):
        """Open a case per official the alert names (once each, every ground listed) and one per unit
        consequence (one-vote veto, a helping unit's loss of award eligibility)."""
        data = AlertCasesSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        opened = case_services.case_open_from_alert(
            actor=request.user, alert=self.get_object(), **data.validated_data
        )
        return Response(CaseSerializer(opened, many=True).data, status=201)
