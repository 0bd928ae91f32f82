from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    AgendaItem,
    Council,
    Decision,
    FollowUpAction,
    Meeting,
    MeetingSnapshot,
    Membership,
)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0


@admin.register(Council)
class CouncilAdmin(SimpleHistoryAdmin):
    list_display = ("name_nb", "level", "slug")
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ("person_name", "council", "organisation", "role")
    list_filter = ("council", "role")


class AgendaItemInline(admin.TabularInline):
    model = AgendaItem
    extra = 0
    fields = ("year", "number", "title", "kind", "presenter")


@admin.register(Meeting)
class MeetingAdmin(SimpleHistoryAdmin):
    list_display = ("date", "council", "title", "status")
    list_filter = ("council", "status")
    inlines = [AgendaItemInline]


@admin.register(AgendaItem)
class AgendaItemAdmin(SimpleHistoryAdmin):
    list_display = ("__str__", "meeting", "kind")
    list_filter = ("kind", "meeting__council")
    filter_horizontal = ("goals", "indicators", "initiatives", "deliveries")


@admin.register(MeetingSnapshot)
class MeetingSnapshotAdmin(admin.ModelAdmin):
    list_display = ("meeting", "frozen_at", "frozen_by", "content_hash")

    # A frozen pack is evidence: never edited.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class FollowUpActionInline(admin.TabularInline):
    model = FollowUpAction
    extra = 0


@admin.register(Decision)
class DecisionAdmin(SimpleHistoryAdmin):
    list_display = ("__str__", "decided_on")
    inlines = [FollowUpActionInline]


@admin.register(FollowUpAction)
class FollowUpActionAdmin(SimpleHistoryAdmin):
    list_display = ("description", "responsible", "due_date", "status")
    list_filter = ("status",)
