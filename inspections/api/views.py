"""The inspections API: plans, rounds, findings, rectification steps, petitions. Thin: parse, call
the same services and selectors as the pages, serialize. Every lookup is scoped (404 outside)."""

from __future__ import annotations

from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from accountability.api.base import JurisdictionScopedMixin, ScopedReadOnlyViewSet, query_day, query_int
from accountability.hierarchy.selectors import UNIT_NOT_FOUND, unit_by_code_for
from accountability.responsibility.selectors import officials_visible_to
from inspections import reports, selectors, services
from inspections.models import (
    CadreRank,
    Finding,
    FindingSeverity,
    InspectionRound,
    Method,
    Petition,
    PetitionChannel,
    ProblemSource,
    RectificationStep,
    RoundKind,
    Satisfaction,
    Scope,
    SupervisionPlan,
    TransferTo,
)
from inspections.rules import DEADLINE_REASON_MAX

ID = {"min_value": 1, "max_value": 2**63 - 1}


def _unit(user, code: str):
    unit = unit_by_code_for(user, code)
    if unit is None:
        raise Http404(UNIT_NOT_FOUND)
    return unit


def _officials(user, ids):
    ids = list(ids or [])
    found = list(officials_visible_to(user).filter(pk__in=ids))
    if len(found) != len(set(ids)):
        raise Http404("干部不存在或不在您的管辖范围内")
    return found


# --- plans -------------------------------------------------------------------------------------


class SupervisionPlanSerializer(serializers.ModelSerializer):
    class Meta:
        model = SupervisionPlan
        fields = ["id", "unit", "year", "title", "adopted_on"]


class SupervisionPlanCreateSerializer(serializers.Serializer):
    unit = serializers.CharField(max_length=12)
    year = serializers.IntegerField(min_value=2013, max_value=2100)
    title = serializers.CharField(max_length=200)
    adopted_on = serializers.DateField(required=False, allow_null=True, default=None)


