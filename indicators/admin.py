from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Indicator,
    IndicatorTargetChange,
    IndicatorValue,
    ProgressSnapshot,
    ValueImport,
)


@admin.register(Indicator)
class IndicatorAdmin(SimpleHistoryAdmin):
    list_display = (
        "code",
        "name_nb",
        "goal",
        "direction",
        "unit",
        "frequency",
        "is_demo",
    )
    list_filter = ("goal", "direction", "frequency", "is_demo")
    search_fields = ("code", "name_nb", "name_en")


class ReadOnlyMixin:
    """Written only through the services, so that their rules hold; shown here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(IndicatorValue)
class IndicatorValueAdmin(ReadOnlyMixin, SimpleHistoryAdmin):
    list_display = (
        "indicator",
        "period_label",
        "value",
        "status",
        "source",
        "entered_by",
        "entered_at",
        "approved_by",
    )
    list_filter = ("status", "source", "indicator__goal", "indicator__is_demo")
    search_fields = ("indicator__code",)
    list_select_related = ("indicator", "entered_by", "approved_by")


@admin.register(ProgressSnapshot)
class ProgressSnapshotAdmin(admin.ModelAdmin):
    list_display = ("indicator", "as_of", "status", "score", "method", "computed_at")
    list_filter = ("status", "method")
    list_select_related = ("indicator",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(IndicatorTargetChange)
class IndicatorTargetChangeAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("indicator", "effective_from", "changed_by", "changed_at")
    list_select_related = ("indicator", "changed_by")


@admin.register(ValueImport)
class ValueImportAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("filename", "status", "total_rows", "created_by", "created_at")
    list_select_related = ("created_by",)
    exclude = ("content", "report")
