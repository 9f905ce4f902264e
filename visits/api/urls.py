from rest_framework.routers import SimpleRouter

from visits.api import views

router = SimpleRouter()
router.register("visits", views.VisitViewSet, basename="visit")
router.register("research-trips", views.TripViewSet, basename="research-trip")
router.register("stationed-days", views.StationedDayViewSet, basename="stationed-day")
router.register("compliance", views.ComplianceViewSet, basename="compliance")

urlpatterns = router.urls
