from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Delivery, Initiative, RoadmapPhase, StatusReport


@admin.register(RoadmapPhase)
class RoadmapPhaseAdmin(admin.ModelAdmin):
    list_display = ("order", "name_nb")


@admin.register(Initiative)
class InitiativeAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name_nb", "sub_goal")
    list_filter = ("sub_goal__goal",)
    search_fields = ("code", "name_nb")
    filter_horizontal = ("responsible",)


@admin.register(Delivery)
class DeliveryAdmin(SimpleHistoryAdmin):
    list_display = (
        "roadmap_id",
        "name",
        "phase",
        "planning_status",
        "start_date",
        "end_date",
        "version",
        "removed_in_version",
    )
    list_filter = ("planning_status", "phase", "version", "sub_goal__goal")
    search_fields = ("roadmap_id", "name")
    list_select_related = ("initiative",)


@admin.register(StatusReport)
class StatusReportAdmin(SimpleHistoryAdmin):
    list_display = ("initiative", "period", "rag", "reported_by", "reported_at")
    list_filter = ("rag", "period")
    readonly_fields = ("reported_at",)
