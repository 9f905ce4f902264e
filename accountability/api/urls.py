from django.urls import path
from rest_framework.routers import DefaultRouter

from accountability.cases.api import AlertViewSet, CaseViewSet
from accountability.hierarchy.api import AdminUnitViewSet
from accountability.importing.api import ImportJobViewSet
from accountability.platform.api import health
from accountability.responsibility.api import (
    AssignmentViewSet,
    OfficialViewSet,
    OrganisationViewSet,
    PairingViewSet,
)

router = DefaultRouter()
router.register("units", AdminUnitViewSet, basename="unit")
router.register("organisations", OrganisationViewSet, basename="organisation")
router.register("officials", OfficialViewSet, basename="official")
router.register("assignments", AssignmentViewSet, basename="assignment")
router.register("pairings", PairingViewSet, basename="pairing")
router.register("imports", ImportJobViewSet, basename="import-job")
router.register("alerts", AlertViewSet, basename="alert")
router.register("cases", CaseViewSet, basename="case")

urlpatterns = [path("health/", health, name="api-health"), *router.urls]
