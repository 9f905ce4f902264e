from rest_framework.routers import SimpleRouter

from inspections.api import views

router = SimpleRouter()
router.register("supervision-plans", views.SupervisionPlanViewSet, basename="supervision-plan")
router.register("inspection-rounds", views.InspectionRoundViewSet, basename="inspection-round")
router.register("inspection-findings", views.InspectionFindingViewSet, basename="inspection-finding")
router.register("rectification-steps", views.RectificationStepViewSet, basename="rectification-step")
router.register("petitions", views.PetitionViewSet, basename="petition")

urlpatterns = router.urls
