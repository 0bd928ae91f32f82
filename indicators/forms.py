"""HTML forms of the indicators app; they validate input, services write."""

import datetime as dt
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.numbers import decimal_text
from core.texts import NorwegianText

from .breakdowns import NATIONAL
from .import_files import MAX_BYTES, XLSX_MAGIC
from .models import Indicator
from .parsing import InputError, decimal_parse, period_parse, text_check
from .selectors import SeriesChoices


def note_field(label, help_text="") -> forms.CharField:
    """An optional short free-text field: comments, reasons."""
    return forms.CharField(
        label=label,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=help_text,
    )


class NorwegianDecimalField(forms.CharField):
    """Accepts ``12,5``, ``1 234,5`` and ``12.5``; shows values back localised."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})

    def __init__(self, *, max_digits=None, decimal_places=None, **kwargs):
        # Accepted from the model field; parsing.decimal_parse checks the size.
        kwargs.pop("localize", None)
        super().__init__(**kwargs)

    def to_python(self, value):
        text = super().to_python(value)
        if text in self.empty_values:
            return None
        try:
            return decimal_parse(text)
        except InputError as exc:
            raise forms.ValidationError(str(exc), code="invalid") from exc

    def prepare_value(self, value):
        return decimal_text(value) if isinstance(value, Decimal) else value


class IndicatorForm(forms.ModelForm):
    """Define or edit an indicator; a baseline/target change needs why and when."""

    change_reason = note_field(
        _("Reason for changing the baseline or target"),
        _("Required when the baseline or target changes."),
    )
    effective_from = forms.DateField(
        label=_("Change applies from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Required when the baseline or target changes."),
    )

    class Meta:
        model = Indicator
        fields = [
            "code",
            "goal",
            "name_nb",
            "name_en",
            "description",
            "unit",
            "unit_label",
            "direction",
            "baseline_value",
            "baseline_year",
            "target_value",
            "target_year",
            "limit",
            "expected_min",
            "expected_max",
            "frequency",
            "data_source",
            "owner",
            "threshold_overrides",
            "breakdowns",
        ]
        field_classes = {
            name: NorwegianDecimalField
            for name in (
                "baseline_value",
                "target_value",
                "limit",
                "expected_min",
                "expected_max",
            )
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "breakdowns": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            del self.fields["change_reason"]
            del self.fields["effective_from"]
        else:
            # The code identifies the indicator in URLs, files and the API.
            self.fields["code"].disabled = True

    def model_fields(self) -> dict:
        """The cleaned model fields the user may change, for the services."""
        return {
            name: self.cleaned_data[name]
            for name in self._meta.fields
            if not self.fields[name].disabled
        }


class ValueEntryForm(forms.Form):
    """Enter or correct one period's value."""

    period = forms.CharField(
        label=_("Period"),
        max_length=10,
        help_text=_("For example 2024, 2024-Q3 or 2024-06."),
    )
    value = NorwegianDecimalField(
        label=_("Value"), help_text=_("Decimal comma allowed, e.g. 12,5 or 1 234,5.")
    )
    comment = note_field(
        _("Comment"), _("Required for a correction: say why the value changes.")
    )
    draft = forms.BooleanField(
        label=_("Save as draft (do not send for approval yet)"),
        required=False,
        label_suffix="",  # the box comes before its label: no colon
    )

    def __init__(
        self, *args, indicator: Indicator, series: SeriesChoices | None = None, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.indicator = indicator
        self.series = series
        if series is not None and len(series.labels) > 1:
            # Only for an indicator broken down: which series the value is of.
            self.fields["series"] = forms.ChoiceField(
                label=_("Series"),
                choices=series.groups,
                required=False,
                initial=NATIONAL,
            )
            self.order_fields(["series", "period", "value", "comment", "draft"])

    def clean_series(self) -> str:
        return self.cleaned_data.get("series") or NATIONAL

    def clean_period(self) -> dt.date:
        try:
            return period_parse(
                self.cleaned_data["period"],
                frequency=self.indicator.frequency,
                today=timezone.localdate(),
            )
        except InputError as exc:
            raise forms.ValidationError(str(exc), code="invalid") from exc

    def clean_comment(self) -> str:
        return _text_checked(self.cleaned_data["comment"])


def _text_checked(text: str) -> str:
    """Free text as ``parsing.text_check`` allows it, as a form error if not."""
    try:
        return text_check(text)
    except InputError as exc:
        raise forms.ValidationError(str(exc), code="invalid") from exc


class ValueIdsField(forms.TypedMultipleChoiceField):
    """Value ids ticked on a page of the queue.

    Any whole number is taken: whether each still waits for a decision, and
    may be decided by this person, is the service's rule (``values_approve``),
    which names the value it refuses. The page a value was on may have moved
    on meanwhile, so the ids shown now are no test.
    """

    def valid_value(self, value):
        return True


class DecisionForm(forms.Form):
    """Approve or reject the chosen values of the queue."""

    values = ValueIdsField(
        label=_("Values"),
        coerce=int,
        error_messages={
            "required": _("Choose values."),
            "invalid_choice": _("%(value)s is not a value of the queue."),
        },
    )
    action = forms.ChoiceField(
        choices=[("approve", _("Approve")), ("reject", _("Reject"))]
    )
    reason = note_field(_("Reason for rejection"))

    def clean_reason(self) -> str:
        return _text_checked(self.cleaned_data["reason"])

    def clean(self):
        data = super().clean()
        if data.get("action") == "reject" and not data.get("reason", "").strip():
            self.add_error("reason", _("Give a reason for the rejection."))
        return data


class QueueFilterForm(forms.Form):
    """Which values of the approval queue to show: one goal's, one indicator's.

    The indicator is typed as its code, not chosen from a list: a list of every
    indicator with values waiting grew the page with the queue.
    """

    goal = forms.ChoiceField(label=_("Goal"), required=False)
    indicator = forms.ModelChoiceField(
        queryset=Indicator.objects.all(),
        to_field_name="code",
        label=_("Indicator code"),
        required=False,
        widget=forms.TextInput(attrs={"size": 16, "autocomplete": "off"}),
        error_messages={"invalid_choice": _("No indicator has the code “%(value)s”.")},
    )

    def __init__(self, *args, goals, **kwargs):
        super().__init__(*args, **kwargs)
        # The selector gives the goals' bokmål titles: marked as such.
        self.fields["goal"].choices = [
            ("", _("All goals")),
            *((code, NorwegianText(title)) for code, title in goals),
        ]

    def filters(self) -> dict:
        """The approval queue's keyword arguments (call after is_valid)."""
        indicator = self.cleaned_data["indicator"]
        return {
            "goal_code": self.cleaned_data["goal"] or None,
            "indicator_code": indicator.code if indicator else None,
        }


class ImportForm(forms.Form):
    """Upload a CSV or XLSX file of values."""

    file = forms.FileField(
        label=_("File (CSV or XLSX)"),
        help_text=_(
            "Columns indicator, period, value and optionally comment (Norwegian "
            "headers work too). UTF-8 or Windows-1252, comma or semicolon."
        ),
    )
    comment = note_field(
        _("Comment for corrections"),
        _("Used for rows that correct a value and have no comment."),
    )

    def clean_comment(self) -> str:
        # Rows without a comment of their own get this one.
        return _text_checked(self.cleaned_data["comment"])

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(mb)d MB; split it into smaller files."),
                code="too_large",
                params={"mb": MAX_BYTES // (1024 * 1024)},
            )
        if not upload.name.lower().endswith((".csv", ".txt", ".xlsx")):
            raise forms.ValidationError(
                _("Upload a .csv or .xlsx file."), code="file_type"
            )
        if upload.name.lower().endswith(".xlsx"):
            head = upload.read(len(XLSX_MAGIC))
            upload.seek(0)
            if head != XLSX_MAGIC:
                raise forms.ValidationError(
                    _("The file is named .xlsx but is not an Excel file (XLSX)."),
                    code="file_type",
                )
        return upload
