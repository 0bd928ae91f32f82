"""Forms of the administrator's pages for people, roles and organisations."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import Organisation, User
from .roles import Role
from .services import contact_emails_parse


def _unique(queryset, *, lookup: dict, instance, message) -> None:
    """Refuse a name another row holds (ignoring case); the edited row may."""
    if instance is not None:
        queryset = queryset.exclude(pk=instance.pk)
    if queryset.filter(**lookup).exists():
        raise ValidationError(message)


class PersonForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.filter(is_active=True),
        required=False,
    )

    def __init__(self, *args, user: User | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        _unique(
            User.objects,
            lookup={"username__iexact": username},
            instance=self.user,
            message=_("This username is taken."),
        )
        return username


class PersonNewForm(PersonForm):
    """A new person gets a first role, with the reason it is granted."""

    role = forms.ChoiceField(
        label=_("Role"),
        choices=[("", "–")]
        + [(r.value, r.label) for r in Role if r != Role.INTEGRATION],
        required=False,
    )
    reason = forms.CharField(
        label=_("Reason for the role"), max_length=200, required=False
    )

    def clean(self):
        data = super().clean() or {}
        if data.get("role") and not data.get("reason", "").strip():
            self.add_error("reason", _("Give a reason for the role."))
        return data


class RoleChangeForm(forms.Form):
    role = forms.ChoiceField(
        label=_("Role"),
        choices=[(r.value, r.label) for r in Role if r != Role.INTEGRATION],
    )
    grant = forms.TypedChoiceField(
        label=_("Change"),
        choices=[("1", _("Grant")), ("0", _("Revoke"))],
        coerce=lambda value: value == "1",
    )
    reason = forms.CharField(label=_("Reason"), max_length=200)


class OrganisationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    short_name = forms.CharField(label=_("Short name"), max_length=40, required=False)
    contact_emails = forms.CharField(
        label=_("Contact e-mails"),
        help_text=_("One or more addresses, separated by commas or lines."),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, organisation: Organisation | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        _unique(
            Organisation.objects,
            lookup={"name__iexact": name},
            instance=self.organisation,
            message=_("An organisation of this name exists."),
        )
        return name

    def clean_contact_emails(self):
        return contact_emails_parse(self.cleaned_data["contact_emails"])
