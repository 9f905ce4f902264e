from rest_framework.routers import SimpleRouter

from inspections.api import views

router = SimpleRouter()
router.register("supervision-plans", views.PlanViewSet, basename="supervision-plan")
router.register("inspection-rounds", views.RoundViewSet, basename="inspection-round")
router.register("inspection-findings", views.FindingViewSet, basename="inspection-finding")
router.register("rectification-steps", views.StepViewSet, basename="rectification-step")
router.register("petitions", views.PetitionViewSet, basename="petition")

urlpatterns = router.urls
