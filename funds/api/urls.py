from rest_framework.routers import SimpleRouter

from funds.api import views

router = SimpleRouter()
router.register("fund-projects", views.ProjectViewSet, basename="fund-project")
router.register(
    "fund-disbursement-requests", views.DisbursementRequestViewSet, basename="fund-disbursement-request"
)
router.register(
    "fund-rectification-orders", views.RectificationOrderViewSet, basename="fund-rectification-order"
)
router.register("fund-plans", views.FundPlanViewSet, basename="fund-plan")
router.register("fund-evaluations", views.EvaluationViewSet, basename="fund-evaluation")

urlpatterns = router.urls
