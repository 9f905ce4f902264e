from django.urls import path

from visits import views

urlpatterns = [
    path("visits/new/", views.visit_new, name="visit-new"),
    path("visits/batch/", views.visit_batch, name="visit-batch"),
    path("visits/mine/", views.visit_mine, name="visit-mine"),
    path("visits/compliance/", views.compliance_list, name="compliance-list"),
    path("visits/unvisited/", views.unvisited, name="unvisited-households"),
    path("visits/trips/new/", views.trip_new, name="trip-new"),
    path("visits/check-in/", views.check_in, name="check-in"),
    path("visits/attendance/", views.attendance_sheet, name="attendance-sheet"),
]
