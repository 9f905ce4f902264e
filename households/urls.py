from django.urls import path

from households import views

urlpatterns = [
    path("households/", views.household_list, name="household-list"),
    path("households/<int:pk>/", views.household_detail, name="household-detail"),
]
