from django.urls import path

from accountability.access import views as access_views
from accountability.cases import views as case_views
from accountability.hierarchy import views as unit_views
from accountability.importing import views as import_views
from accountability.platform import views as platform_views
from accountability.responsibility import views as responsibility_views

urlpatterns = [
    path("", platform_views.home, name="home"),
    path("inbox/", platform_views.inbox, name="inbox"),
    path("alerts/", case_views.alert_list, name="alert-list"),
    path("alerts/<int:pk>/", case_views.alert_detail, name="alert-detail"),
    path("alerts/<int:pk>/cases/", case_views.alert_open_cases, name="alert-open-cases"),
    path("cases/", case_views.case_list, name="case-list"),
    path("cases/new/", case_views.case_new, name="case-new"),
    path("cases/<int:pk>/", case_views.case_detail, name="case-detail"),
    path("cases/<int:pk>/steps/", case_views.case_step, name="case-step"),
    path("units/", unit_views.unit_tree, name="unit-tree"),
    path("units/search/", unit_views.unit_search, name="unit-search"),
    path("units/<str:code>/", unit_views.unit_detail, name="unit-detail"),
    path("officials/", responsibility_views.official_list, name="official-list"),
    path("officials/<int:pk>/", responsibility_views.official_detail, name="official-detail"),
    path("officials/<int:pk>/transfer/", responsibility_views.official_transfer, name="official-transfer"),
    path("gaps/", responsibility_views.gap_list, name="gap-list"),
    path("history/<str:model>/<str:pk>/", platform_views.record_history, name="record-history"),
    path("imports/", import_views.import_list, name="import-list"),
    path("imports/templates/<str:kind>.xlsx", import_views.import_template, name="import-template"),
    path("imports/<int:pk>/", import_views.import_detail, name="import-detail"),
    path("imports/<int:pk>/confirm/", import_views.import_confirm, name="import-confirm"),
    path("imports/<int:pk>/errors.xlsx", import_views.import_errors_download, name="import-errors"),
    path("health/", platform_views.health, name="health"),
    path("users/", access_views.user_list, name="user-list"),
    path("users/<int:pk>/roles/", access_views.user_roles, name="user-roles"),
    path("users/locked/", access_views.locked_list, name="user-locked"),
    path("users/<int:pk>/unlock/", access_views.user_unlock_view, name="user-unlock"),
    path("users/<int:pk>/otp/reset/", access_views.user_otp_reset, name="user-otp-reset"),
    path("audit/", access_views.audit_list, name="audit-list"),
    path("accounts/otp/", access_views.otp_setup, name="otp-setup"),
    path("accounts/otp/verify/", access_views.otp_verify, name="otp-verify"),
]
