"""Query filters of the indicators API: strict, so that a typo is a 400."""

import datetime as dt

import django_filters
from django import forms
from django.utils.translation import gettext as _

from core.filters import strict_bool_filter

from .breakdowns import BreakdownError, breakdown_key, breakdown_parse
from .models import Indicator, IndicatorValue, ValueStatus
from .parsing import ANNUAL, MONTHLY, QUARTERLY, InputError, period_next, period_parse


class IndicatorFilter(django_filters.FilterSet):
    goal = django_filters.CharFilter(field_name="goal__code")
    is_demo = strict_bool_filter()

    class Meta:
        model = Indicator
        fields: list[str] = []


class PeriodLabelField(forms.CharField):
    """``2024``, ``2024-Q3`` or ``2024-06`` → (first day, granularity)."""

    def to_python(self, value):
        text = super().to_python(value)
        if not text:
            return None
        error = None
        for granularity in (ANNUAL, QUARTERLY, MONTHLY):
            try:
                start = period_parse(text, frequency=granularity, today=dt.date.max)
            except InputError as exc:
                error = error or exc
            else:
                return start, granularity
        raise forms.ValidationError(str(error))


class PeriodLabelFilter(django_filters.Filter):
    field_class = PeriodLabelField


class BreakdownFilterField(forms.CharField):
    """``region:03`` (``region:03,sector:kommune``) or ``national`` → the key."""

    def to_python(self, value):
        text = super().to_python(value)
        if not text:
            return None
        try:
            return breakdown_key(breakdown_parse(text))
        except BreakdownError:
            raise forms.ValidationError(
                _(
                    "Name the series as dimension:code, e.g. region:03 (several "
                    "joined by commas), or national."
                )
            ) from None


class BreakdownFilter(django_filters.Filter):
    field_class = BreakdownFilterField

    def filter(self, queryset, value):
        return queryset if value is None else queryset.filter(breakdown=value)


class ValueFilter(django_filters.FilterSet):
    period_from = PeriodLabelFilter(method="filter_from", label="from")
    breakdown = BreakdownFilter(
        label="breakdown",
        help_text="The series: region:03 (several joined by commas), or national.",
    )
    period_to = PeriodLabelFilter(method="filter_to", label="to")
    status = django_filters.ChoiceFilter(choices=ValueStatus.choices)
    history = strict_bool_filter(method="filter_history")
    ordering = django_filters.OrderingFilter(
        fields=(("period_start", "period"), ("entered_at", "entered_at"))
    )

    class Meta:
        model = IndicatorValue
        fields: list[str] = []

    def __init__(self, data=None, *args, **kwargs):
        # ``from`` is a Python keyword: accept it as the query name.
        if data is not None:
            data = data.copy()
            for name in ("from", "to"):
                if name in data:
                    data[f"period_{name}"] = data.pop(name)[-1]
        super().__init__(data, *args, **kwargs)

    def filter_from(self, queryset, name, value):
        return queryset.filter(period_start__gte=value[0])

    def filter_to(self, queryset, name, value):
        return queryset.filter(period_start__lt=period_next(*value))

    def filter_history(self, queryset, name, value):
        return queryset  # see filter_queryset

    def filter_queryset(self, queryset):
        if not self.form.cleaned_data.get("history"):
            queryset = queryset.filter(superseded_at__isnull=True)
        queryset = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("ordering"):
            queryset = queryset.order_by("period_start", "entered_at", "pk")
        return queryset
