from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from core.models import Organisation
from indicators.models import Indicator
from strategy.models import Goal, SubGoal

from .models import Rag, StatusReport
from .roadmap import VERSION_PATTERN, RoadmapFileError, decode_roadmap

# The 2026-08 list is 156 kB. The preview posts the text back on commit, so
# this stays under DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB by default).
MAX_ROADMAP_BYTES = 2 * 1024 * 1024

version_field = forms.CharField(
    label=_("Roadmap version"),
    max_length=7,
    validators=[
        RegexValidator(VERSION_PATTERN, _("Use year and month, e.g. 2026-08."))
    ],
    help_text=_("Year and month of the list, e.g. 2026-08."),
)


class RoadmapUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Roadmap delivery list (CSV)"),
        help_text=_("Semicolon-separated, UTF-8, as exported from the roadmap."),
    )
    version = version_field

    def clean_file(self) -> str:
        """The file's text; refuses large, empty and non-UTF-8 files."""
        upload = self.cleaned_data["file"]
        if upload.size > MAX_ROADMAP_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(limit)s MB.")
                % {"limit": MAX_ROADMAP_BYTES // (1024 * 1024)}
            )
        try:
            return decode_roadmap(upload.read())
        except RoadmapFileError as exc:
            raise forms.ValidationError(str(exc)) from None


class RoadmapCommitForm(forms.Form):
    """Carries the previewed file back, so the commit imports exactly that."""

    content = forms.CharField(widget=forms.HiddenInput, strip=False)
    version = version_field
    file_name = forms.CharField(widget=forms.HiddenInput, required=False)
    fingerprint = forms.CharField(widget=forms.HiddenInput, max_length=64)


def _checkboxes(label, queryset) -> forms.ModelMultipleChoiceField:
    return forms.ModelMultipleChoiceField(
        label=label,
        queryset=queryset,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


class InitiativeForm(forms.Form):
    name_en = forms.CharField(label=_("Name (English)"), max_length=300, required=False)
    description_nb = forms.CharField(
        label=_("Description (Norwegian)"), widget=forms.Textarea, required=False
    )
    responsible = _checkboxes(
        _("Responsible organisations"), Organisation.objects.filter(is_active=True)
    )
    linked_goals = _checkboxes(
        _("Also contributes to goals"), Goal.objects.order_by("order")
    )
    linked_sub_goals = _checkboxes(
        _("Also contributes to sub-goals"), SubGoal.objects.select_related("goal")
    )
    indicators = _checkboxes(
        _("Indicators it should move"), Indicator.objects.select_related("goal")
    )


class StatusReportForm(forms.ModelForm):
    class Meta:
        model = StatusReport
        fields = ["period", "rag", "narrative", "risks", "next_milestones"]
        widgets = {"rag": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rag"].choices = Rag.choices  # no empty choice for a radio

    def validate_unique(self) -> None:
        """A second report for a period corrects the first (see the service)."""
