"""A person's own account: choosing a new password."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from . import services
from .security import client_address


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change (old password, the password rules, the
    session kept signed in), then back to the overview with a confirmation."""

    template_name = "registration/password_change.html"
    success_url = reverse_lazy("strategy:overview")

    def form_valid(self, form):
        response = super().form_valid(form)
        services.password_changed(user=form.user, address=client_address(self.request))
        messages.success(self.request, _("Your password has been changed."))
        return response
