"""API health endpoint."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from accountability.platform.health import status_for


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
