from django import forms
from django.utils.translation import gettext_lazy as _

from .models import MANDATORY_KINDS, Delivery, Kind


class PreferencesForm(forms.Form):
    """One choice per kind; a mandatory kind offers no "off"."""

    def __init__(self, *args, current: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        for kind in Kind:
            choices = [
                (d.value, d.label)
                for d in Delivery
                if not (d == Delivery.OFF and kind in MANDATORY_KINDS)
            ]
            self.fields[kind.value] = forms.ChoiceField(
                label=kind.label,
                choices=choices,
                initial=current.get(kind.value, Delivery.IMMEDIATELY),
                help_text=_("Cannot be turned off.") if kind in MANDATORY_KINDS else "",
            )
