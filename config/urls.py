from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from core import audit_views, people_views
from core import views as core_views
from core.forms import LockoutAuthenticationForm

urlpatterns = [
    path("", include("strategy.urls")),
    path("indicators/", include("indicators.urls")),
    path("", include("initiatives.urls")),
    path("", include("councils.urls")),
    path("", include("notifications.urls")),
    path("", include("search.urls")),
    path("healthz", core_views.healthz, name="healthz"),
    path("audit/", audit_views.audit_log, name="audit"),
    path("audit/export.csv", audit_views.audit_csv, name="audit_csv"),
    path("audit/access/", audit_views.access_review, name="access_review"),
    path("people/", people_views.people_list, name="people"),
    path("people/new/", people_views.person_new, name="person_new"),
    path("people/<int:pk>/", people_views.person_detail, name="person"),
    path("people/<int:pk>/roles/", people_views.person_roles, name="person_roles"),
    path("people/<int:pk>/active/", people_views.person_active, name="person_active"),
    path("organisations/", people_views.organisation_list, name="organisations"),
    path("organisations/new/", people_views.organisation_new, name="organisation_new"),
    path(
        "organisations/<int:pk>/", people_views.organisation_detail, name="organisation"
    ),
    path(
        "organisations/<int:pk>/edit/",
        people_views.organisation_edit,
        name="organisation_edit",
    ),
    path(
        "login/",
        auth_views.LoginView.as_view(authentication_form=LockoutAuthenticationForm),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("config.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api-schema"),
        name="api-docs",
    ),
]

handler400 = "core.views.bad_request"
handler404 = "core.views.not_found"
handler500 = "core.views.server_error"
