from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from . import services
from .admin_mixins import ReadOnlyAdminMixin
from .forms import LockoutAdminAuthenticationForm
from .models import (
    AuditChain,
    AuditSeal,
    AuthEvent,
    ExternalIdentity,
    HealthPing,
    Organisation,
    PasskeyDevice,
    User,
)

# The admin's own login page obeys the same lockout as the site's.
admin.site.login_form = LockoutAdminAuthenticationForm


@admin.register(User)
class TrackerUserAdmin(UserAdmin):
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        (_("Organisation"), {"fields": ("organisation",)}),
        (_("Password"), {"fields": ("password_change_required",)}),
    )
    list_display = ("username", "email", "organisation", "is_active", "last_login")
    list_filter = ("groups", "is_active", "is_staff", "password_change_required")
    actions = ["require_new_password"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        demanded = "password_change_required" in form.changed_data
        if demanded and obj.password_change_required:
            services.password_change_require(users=[obj], by=request.user)

    @admin.action(
        description=_("Require a new password at the next page"),
        permissions=["change"],
    )
    def require_new_password(self, request, queryset):
        count = services.password_change_require(users=queryset, by=request.user)
        self.message_user(
            request,
            ngettext(
                "%(count)d person must choose a new password.",
                "%(count)d people must choose a new password.",
                count,
            )
            % {"count": count},
        )


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ("name", "short_name", "is_active")
    search_fields = ("name", "short_name")
    list_filter = ("is_active",)


@admin.register(HealthPing)
class HealthPingAdmin(admin.ModelAdmin):
    list_display = ("token", "worker", "created_at")
    readonly_fields = ("token", "worker", "created_at")


@admin.register(AuthEvent)
class AuthEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("at", "kind", "username", "address", "detail")
    list_filter = ("kind",)
    search_fields = ("username", "address")
    date_hierarchy = "at"


@admin.register(AuditChain)
class AuditChainAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("name", "head_row_id", "head_digest", "sealed_at")


@admin.register(AuditSeal)
class AuditSealAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("chain", "row_id", "digest")
    list_filter = ("chain",)
    list_select_related = ("chain",)


@admin.register(ExternalIdentity)
class ExternalIdentityAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Who signs in through the provider as whom; made only by signing in."""

    list_display = ("user", "issuer", "subject", "provider_roles", "last_login_at")
    search_fields = ("user__username", "subject")
    list_select_related = ("user",)


@admin.register(PasskeyDevice)
class PasskeyDeviceAdmin(admin.ModelAdmin):
    """Enrolled by their owners only; an administrator removes a lost one."""

    list_display = ("user", "name", "created_at", "last_used_at")
    search_fields = ("user__username", "name")
    list_select_related = ("user",)
    fields = ("user", "name", "created_at", "last_used_at")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
