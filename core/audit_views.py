"""Administrator pages: the audit trail (with CSV export) and the access review."""

import csv

from django import forms
from django.contrib.auth.models import Group
from django.db.models import Prefetch
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from .audit import audit_entries, audited_models
from .models import ApiKey, AuthEvent, User
from .roles import ADMINS, duty_conflicts, role_required
from .selectors import person_role_names
from .spreadsheet import cell_escape

PAGE_LIMIT = 200


class AuditFilterForm(forms.Form):
    model = forms.ChoiceField(label=gettext_lazy("Kind of data"), required=False)
    user = forms.CharField(label=gettext_lazy("Username"), required=False)
    since = forms.DateField(
        label=gettext_lazy("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    until = forms.DateField(
        label=gettext_lazy("To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        model_field = self.fields["model"]
        assert isinstance(model_field, forms.ChoiceField)
        model_field.choices = [("", _("All"))] + [
            (label, model._meta.verbose_name_plural.capitalize())
            for label, model in audited_models()
        ]

    def filters(self) -> dict:
        data = self.cleaned_data
        return {
            "model_label": data.get("model") or None,
            "username": data.get("user") or None,
            "since": data.get("since"),
            "until": data.get("until"),
        }


def _filtered_entries(request):
    form = AuditFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return form, None
    filters = form.filters() if form.is_bound else {}
    return form, audit_entries(limit=PAGE_LIMIT, **filters)


@require_GET
@role_required(*ADMINS)
def audit_log(request):
    form, entries = _filtered_entries(request)
    ctx = {
        "form": form,
        "entries": entries,
        "limit": PAGE_LIMIT,
        "auth_events": AuthEvent.objects.select_related("user")[:100],
    }
    return render(
        request, "core/audit.html", ctx, status=200 if entries is not None else 400
    )


class _Echo:
    def write(self, value):
        return value


@require_GET
@role_required(*ADMINS)
def audit_csv(request):
    form, entries = _filtered_entries(request)
    if entries is None:
        return render(request, "core/audit.html", {"form": form}, status=400)
    writer = csv.writer(_Echo())
    header = [
        "time",
        "kind_of_data",
        "object",
        "change",
        "user",
        "reason",
        "field",
        "before",
        "after",
    ]

    def rows():
        yield writer.writerow(header)
        for entry in entries:
            base = [
                entry.at.isoformat(),
                entry.model,
                entry.object_repr,
                entry.kind,
                entry.user,
                entry.reason,
            ]
            for field, before, after in entry.changes or [("", "", "")]:
                yield writer.writerow(
                    [cell_escape(str(cell)) for cell in (*base, field, before, after)]
                )

    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="revisjonslogg-{stamp}.csv"'
    )
    return response


@require_GET
@role_required(*ADMINS)
def access_review(request):
    """Who holds which role, when they last logged in, and the API keys' use."""
    keys = ApiKey.objects.select_related("owner").order_by("-created_at")
    users = (
        User.objects.prefetch_related(
            Prefetch("groups", queryset=Group.objects.order_by("name")),
            Prefetch("api_keys", queryset=keys),
            Prefetch("owned_api_keys", queryset=keys),
        )
        .select_related("organisation")
        .order_by("username")
    )
    # Each person with the role pairs that break segregation of duties.
    rows = [(person, duty_conflicts(person_role_names(person))) for person in users]
    ctx = {"rows": rows, "now": timezone.now()}
    return render(request, "core/access_review.html", ctx)
