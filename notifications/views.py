"""Each person's choice of notifications: per kind, immediately, daily or off."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.roles import DASHBOARD_READERS, role_required

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
