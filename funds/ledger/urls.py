from django.urls import path

from funds.ledger import views

urlpatterns = [
    path("funds/ledger/", views.ledger, name="ledger"),
    path("funds/ledger/export/", views.ledger_export, name="ledger-export"),
    path("funds/ledger/close/", views.ledger_close, name="ledger-close"),
    path("funds/ledger/exports/<int:pk>/", views.ledger_export_detail, name="ledger-export-detail"),
    path(
        "funds/ledger/exports/<int:pk>/download/", views.ledger_export_download, name="ledger-export-download"
    ),
    path("funds/ledger/accounts/<int:pk>/", views.account_detail, name="ledger-account"),
    path("funds/ledger/accounts/<int:pk>/reverse/", views.account_reverse, name="ledger-account-reverse"),
    path("funds/ledger/projects/<str:number>/", views.project_money, name="ledger-project-money"),
    path(
        "funds/ledger/projects/<str:number>/disburse/", views.project_disburse, name="ledger-project-disburse"
    ),
    path(
        "funds/ledger/projects/<str:number>/plan-lines/",
        views.project_plan_lines,
        name="ledger-project-plan-lines",
    ),
]
