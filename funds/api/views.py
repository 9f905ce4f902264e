"""The fund-project API: projects with their steps and deadlines (OpenAPI), every write through the
same services as the pages."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.response import Response

from accountability.api.base import ScopedReadOnlyViewSet, query_year
from accountability.hierarchy.selectors import unit_by_code_for
from funds import selectors, services
from funds.api import serializers as s
from funds.models import (
    DisbursementRequest,
    FundPlan,
    PerformanceEvaluation,
    Project,
    ProjectCategory,
    RectificationOrder,
    Stage,
)


class ProjectViewSet(mixins.CreateModelMixin, ScopedReadOnlyViewSet):
    """Fund projects (扶贫项目) of the caller's jurisdiction: the library, steps and deadlines."""

    queryset = Project.objects.select_related("location", "category", "fund_plan")

    @extend_schema(
        parameters=[
            OpenApiParameter("year", int),
            OpenApiParameter("township", str, description="乡镇代码"),
            OpenApiParameter("stage", str, enum=Stage.values),
            OpenApiParameter("q", str, description="项目名称或编号"),
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        projects = super().get_queryset()
        params = self.request.query_params
        year = query_year(self.request)
        if year:
            projects = projects.filter(year=year)
        if params.get("township"):
            projects = projects.filter(township_id=params["township"])
        if params.get("stage") in Stage.values:
            projects = projects.filter(stage=params["stage"])
        if params.get("q"):
            projects = projects.filter(name__icontains=params["q"][:50]) | projects.filter(
                number__icontains=params["q"][:50]
            )
        if self.action == "retrieve":
            projects = selectors.with_steps(projects).prefetch_related(
                "disbursement_requests", "rectification_orders"
            )
        return projects.order_by("-year", "number")

    def get_serializer_class(self):
        if self.action == "retrieve":
            return s.FundProjectDetailSerializer
        if self.action == "create":
            return s.FundProjectCreateSerializer
        return s.FundProjectSerializer

    @extend_schema(request=s.FundProjectCreateSerializer, responses={201: s.FundProjectSerializer})
    def create(self, request, *args, **kwargs):
        """Enter a project in the library (入库)."""
        data = s.FundProjectCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        location = unit_by_code_for(request.user, values.pop("location"))
        if location is None:
            raise DRFValidationError({"location": ["实施地点代码不存在或不在您的管辖范围内"]})
        category = ProjectCategory.objects.filter(name=values.pop("category"), active=True).first()
        if category is None:
            raise DRFValidationError({"category": ["项目类别不存在"]})
        project, warnings = services.project_create(
            actor=request.user, location=location, category=category, **values
        )
        body = s.FundProjectSerializer(project).data
        body["warnings"] = warnings
        return Response(body, status=201)

    @extend_schema(request=s.FundStepSerializer, responses={200: s.FundProjectSerializer})
    @action(detail=True, methods=["post"])
    def steps(self, request, pk=None):
        """Take the next step (申报、立项、方案、备案、开工、完工、初验、申请验收、验收、移交 …)."""
        project = self.get_object()
        data = s.FundStepSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        step, on = values.pop("step"), values.pop("on")
        services.project_step(actor=request.user, project=project, step=step, on=on, data=values)
        project.refresh_from_db()
        return Response(s.FundProjectSerializer(project).data)

    @extend_schema(request=s.FundNoticeCreateSerializer, responses={201: s.FundNoticeSerializer})
    @action(detail=True, methods=["post"])
    def notices(self, request, pk=None):
        """Record a public notice (立项公告 / 项目公示牌); the answer lists what it lacks."""
        project = self.get_object()
        data = s.FundNoticeCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        notice, missing = services.notice_post(actor=request.user, project=project, **data.validated_data)
        return Response({**s.FundNoticeSerializer(notice).data, "missing": missing}, status=201)

    @extend_schema(request=s.FundRequestCreateSerializer, responses={201: s.FundRequestSerializer})
    @action(detail=True, methods=["post"], url_path="disbursement-requests")
    def disbursement_requests(self, request, pk=None):
        """Request funds (请款); refused while a rectification order is open."""
        project = self.get_object()
        data = s.FundRequestCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        item = services.disbursement_request(actor=request.user, project=project, **data.validated_data)
        return Response(s.FundRequestSerializer(item).data, status=201)

    @extend_schema(request=s.FundOrderCreateSerializer, responses={201: s.FundOrderSerializer})
    @action(detail=True, methods=["post"], url_path="rectification-orders")
    def rectification_orders(self, request, pk=None):
        """Issue a rectification order (限期整改): disbursement and reimbursement stop until lifted."""
        project = self.get_object()
        data = s.FundOrderCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        order = services.rectification_order_issue(actor=request.user, project=project, **data.validated_data)
        return Response(s.FundOrderSerializer(order).data, status=201)


class DisbursementRequestViewSet(ScopedReadOnlyViewSet):
    """Disbursement requests (请款) and the county's decisions."""

    queryset = DisbursementRequest.objects.select_related("project").order_by("project_id", "sequence")
    serializer_class = s.FundRequestSerializer

    @extend_schema(request=s.FundDecideSerializer, responses={200: s.FundRequestSerializer})
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        item = self.get_object()
        data = s.FundDecideSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        item = services.disbursement_decide(actor=request.user, request=item, **data.validated_data)
        return Response(s.FundRequestSerializer(item).data)


class RectificationOrderViewSet(ScopedReadOnlyViewSet):
    """Rectification orders (整改通知)."""

    queryset = RectificationOrder.objects.select_related("project").order_by("-issued_on", "pk")
    serializer_class = s.FundOrderSerializer

    @extend_schema(request=s.FundOrderCloseSerializer, responses={200: s.FundOrderSerializer})
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """Lift the order (整改到位) or record the recovery of the funds (未按期整改)."""
        order = self.get_object()
        data = s.FundOrderCloseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        close = (
            services.rectification_recover
            if data.validated_data["outcome"] == "recovered"
            else services.rectification_lift
        )
        order = close(actor=request.user, order=order, on=data.validated_data["on"])
        return Response(s.FundOrderSerializer(order).data)


class FundPlanViewSet(ScopedReadOnlyViewSet):
    """The counties' annual fund plans."""

    queryset = FundPlan.objects.select_related("county", "source")
    serializer_class = s.FundPlanSerializer


class EvaluationViewSet(ScopedReadOnlyViewSet):
    """Fund performance evaluations (资金绩效考评) with the scores per unit and late dates (C2-70)."""

    queryset = PerformanceEvaluation.objects.prefetch_related("scores").order_by("-year", "county_id")
    serializer_class = s.FundEvaluationSerializer
