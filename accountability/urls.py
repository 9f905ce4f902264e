from django.urls import path

from accountability import views, views_cases
from accountability.access import views as access_views

urlpatterns = [
    path("", views.home, name="home"),
    path("inbox/", views.inbox, name="inbox"),
    path("alerts/", views_cases.alert_list, name="alert-list"),
    path("alerts/<int:pk>/", views_cases.alert_detail, name="alert-detail"),
    path("alerts/<int:pk>/cases/", views_cases.alert_open_cases, name="alert-open-cases"),
    path("cases/", views_cases.case_list, name="case-list"),
    path("cases/new/", views_cases.case_new, name="case-new"),
    path("cases/<int:pk>/", views_cases.case_detail, name="case-detail"),
    path("cases/<int:pk>/steps/", views_cases.case_step, name="case-step"),
    path("units/", views.unit_tree, name="unit-tree"),
    path("units/search/", views.unit_search, name="unit-search"),
    path("units/<str:code>/", views.unit_detail, name="unit-detail"),
    path("officials/", views.official_list, name="official-list"),
    path("officials/<int:pk>/", views.official_detail, name="official-detail"),
    path("officials/<int:pk>/transfer/", views.official_transfer, name="official-transfer"),
    path("gaps/", views.gap_list, name="gap-list"),
    path("history/<str:model>/<str:pk>/", views.record_history, name="record-history"),
    path("imports/", views.import_list, name="import-list"),
    path("imports/templates/<str:kind>.xlsx", views.import_template, name="import-template"),
    path("imports/<int:pk>/", views.import_detail, name="import-detail"),
    path("imports/<int:pk>/confirm/", views.import_confirm, name="import-confirm"),
    path("imports/<int:pk>/errors.xlsx", views.import_errors_download, name="import-errors"),
    path("health/", views.health, name="health"),
    path("users/", access_views.user_list, name="user-list"),
    path("users/<int:pk>/roles/", access_views.user_roles, name="user-roles"),
    path("users/locked/", access_views.locked_list, name="user-locked"),
    path("users/<int:pk>/unlock/", access_views.user_unlock_view, name="user-unlock"),
    path("audit/", access_views.audit_list, name="audit-list"),
]
