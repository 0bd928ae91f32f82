from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.admin_mixins import ReadOnlyAdminMixin

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


@admin.register(IndicatorValue)
class IndicatorValueAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
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
class ProgressSnapshotAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("indicator", "as_of", "status", "score", "method", "computed_at")
    list_filter = ("status", "method")
    list_select_related = ("indicator",)


@admin.register(IndicatorTargetChange)
class IndicatorTargetChangeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("indicator", "effective_from", "changed_by", "changed_at")
    list_select_related = ("indicator", "changed_by")


@admin.register(ValueImport)
class ValueImportAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("filename", "status", "total_rows", "created_by", "created_at")
    list_select_related = ("created_by",)
    exclude = ("content", "report")
