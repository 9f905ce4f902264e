from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from accountability.access.forms import LoginForm

admin.site.site_header = "脱贫攻坚责任制与问责管理 · 系统管理"
admin.site.site_title = "系统管理"

urlpatterns = [
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=LoginForm, redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/", include("households.api.urls")),
    path("api/", include("visits.api.urls")),
    path("api/", include("funds.api.urls")),
    path("api/", include("inspections.api.urls")),
    path("api/", include("funds.ledger.api_urls")),
    path("api/", include("accountability.api.urls")),
    path("", include("assessment.urls")),  # first: its dashboard is the home page of the office roles
    path("", include("households.urls")),
    path("", include("visits.urls")),
    path("", include("funds.urls")),
    path("", include("inspections.urls")),
    path("", include("funds.ledger.urls")),
    path("", include("accountability.urls")),
]
