from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from core import account_views, audit_views, login_views
from core import second_factor_views as second_factor
from core import views as core_views

urlpatterns = [
    path("", include("strategy.urls")),
    path("indicators/", include("indicators.urls")),
    path("", include("initiatives.urls")),
    path("", include("councils.urls")),
    path("healthz", core_views.healthz, name="healthz"),
    path("audit/", audit_views.audit_log, name="audit"),
    path("audit/export.csv", audit_views.audit_csv, name="audit_csv"),
    path("audit/access/", audit_views.access_review, name="access_review"),
    path("login/", login_views.LoginView.as_view(), name="login"),
    path("login/oidc/", login_views.oidc_start, name="oidc_start"),
    path("login/oidc/callback/", login_views.oidc_callback, name="oidc_callback"),
    path("logout/", login_views.sign_out, name="logout"),
    path("login/second-factor/", second_factor.verify, name="second_factor_verify"),
    path(
        "login/second-factor/passkey/",
        second_factor.passkey_verify,
        name="second_factor_passkey",
    ),
    path("account/second-factor/", second_factor.manage, name="second_factor"),
    path(
        "account/second-factor/app/",
        second_factor.app_start,
        name="second_factor_app",
    ),
    path(
        "account/second-factor/app/confirm/",
        second_factor.app_confirm,
        name="second_factor_app_confirm",
    ),
    path(
        "account/second-factor/recovery-codes/",
        second_factor.recovery_codes,
        name="second_factor_recovery_codes",
    ),
    path(
        "account/second-factor/passkey/options/",
        second_factor.passkey_options,
        name="second_factor_passkey_options",
    ),
    path(
        "account/second-factor/passkey/",
        second_factor.passkey_register,
        name="second_factor_passkey_register",
    ),
    path(
        "account/password/",
        account_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
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
