from django import forms
from django.utils.translation import gettext_lazy as _

from core.texts import NorwegianText
from strategy.models import Goal, SubGoal

from .models import PlanningStatus
from .rules import VALUE_CHAIN


class RoadmapFilterForm(forms.Form):
    """The roadmap page's filters; unknown values are refused, not ignored."""

    goal = forms.ChoiceField(label=_("Goal"), required=False)
    sub_goal = forms.ChoiceField(label=_("Sub-goal"), required=False)
    step = forms.TypedChoiceField(
        label=_("Phase"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("All phases"))]
        # The roadmap's own bokmål names: it has no English for them.
        + [
            (str(n), NorwegianText(name)) for n, name in enumerate(VALUE_CHAIN, start=1)
        ],
    )
    planning_status = forms.ChoiceField(
        label=_("Planning status"),
        required=False,
        choices=[("", _("All")), *PlanningStatus.choices],
    )
    removed = forms.BooleanField(
        label=_("Show deliveries removed from the roadmap"),
        required=False,
        label_suffix="",  # the box comes before its label: no colon
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The goals by id, for the roadmap's sections and chart too (one query).
        self.goals = {
            goal.pk: goal
            for goal in Goal.objects.order_by("order").only(
                "code", "title_nb", "title_en"
            )
        }
        self.fields["goal"].choices = [("", _("All goals"))] + [
            (goal.code, goal.code) for goal in self.goals.values()
        ]
        self.fields["sub_goal"].choices = [("", _("All sub-goals"))] + [
            (code, code)
            for code in SubGoal.objects.order_by("goal__order", "order")
            .values_list("code", flat=True)
            .distinct()
        ]
