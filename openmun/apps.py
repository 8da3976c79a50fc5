from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpenmunConfig(AppConfig):
    name = "openmun"
    verbose_name = _("openmun")

    def ready(self) -> None:
        from openmun import signals  # noqa: F401
