from django.contrib import admin

from core.admin_mixins import ReadOnlyAdminMixin

from .models import NotificationPreference, SentNotification


@admin.register(SentNotification)
class SentNotificationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The record of what was told to whom: written by the sweep only."""

    list_display = ("created_at", "kind", "recipient", "due_step", "status", "sent_at")
    list_filter = ("kind", "status", "delivery")
    search_fields = ("recipient", "line")
    date_hierarchy = "created_at"


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Each person sets their own on the notifications page."""

    list_display = ("user", "kind", "delivery")
    list_filter = ("kind", "delivery")
    list_select_related = ("user",)
