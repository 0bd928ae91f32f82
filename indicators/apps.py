from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "indicators"
    verbose_name = _("Target indicators")

    def ready(self):
        checks.register(xlsx_reading_is_defused, checks.Tags.security)


def xlsx_reading_is_defused(app_configs, **kwargs):
    """XLSX uploads are untrusted XML: openpyxl must parse them through
    defusedxml (no entity expansion), which it does only when it is installed."""
    import openpyxl

    if openpyxl.DEFUSEDXML:
        return []
    return [
        checks.Error(
            "defusedxml is not installed (or OPENPYXL_DEFUSEDXML is off): XLSX "
            "imports would parse untrusted XML unprotected.",
            hint="Install the pinned requirements.lock.",
            id="indicators.E001",
        )
    ]
