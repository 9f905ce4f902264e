from rest_framework.routers import SimpleRouter

from households.api import views

router = SimpleRouter()
router.register("households", views.HouseholdViewSet, basename="household")
router.register("poor-villages", views.PoorVillageViewSet, basename="poor-village")
router.register("findings", views.FindingViewSet, basename="finding")

urlpatterns = router.urls
