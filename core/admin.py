from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .admin_mixins import ReadOnlyAdminMixin
from .forms import LockoutAdminAuthenticationForm
from .models import AuthEvent, HealthPing, Organisation, User

# The admin's own login page obeys the same lockout as the site's.
admin.site.login_form = LockoutAdminAuthenticationForm


@admin.register(User)
class TrackerUserAdmin(UserAdmin):
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        (_("Organisation"), {"fields": ("organisation",)}),
    )
    list_display = ("username", "email", "organisation", "is_active", "last_login")
    list_filter = ("groups", "is_active", "is_staff")


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
