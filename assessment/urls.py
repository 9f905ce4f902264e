from django.urls import path

from assessment import views

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("assessment/", views.round_list, name="assessment-rounds"),
    path("assessment/open/", views.round_open, name="assessment-round-open"),
    path("assessment/reports/new/", views.report_start_for_unit, name="assessment-report-new"),
    path("assessment/rounds/<int:pk>/", views.round_detail, name="assessment-round"),
    path("assessment/rounds/<int:pk>/sample/", views.round_sample, name="assessment-round-sample"),
    path("assessment/rounds/<int:pk>/sample.xlsx", views.sample_sheet, name="assessment-sample-sheet"),
    path("assessment/rounds/<int:pk>/compute/", views.round_compute, name="assessment-round-compute"),
    path("assessment/rounds/<int:pk>/steps/<int:step_pk>/", views.round_step, name="assessment-round-step"),
    path("assessment/rounds/<int:pk>/reports/", views.report_start, name="assessment-report-start"),
    path("assessment/rounds/<int:pk>/results/<int:version>/", views.result_page, name="assessment-result"),
    path("assessment/templates/", views.report_templates, name="assessment-templates"),
    path(
        "assessment/templates/default.docx", views.report_template_default, name="assessment-template-default"
    ),
    path(
        "assessment/templates/<int:pk>/download/", views.report_template_download, name="assessment-template"
    ),
    path("assessment/reports/<int:pk>/", views.report_detail, name="assessment-report"),
    path("assessment/reports/<int:pk>/download/", views.report_download, name="assessment-report-download"),
]
