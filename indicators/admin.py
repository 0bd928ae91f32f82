from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Indicator, IndicatorValue, ProgressSnapshot


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
class IndicatorValueAdmin(SimpleHistoryAdmin):
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

    # Values are recorded, approved and corrected through the services so that
    # revisions and the four-eyes rule hold; the admin only shows them.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ProgressSnapshot)
class ProgressSnapshotAdmin(admin.ModelAdmin):
    list_display = ("indicator", "as_of", "status", "score", "method", "computed_at")
    list_filter = ("status", "method")
    list_select_related = ("indicator",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
