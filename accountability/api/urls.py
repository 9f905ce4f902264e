from django.urls import path
from rest_framework.routers import DefaultRouter

from accountability.api import cases, views

router = DefaultRouter()
router.register("units", views.AdminUnitViewSet, basename="unit")
router.register("organisations", views.OrganisationViewSet, basename="organisation")
router.register("officials", views.OfficialViewSet, basename="official")
router.register("assignments", views.AssignmentViewSet, basename="assignment")
router.register("pairings", views.PairingViewSet, basename="pairing")
router.register("imports", views.ImportJobViewSet, basename="import-job")
router.register("alerts", cases.AlertViewSet, basename="alert")
router.register("cases", cases.CaseViewSet, basename="case")

urlpatterns = [path("health/", views.health, name="api-health"), *router.urls]
