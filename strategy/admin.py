from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.admin_mixins import ReadOnlyAdminMixin

from .models import Goal, GoalProgress, PlanVersion, Strategy, SubGoal


@admin.register(Strategy)
class StrategyAdmin(SimpleHistoryAdmin):
    list_display = ("title_nb", "start_year", "end_year", "document_version")


class SubGoalInline(admin.TabularInline):
    model = SubGoal
    extra = 0
    fields = ("code", "title_nb", "order", "strategy_version")


@admin.register(Goal)
class GoalAdmin(SimpleHistoryAdmin):
    list_display = ("code", "title_nb", "kind", "order", "strategy_version")
    list_filter = ("kind",)
    search_fields = ("code", "title_nb", "title_en")
    inlines = [SubGoalInline]


@admin.register(SubGoal)
class SubGoalAdmin(SimpleHistoryAdmin):
    list_display = ("code", "title_nb", "goal", "strategy_version")
    list_filter = ("goal", "strategy_version")
    search_fields = ("code", "title_nb")


@admin.register(PlanVersion)
class PlanVersionAdmin(SimpleHistoryAdmin):
    list_display = ("number", "created_at", "created_by", "decision")
    readonly_fields = ("created_at",)


@admin.register(GoalProgress)
class GoalProgressAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("goal", "as_of", "status", "score", "computed_at")
    list_filter = ("goal", "status")
    date_hierarchy = "as_of"
