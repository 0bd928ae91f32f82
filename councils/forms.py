from django import forms
from django.utils.translation import gettext_lazy as _

from core.models import Organisation, User
from core.selectors import membership_candidates, people_active
from indicators.models import Indicator
from initiatives.models import Delivery, Initiative
from strategy.models import Goal

from .models import ActionStatus, AgendaItemKind, MembershipRole

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class FilterableSelectMultiple(forms.SelectMultiple):
    """A multi-select that static/js/filter_list.js turns into a search field
    above a list of checkboxes; without JavaScript it stays a native select.
    Its texts travel as data attributes, translated with the page."""

    def __init__(self, attrs=None):
        super().__init__(
            {
                "size": 8,
                "data-filter-list": "",
                "data-filter-label": _("Search the list"),
                "data-filter-hint": _(
                    "Type part of a name or code to narrow the list; "
                    "tick what you choose."
                ),
                # {chosen}, {shown} and {total} are filled in by the script.
                "data-filter-status": _("{chosen} chosen, {shown} of {total} shown"),
                **(attrs or {}),
            }
        )


class DeliveryMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Deliveries by roadmap ID, name and initiative: the roadmap has many
    deliveries with the same name."""

    def label_from_instance(self, obj):
        return f"{obj.roadmap_id} {obj.name} ({obj.initiative.code})"


class MeetingForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DATE_INPUT)
    title = forms.CharField(label=_("Title"), max_length=300)
    place = forms.CharField(label=_("Place"), max_length=200, required=False)


class AgendaItemForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    kind = forms.ChoiceField(label=_("Kind"), choices=AgendaItemKind.choices)
    presenter = forms.CharField(label=_("Presenter"), max_length=200, required=False)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    goals = forms.ModelMultipleChoiceField(
        label=_("Goals"),
        queryset=Goal.objects.order_by("order"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    indicators = forms.ModelMultipleChoiceField(
        label=_("Indicators"),
        queryset=Indicator.objects.select_related("goal").order_by("code"),
        required=False,
        widget=FilterableSelectMultiple(),
    )
    initiatives = forms.ModelMultipleChoiceField(
        label=_("Initiatives"),
        queryset=Initiative.objects.order_by("code"),
        required=False,
        widget=FilterableSelectMultiple(),
    )
    deliveries = DeliveryMultipleChoiceField(
        label=_("Roadmap deliveries"),
        queryset=Delivery.objects.filter(removed_in_version="")
        .select_related("initiative")
        .order_by("initiative__code", "name"),
        required=False,
        widget=FilterableSelectMultiple(),
    )


class DecisionForm(forms.Form):
    text = forms.CharField(
        label=_("Decision text"), widget=forms.Textarea(attrs={"rows": 4})
    )
    decided_on = forms.DateField(label=_("Decided on"), widget=DATE_INPUT)


class AmendmentForm(forms.Form):
    text = forms.CharField(
        label=_("Amended text"), widget=forms.Textarea(attrs={"rows": 4})
    )
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2})
    )


class FollowUpForm(forms.Form):
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 2})
    )
    responsible = forms.ModelChoiceField(
        label=_("Responsible organisation"),
        queryset=Organisation.objects.filter(is_active=True),
        required=False,
    )
    assignee = forms.ModelChoiceField(
        label=_("Responsible person"),
        help_text=_("An organisation, a person or both."),
        queryset=User.objects.none(),
        required=False,
    )
    due_date = forms.DateField(label=_("Due date"), widget=DATE_INPUT)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = people_active()


class FollowUpStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ActionStatus.choices)
    note = forms.CharField(
        label=_("Note"),
        help_text=_("Required when done or cancelled."),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )


class MembershipForm(forms.Form):
    person_name = forms.CharField(
        label=_("Name"),
        max_length=200,
        required=False,
        help_text=_("Leave empty to use the login's name."),
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.filter(is_active=True),
        required=False,
    )
    role = forms.ChoiceField(label=_("Role"), choices=MembershipRole.choices)
    user = forms.ModelChoiceField(
        label=_("Login"),
        help_text=_(
            "Only logins that already have a role for the council's pages are "
            "listed; an administrator grants roles."
        ),
        queryset=User.objects.none(),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Evaluated per form: who holds which role changes.
        self.fields["user"].queryset = membership_candidates()

    def clean(self):
        data = super().clean()
        if not data.get("person_name", "").strip() and not data.get("user"):
            raise forms.ValidationError(_("Give the member's name or login."))
        return data


class PlanAdjustForm(forms.Form):
    """One decision's adjustment of the plan: a target and/or a priority."""

    reason = forms.CharField(
        label=_("Why the plan changes"), widget=forms.Textarea(attrs={"rows": 2})
    )
    indicator = forms.ModelChoiceField(
        label=_("Indicator"),
        queryset=Indicator.objects.order_by("code"),
        required=False,
    )
    target_value = forms.DecimalField(
        label=_("New target value"),
        required=False,
        localize=True,
        max_digits=20,
        decimal_places=6,
    )
    target_year = forms.IntegerField(
        label=_("Target year"), required=False, min_value=2000, max_value=2100
    )
    initiative = forms.ModelChoiceField(
        label=_("Initiative"),
        queryset=Initiative.objects.order_by("code"),
        required=False,
    )
    priority = forms.IntegerField(
        label=_("New priority (1 is highest)"),
        required=False,
        min_value=1,
        max_value=99,
    )

    def clean(self):
        data = super().clean()
        if not data.get("indicator") and not data.get("initiative"):
            raise forms.ValidationError(
                _("Choose an indicator or an initiative to adjust.")
            )
        if data.get("indicator") and data.get("target_value") is None:
            self.add_error("target_value", _("Give the new target value."))
        return data


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("Document"),
        help_text=_("PDF, Word, Excel, PowerPoint, PNG or JPEG; at most 20 MB."),
    )
