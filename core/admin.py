from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import HealthPing, Organisation, User


@admin.register(User)
class TrackerUserAdmin(UserAdmin):
    fieldsets = (
        *UserAdmin.fieldsets,
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
