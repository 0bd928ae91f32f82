from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "indicators"
    verbose_name = _("Target indicators")

    def ready(self) -> None:
        # The import tasks live beside the import code, not in tasks.py.
        from . import imports  # noqa: F401
