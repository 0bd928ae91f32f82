from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.admin_mixins import ReadOnlyAdminMixin

from .models import (
    AgendaItem,
    AgendaItemAttachment,
    Council,
    Decision,
    DecisionAmendment,
    FollowUpAction,
    Meeting,
    MeetingPackPdf,
    MeetingSnapshot,
    MeetingStatus,
    Membership,
)
from .services import agenda_item_next_number


def _locked(item: AgendaItem | None) -> bool:
    return item is not None and item.meeting.status == MeetingStatus.MINUTES_APPROVED


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
    fields = ("case_number", "title", "kind", "presenter")
    readonly_fields = fields
    show_change_link = True

    # Items get their number from the service: add them on the item page.
    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Meeting)
class MeetingAdmin(SimpleHistoryAdmin):
    list_display = ("date", "council", "title", "status")
    list_filter = ("council", "status")
    inlines = [AgendaItemInline]


@admin.register(AgendaItem)
class AgendaItemAdmin(SimpleHistoryAdmin):
    list_display = ("__str__", "meeting", "kind")
    list_filter = ("kind", "council")
    exclude = ("council", "year", "number")
    readonly_fields = ("case_number",)
    filter_horizontal = ("goals", "indicators", "initiatives", "deliveries")

    # Items get their number from the service (agenda_item_add): the add page
    # had none to give and failed; they are added on the meeting's page.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not _locked(obj)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.council_id = obj.meeting.council_id
            obj.year, obj.number = agenda_item_next_number(meeting=obj.meeting)
        super().save_model(request, obj, form, change)


@admin.register(DecisionAmendment)
class DecisionAmendmentAdmin(SimpleHistoryAdmin):
    list_display = ("decision", "made_by", "made_at")
    readonly_fields = ("made_by", "made_at")

    def save_model(self, request, obj, form, change):
        if not change:
            obj.made_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(MeetingSnapshot)
class MeetingSnapshotAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("meeting", "frozen_at", "frozen_by", "content_hash")


class FollowUpActionInline(admin.TabularInline):
    model = FollowUpAction
    extra = 0


@admin.register(Decision)
class DecisionAdmin(SimpleHistoryAdmin):
    list_display = ("__str__", "decided_on")
    inlines = [FollowUpActionInline]

    # Approved minutes are locked: decisions change by recorded amendments.
    def has_change_permission(self, request, obj=None):
        locked = obj is not None and _locked(obj.agenda_item)
        return super().has_change_permission(request, obj) and not locked


@admin.register(FollowUpAction)
class FollowUpActionAdmin(SimpleHistoryAdmin):
    list_display = ("description", "responsible", "due_date", "status")
    list_filter = ("status",)


@admin.register(MeetingPackPdf)
class MeetingPackPdfAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("snapshot", "status", "requested_at", "finished_at")
    exclude = ("pdf",)


@admin.register(AgendaItemAttachment)
class AgendaItemAttachmentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("name", "agenda_item", "size", "uploaded_by", "uploaded_at")
