from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Users, roles and operations")

    def ready(self) -> None:
        from django.core import checks

        from . import schema, signals  # noqa: F401 - registers the scheme and receivers
        from .checks import oidc_settings_are_complete

        checks.register(oidc_settings_are_complete, checks.Tags.security)
