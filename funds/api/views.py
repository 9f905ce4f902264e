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
            return s.ProjectDetailSerializer
        if self.action == "create":
            return s.ProjectCreateSerializer
        return s.ProjectSerializer

    @extend_schema(request=s.ProjectCreateSerializer, responses={201: s.ProjectSerializer})
    def create(self, request, *args, **kwargs):
        """Enter a project in the library (入库)."""
        data = s.ProjectCreateSerializer(data=request.data)
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
        body = s.ProjectSerializer(project).data
        body["warnings"] = warnings
        return Response(body, status=201)

    @extend_schema(request=s.StepSerializer, responses={200: s.ProjectSerializer})
    @action(detail=True, methods=["post"])
    def steps(self, request, pk=None):
        """Take the next step (申报、立项、方案、备案、开工、完工、初验、申请验收、验收、移交 …)."""
        project = self.get_object()
        data = s.StepSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        step, on = values.pop("step"), values.pop("on")
        services.project_step(actor=request.user, project=project, step=step, on=on, data=values)
        project.refresh_from_db()
        return Response(s.ProjectSerializer(project).data)

    @extend_schema(request=s.NoticeCreateSerializer, responses={201: s.NoticeSerializer})
    @action(detail=True, methods=["post"])
    def notices(self, request, pk=None):
        """Record a public notice (立项公告 / 项目公示牌); the answer lists what it lacks."""
        project = self.get_object()
        data = s.NoticeCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        notice, missing = services.notice_post(actor=request.user, project=project, **data.validated_data)
        return Response({**s.NoticeSerializer(notice).data, "missing": missing}, status=201)

    @extend_schema(request=s.RequestCreateSerializer, responses={201: s.RequestSerializer})
    @action(detail=True, methods=["post"], url_path="disbursement-requests")
    def disbursement_requests(self, request, pk=None):
        """Request funds (请款); refused while a rectification order is open."""
        project = self.get_object()
        data = s.RequestCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        item = services.disbursement_request(actor=request.user, project=project, **data.validated_data)
        return Response(s.RequestSerializer(item).data, status=201)

    @extend_schema(request=s.OrderCreateSerializer, responses={201: s.OrderSerializer})
    @action(detail=True, methods=["post"], url_path="rectification-orders")
    def rectification_orders(self, request, pk=None):
        """Issue a rectification order (限期整改): disbursement and reimbursement stop until lifted."""
        project = self.get_object()
        data = s.OrderCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        order = services.rectification_order_issue(actor=request.user, project=project, **data.validated_data)
        return Response(s.OrderSerializer(order).data, status=201)


class DisbursementRequestViewSet(ScopedReadOnlyViewSet):
    """Disbursement requests (请款) and the county's decisions."""

    queryset = DisbursementRequest.objects.select_related("project").order_by("project_id", "sequence")
    serializer_class = s.RequestSerializer

    @extend_schema(request=s.DecideSerializer, responses={200: s.RequestSerializer})
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        item = self.get_object()
        data = s.DecideSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        item = services.disbursement_decide(actor=request.user, request=item, **data.validated_data)
        return Response(s.RequestSerializer(item).data)


class RectificationOrderViewSet(ScopedReadOnlyViewSet):
    """Rectification orders (整改通知)."""

    queryset = RectificationOrder.objects.select_related("project").order_by("-issued_on", "pk")
    serializer_class = s.OrderSerializer

    @extend_schema(request=s.OrderCloseSerializer, responses={200: s.OrderSerializer})
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """Lift the order (整改到位) or record the recovery of the funds (未按期整改)."""
        order = self.get_object()
        data = s.OrderCloseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        close = (
            services.rectification_recover
            if data.validated_data["outcome"] == "recovered"
            else services.rectification_lift
        )
        order = close(actor=request.user, order=order, on=data.validated_data["on"])
        return Response(s.OrderSerializer(order).data)


class FundPlanViewSet(ScopedReadOnlyViewSet):
    """The counties' annual fund plans."""

    queryset = FundPlan.objects.select_related("county", "source")
    serializer_class = s.FundPlanSerializer
