from django.urls import path
from rest_framework.routers import DefaultRouter

from accountability.api import views

router = DefaultRouter()
router.register("units", views.AdminUnitViewSet, basename="unit")
router.register("imports", views.ImportJobViewSet, basename="import-job")

urlpatterns = [path("health/", views.health, name="api-health"), *router.urls]
