from django.urls import path

from inspections import views

urlpatterns = [
    path("inspections/findings/", views.ledger, name="inspection-ledger"),
    path("inspections/findings/new/", views.finding_new, name="finding-new"),
    path("inspections/findings/<int:pk>/", views.finding_detail, name="finding-detail"),
    path("inspections/findings/<int:pk>/report/", views.finding_report, name="finding-report"),
    path("inspections/findings/<int:pk>/decide/", views.finding_decide, name="finding-decide"),
    path("inspections/findings/<int:pk>/transfer/", views.finding_transfer, name="finding-transfer"),
    path("inspections/findings/<int:pk>/case/", views.finding_case, name="finding-case"),
    path("inspections/findings/<int:pk>/responsible/", views.finding_responsible, name="finding-responsible"),
    path("inspections/findings/<int:pk>/deadline/", views.finding_deadline, name="finding-deadline"),
    path("inspections/findings/<int:pk>/evidence/", views.finding_evidence, name="finding-evidence"),
    path("inspections/findings/<int:pk>/files/<int:evidence_id>/", views.evidence_file, name="finding-file"),
    path("inspections/rounds/", views.round_list, name="round-list"),
    path("inspections/rounds/new/", views.round_new, name="round-new"),
    path("inspections/rounds/<int:pk>/", views.round_detail, name="round-detail"),
    path("inspections/rounds/<int:pk>/feedback/", views.round_feedback, name="round-feedback"),
    path("inspections/rounds/<int:pk>/report/", views.round_report, name="round-report"),
    path("inspections/plans/", views.plan_list, name="plan-list"),
    path("inspections/plans/<int:pk>/", views.plan_detail, name="plan-detail"),
    path("inspections/disclosure/", views.disclosure, name="inspection-disclosure"),
    path("inspections/petitions/", views.petition_list, name="petition-list"),
    path("inspections/petitions/<int:pk>/", views.petition_detail, name="petition-detail"),
]