class PlanCoverageSerializer(serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField()
    count = serializers.IntegerField()
    required = serializers.IntegerField()
    covered = serializers.BooleanField()


class SupervisionPlanViewSet(JurisdictionScopedMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Annual supervision plans (年度督查计划); ``coverage``: counties and helping units with their
    comprehensive supervisions of the year (≥ 1 required)."""

    queryset = SupervisionPlan.objects.select_related("unit")
    serializer_class = SupervisionPlanSerializer

    @extend_schema(request=SupervisionPlanCreateSerializer, responses={201: SupervisionPlanSerializer})
    def create(self, request, *args, **kwargs):
        data = SupervisionPlanCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        plan = services.plan_create(
            actor=request.user, unit=_unit(request.user, values.pop("unit")), **values
        )
        return Response(SupervisionPlanSerializer(plan).data, status=201)

    @extend_schema(responses={200: PlanCoverageSerializer(many=True)})
    @action(detail=True, methods=["get"])
    def coverage(self, request, pk=None):
        plan = self.get_object()
        result = selectors.plan_coverage_for(request.user, plan, timezone.localdate())
        return Response(PlanCoverageSerializer([*result.counties, *result.helping_units], many=True).data)


# --- rounds ------------------------------------------------------------------------------------


class InspectionRoundSerializer(serializers.ModelSerializer):
    report_url = serializers.SerializerMethodField()

    class Meta:
        model = InspectionRound
        fields = [
            "id",
            "number",
            "kind",
            "scope",
            "title",
            "issuer",
            "unit",
            "helping_unit",
            "starts_on",
            "ends_on",
            "approved_on",
            "leader",
            "leader_rank",
            "methods",
            "feedback_on",
            "situation",
            "opinions",
            "report_url",
            "report_generated_at",
        ]

    def get_report_url(self, obj) -> str:
        return f"/inspections/rounds/{obj.pk}/report/" if obj.report else ""


class InspectionRoundCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=RoundKind.choices)
    scope = serializers.ChoiceField(choices=Scope.choices, required=False, allow_blank=True, default="")
    number = serializers.CharField(max_length=40)
    title = serializers.CharField(max_length=200)
    issuer = serializers.CharField(max_length=12)
    unit = serializers.CharField(max_length=12)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField(required=False, allow_null=True, default=None)
    approved_on = serializers.DateField(required=False, allow_null=True, default=None)
    leader = serializers.IntegerField(**ID)
    leader_rank = serializers.ChoiceField(choices=CadreRank.choices)
    members = serializers.ListField(child=serializers.IntegerField(**ID), default=list)
    methods = serializers.ListField(child=serializers.ChoiceField(choices=Method.choices), default=list)


class RoundFeedbackSerializer(serializers.Serializer):
    on = serializers.DateField()


class InspectionRoundViewSet(JurisdictionScopedMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Supervision and patrol rounds (督查、巡查) issued in or about the caller's jurisdiction."""

    queryset = InspectionRound.objects.select_related("issuer", "unit")
    serializer_class = InspectionRoundSerializer

    @extend_schema(request=InspectionRoundCreateSerializer, responses={201: InspectionRoundSerializer})
    def create(self, request, *args, **kwargs):
        data = InspectionRoundCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        user = request.user
        leader = _officials(user, [v.pop("leader")])[0]
        found = services.round_create(
            actor=user,
            issuer=_unit(user, v.pop("issuer")),
            unit=_unit(user, v.pop("unit")),
            leader=leader,
            members=_officials(user, v.pop("members")),
            **v,
        )
        return Response(InspectionRoundSerializer(found).data, status=201)

    @extend_schema(request=RoundFeedbackSerializer, responses={200: InspectionRoundSerializer})
    @action(detail=True, methods=["post"])
    def feedback(self, request, pk=None):
        """Record the feedback to the inspected unit (patrol deadlines run from it)."""
        data = RoundFeedbackSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        found = services.round_feedback(actor=request.user, round=self.get_object(), **data.validated_data)
        return Response(InspectionRoundSerializer(found).data)

    @extend_schema(request=None, responses={200: InspectionRoundSerializer})
    @action(detail=True, methods=["post"])
    def report(self, request, pk=None):
        """Generate the written report (docx, GB/T 9704) from the round's findings."""
        found = reports.round_report_generate(actor=request.user, round=self.get_object())
        return Response(InspectionRoundSerializer(found).data)


# --- findings ----------------------------------------------------------------------------------


class InspectionFindingSerializer(serializers.ModelSerializer):
    responsible = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Finding
        fields = [
            "id",
            "number",
            "round",
            "source",
            "category",
            "severity",
            "unit",
            "owner",
            "issuer",
            "found_on",
            "feedback_on",
            "description",
            "deadline",
            "deadline_basis",
            "measures",
            "status",
            "closed_on",
            "rejections",
            "reopenings",
            "transfer_to",
            "transferred_on",
            "case",
            "responsible",
            "overdue",
        ]

    def get_responsible(self, obj) -> list[dict]:
        return [
            {"official": r.official_id, "name": r.official.name, "post": r.post}
            for r in obj.responsible.all()
        ]

    def get_overdue(self, obj) -> bool:
        return obj.status != "closed" and obj.deadline < timezone.localdate()


class InspectionFindingCreateSerializer(serializers.Serializer):
    number = serializers.CharField(max_length=40)
    unit = serializers.CharField(max_length=12)
    found_on = serializers.DateField()
    source = serializers.ChoiceField(choices=ProblemSource.choices)
    category = serializers.CharField(max_length=40)
    severity = serializers.ChoiceField(choices=FindingSeverity.choices)
    description = serializers.CharField()
    round = serializers.IntegerField(required=False, allow_null=True, default=None, **ID)
    deadline = serializers.DateField(required=False, allow_null=True, default=None)
    responsible = serializers.ListField(
        child=serializers.IntegerField(**ID), required=False, allow_null=True, default=None
    )
    transfer_to = serializers.ChoiceField(choices=TransferTo.choices, required=False, default="")
    measures = serializers.CharField(required=False, allow_blank=True, default="")


class RectificationReportSerializer(serializers.Serializer):
    text = serializers.CharField()
    measures = serializers.CharField(required=False, allow_blank=True, default="")
    request_close = serializers.BooleanField(default=False)
    files = serializers.ListField(child=serializers.FileField(), required=False, default=list)


class VerificationSerializer(serializers.Serializer):
    text = serializers.CharField(required=False, allow_blank=True, default="")


class FindingTransferSerializer(serializers.Serializer):
    to = serializers.ChoiceField(choices=[c for c in TransferTo.choices if c[0]])
    note = serializers.CharField(required=False, allow_blank=True, default="")


class EvidenceUploadSerializer(serializers.Serializer):
    files = serializers.ListField(child=serializers.FileField(), allow_empty=False)


class EvidenceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField()
    size = serializers.IntegerField()


class FindingDeadlineSerializer(serializers.Serializer):
    deadline = serializers.DateField()
    reason = serializers.CharField(max_length=DEADLINE_REASON_MAX)


class RectificationStepSerializer(serializers.ModelSerializer):
    actor_name = serializers.SerializerMethodField()
    files = serializers.SerializerMethodField()

    class Meta:
        model = RectificationStep
        fields = ["id", "finding", "kind", "on", "text", "actor_name", "files", "created_at"]

    def get_actor_name(self, obj) -> str:
        return obj.actor.get_full_name() or obj.actor.get_username()

    def get_files(self, obj) -> list[dict]:
        return [{"id": e.pk, "name": e.name, "kind": e.kind, "size": e.size} for e in obj.evidence.all()]


class InspectionFindingViewSet(
    JurisdictionScopedMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet
):
    """Findings (问题) and their rectification (整改) in the caller's jurisdiction: the ledger's
    filters, and one action per step (report, verify, reject, reopen, transfer, deadline, evidence)."""

    queryset = Finding.objects.select_related("unit").prefetch_related("responsible__official")
    serializer_class = InspectionFindingSerializer
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(
        parameters=[
            OpenApiParameter("state", str, enum=list(selectors.LEDGER_FILTERS)),
            OpenApiParameter("round", int),
            OpenApiParameter("unit", str, description="单位代码：该单位及下级"),
            OpenApiParameter("category", str),
            OpenApiParameter("source", str),
            OpenApiParameter("as_of", str, description="判断逾期的日期（默认今天）"),
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action != "list":
            return queryset
        params = self.request.query_params
        ledger = selectors.ledger_for(
            self.request.user,
            as_of=query_day(self.request, "as_of") or timezone.localdate(),
            state=params.get("state", ""),
            round_id=query_int(self.request, "round", maximum=2**63 - 1),
            unit_code=params.get("unit", "")[:12],
            category=params.get("category", "")[:40],
            source=params.get("source", "")[:20],
        )
        return queryset.filter(pk__in=ledger.values("pk")).order_by("deadline", "number")

    @extend_schema(request=InspectionFindingCreateSerializer, responses={201: InspectionFindingSerializer})
    def create(self, request, *args, **kwargs):
        data = InspectionFindingCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        user = request.user
        round_id = v.pop("round")
        responsible = v.pop("responsible")
        finding = services.finding_create(
            actor=user,
            unit=_unit(user, v.pop("unit")),
            round=selectors.round_for(user, round_id) if round_id else None,
            responsible=_officials(user, responsible) if responsible is not None else None,
            **v,
        )
        return Response(InspectionFindingSerializer(selectors.finding_for(user, finding.pk)).data, status=201)

    @extend_schema(request=RectificationReportSerializer, responses={201: RectificationStepSerializer})
    @action(detail=True, methods=["post"])
    def report(self, request, pk=None):
        """The inspected unit's progress report (multipart with ``files`` for photos); with
        ``request_close`` it asks for close-out."""
        finding = self.get_object()
        payload = {
            "text": request.data.get("text", ""),
            "request_close": request.data.get("request_close", False),
            "measures": request.data.get("measures", ""),
            "files": request.FILES.getlist("files"),
        }
        data = RectificationReportSerializer(data=payload)
        data.is_valid(raise_exception=True)
        step = services.rectification_report(actor=request.user, finding=finding, **data.validated_data)
        return Response(RectificationStepSerializer(step).data, status=201)

    @extend_schema(request=VerificationSerializer, responses={200: InspectionFindingSerializer})
    @action(detail=True, methods=["post"])
    def verify(self, request, pk=None):
        """Verification passed: close-out (销号). Refused for the finding's own unit."""
        return self._decide(request, services.finding_verify)

    @extend_schema(request=VerificationSerializer, responses={200: InspectionFindingSerializer})
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        return self._decide(request, services.finding_reject)

    @extend_schema(request=VerificationSerializer, responses={200: InspectionFindingSerializer})
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        return self._decide(request, services.finding_reopen)

    def _decide(self, request, service):
        finding = self.get_object()
        data = VerificationSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        service(actor=request.user, finding=finding, **data.validated_data)
        return Response(InspectionFindingSerializer(selectors.finding_for(request.user, finding.pk)).data)

    @extend_schema(request=FindingTransferSerializer, responses={200: InspectionFindingSerializer})
    @action(detail=True, methods=["post"])
    def transfer(self, request, pk=None):
        """Transfer to the discipline inspection or the procuratorate (recorded, A-11)."""
        finding = self.get_object()
        data = FindingTransferSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.finding_transfer(actor=request.user, finding=finding, **data.validated_data)
        return Response(InspectionFindingSerializer(selectors.finding_for(request.user, finding.pk)).data)

    @extend_schema(request=EvidenceUploadSerializer, responses={201: EvidenceSerializer(many=True)})
    @action(detail=True, methods=["post"])
    def evidence(self, request, pk=None):
        """Photos or documents of the finding itself (multipart ``files``; type, size and content checked)."""
        finding = self.get_object()
        data = EvidenceUploadSerializer(data={"files": request.FILES.getlist("files")})
        data.is_valid(raise_exception=True)
        added = services.evidence_add(actor=request.user, finding=finding, files=data.validated_data["files"])
        return Response(EvidenceSerializer(added, many=True).data, status=201)

    @extend_schema(request=FindingDeadlineSerializer, responses={200: InspectionFindingSerializer})
    @action(detail=True, methods=["post"])
    def deadline(self, request, pk=None):
        """Move an open finding's rectification deadline, with the reason (the issuing office or above;
        refused for patrol findings, whose deadline runs from the feedback, and closed ones)."""
        finding = self.get_object()
        data = FindingDeadlineSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.finding_set_deadline(actor=request.user, finding=finding, **data.validated_data)
        return Response(InspectionFindingSerializer(selectors.finding_for(request.user, finding.pk)).data)


class RectificationStepViewSet(ScopedReadOnlyViewSet):
    """Rectification steps (整改环节) of the findings in the caller's jurisdiction; ``finding`` filters."""

    queryset = RectificationStep.objects.select_related("actor").prefetch_related("evidence")
    serializer_class = RectificationStepSerializer

    @extend_schema(parameters=[OpenApiParameter("finding", int)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        queryset = super().get_queryset()
        finding = query_int(self.request, "finding", maximum=2**63 - 1)
        return queryset.filter(finding_id=finding) if finding else queryset


# --- petitions ---------------------------------------------------------------------------------


class PetitionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Petition
        fields = [
            "id",
            "number",
            "channel",
            "received_on",
            "content",
            "unit",
            "handler",
            "answer_due",
            "answered_on",
            "answer",
            "satisfaction",
            "finding",
        ]


class PetitionCreateSerializer(serializers.Serializer):
    number = serializers.CharField(max_length=40)
    channel = serializers.ChoiceField(choices=PetitionChannel.choices)
    received_on = serializers.DateField()
    content = serializers.CharField()
    unit = serializers.CharField(max_length=12)
    handler = serializers.IntegerField(required=False, allow_null=True, default=None, **ID)


class PetitionAnswerSerializer(serializers.Serializer):
    answer = serializers.CharField()
    on = serializers.DateField(required=False, allow_null=True, default=None)
    satisfaction = serializers.ChoiceField(choices=Satisfaction.choices, required=False, default="")


class PetitionFindingSerializer(serializers.Serializer):
    number = serializers.CharField(max_length=40)
    category = serializers.CharField(max_length=40)
    severity = serializers.ChoiceField(choices=FindingSeverity.choices)
    deadline = serializers.DateField(required=False, allow_null=True, default=None)


class PetitionViewSet(JurisdictionScopedMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Petitions and hotline cases (信访、12345) about units of the caller's jurisdiction."""

    queryset = Petition.objects.select_related("unit")
    serializer_class = PetitionSerializer

    @extend_schema(request=PetitionCreateSerializer, responses={201: PetitionSerializer})
    def create(self, request, *args, **kwargs):
        data = PetitionCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        user = request.user
        handler = v.pop("handler")
        petition = services.petition_create(
            actor=user,
            unit=_unit(user, v.pop("unit")),
            handler=_officials(user, [handler])[0] if handler else None,
            **v,
        )
        return Response(PetitionSerializer(petition).data, status=201)

    @extend_schema(request=PetitionAnswerSerializer, responses={200: PetitionSerializer})
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        petition = self.get_object()
        data = PetitionAnswerSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        petition = services.petition_answer(actor=request.user, petition=petition, **data.validated_data)
        return Response(PetitionSerializer(petition).data)

    @extend_schema(request=PetitionFindingSerializer, responses={201: InspectionFindingSerializer})
    @action(detail=True, methods=["post"], url_path="finding")
    def finding(self, request, pk=None):
        """The petition reveals a problem: record it as a finding (source 信访举报; once)."""
        petition = self.get_object()
        data = PetitionFindingSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        found = services.petition_to_finding(actor=request.user, petition=petition, **data.validated_data)
        return Response(
            InspectionFindingSerializer(selectors.finding_for(request.user, found.pk)).data, status=201
        )
