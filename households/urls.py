from django.urls import path

from households import views

urlpatterns = [
    path("households/", views.household_list, name="household-list"),
    path("households/export.xlsx", views.household_export, name="household-export"),
    path("households/<int:pk>/", views.household_detail, name="household-detail"),
    path("households/<int:pk>/edit/", views.household_edit, name="household-edit"),
    path("households/<int:pk>/measures/", views.measure_create, name="household-measure-add"),
    path("households/<int:pk>/transfer/", views.household_transfer, name="household-transfer"),
    path("households/<int:pk>/pairings/", views.cadre_pairing_create, name="household-pair"),
    path("poor-villages/", views.poor_village_list, name="poor-village-list"),
    path("registry/adjustment/", views.annual_adjustment, name="annual-adjustment"),
    path("households/<int:pk>/steps/", views.household_step, name="household-step"),
    path("households/<int:pk>/steps/<int:step_id>/objection/", views.step_objection, name="step-objection"),
]
