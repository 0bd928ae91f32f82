from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.admin_mixins import CodeRuleAdminMixin, ReadOnlyAdminMixin

from .models import (
    Delivery,
    DeliveryChange,
    IndicatorContribution,
    Initiative,
    RoadmapImport,
    RoadmapPhase,
    StatusReport,
)


@admin.register(RoadmapPhase)
class RoadmapPhaseAdmin(admin.ModelAdmin):
    list_display = ("order", "name_nb")


@admin.register(Initiative)
class InitiativeAdmin(CodeRuleAdminMixin, SimpleHistoryAdmin):
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


@admin.register(IndicatorContribution)
class IndicatorContributionAdmin(SimpleHistoryAdmin):
    list_display = ("initiative", "indicator", "created_at")
    list_select_related = ("initiative", "indicator")


@admin.register(RoadmapImport)
class RoadmapImportAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("version", "imported_at", "imported_by", "delivery_count")
    exclude = ("content",)


@admin.register(DeliveryChange)
class DeliveryChangeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("roadmap_import", "delivery", "kind", "field")
    list_filter = ("kind", "field", "roadmap_import__version")
    search_fields = ("delivery__roadmap_id", "delivery__name")
    list_select_related = ("roadmap_import", "delivery")
