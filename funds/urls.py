from django.urls import path

from funds import views

urlpatterns = [
    path("funds/", views.project_list, name="fund-project-list"),
    path("funds/new/", views.project_new, name="fund-project-new"),
    path("funds/due/", views.due_this_week, name="fund-due"),
    path("funds/archive/", views.archive_overview, name="fund-archive"),
    path("funds/plans/", views.fund_plan_list, name="fund-plan-list"),
    path("funds/evaluations/", views.evaluation_list, name="fund-evaluations"),
    path("funds/evaluations/<int:pk>/", views.evaluation_detail, name="fund-evaluation-detail"),
    path("funds/plans/<int:pk>/", views.fund_plan_detail, name="fund-plan-detail"),
    path("funds/<int:pk>/", views.project_detail, name="fund-project-detail"),
    path("funds/<int:pk>/steps/", views.project_step, name="fund-project-step"),
    path("funds/<int:pk>/notices/", views.notice_add, name="fund-notice-add"),
    path("funds/<int:pk>/requests/", views.request_add, name="fund-request-add"),
    path("funds/<int:pk>/requests/<int:request_id>/", views.request_decide, name="fund-request-decide"),
    path("funds/<int:pk>/reports/<int:report_id>/", views.report_enter, name="fund-report-enter"),
    path("funds/<int:pk>/orders/", views.order_issue, name="fund-order-issue"),
    path("funds/<int:pk>/orders/<int:order_id>/", views.order_close, name="fund-order-close"),
    path("funds/<int:pk>/adjustments/", views.adjustment_add, name="fund-adjustment-add"),
    path(
        "funds/<int:pk>/adjustments/<int:adjustment_id>/",
        views.adjustment_approve,
        name="fund-adjustment-approve",
    ),
    path("funds/<int:pk>/documents/", views.document_add, name="fund-document-add"),
    path("funds/<int:pk>/beneficiaries/", views.beneficiary_add, name="fund-beneficiary-add"),
    path("funds/<int:pk>/benefits/", views.project_benefits, name="fund-project-benefits"),
]
