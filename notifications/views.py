"""Each person's tasks, and their choice of notifications per kind."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from core.roles import DASHBOARD_READERS, role_required, user_roles

from .due import tasks_for
from .forms import PreferencesForm
from .models import NotificationPreference
from .services import preferences_set


@require_http_methods(["GET", "POST"])
@role_required(*DASHBOARD_READERS)
def preferences(request):
    current = dict(
        NotificationPreference.objects.filter(user=request.user).values_list(
            "kind", "delivery"
        )
    )
    form = PreferencesForm(request.POST or None, current=current)
    if request.method == "POST" and form.is_valid():
        preferences_set(user=request.user, choices=form.cleaned_data)
        messages.success(request, _("Your choices were saved."))
        return redirect("notifications:preferences")
    ctx = {"form": form, "email": request.user.email, "heading": _("Notifications")}
    status = 400 if form.errors else 200
    return render(request, "notifications/preferences.html", ctx, status=status)


TASK_HEADINGS = {
    "value_due": gettext_lazy("Values to enter"),
    "approvals_waiting": gettext_lazy("Values to approve"),
    "report_due": gettext_lazy("Status reports due"),
    "follow_up_due": gettext_lazy("Follow-ups"),
    "meeting": gettext_lazy("Meetings to prepare"),
    "pack_frozen": gettext_lazy("Meeting packs to read"),
}


@require_GET
@role_required(*DASHBOARD_READERS)
def my_tasks(request):
    items = tasks_for(
        user=request.user, roles=user_roles(request.user), today=timezone.localdate()
    )
    groups = [
        (kind, heading, [item for item in items if item.kind == kind])
        for kind, heading in TASK_HEADINGS.items()
    ]
    ctx = {"groups": [g for g in groups if g[2]], "count": len(items)}
    return render(request, "notifications/my_tasks.html", ctx)
