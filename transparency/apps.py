from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class TransparencyConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "transparency"
    verbose_name = _("Transparency and reach")

    def ready(self) -> None:
        from transparency import signals  # noqa: F401

        # Each app's transparency.py registers what it publishes (transparency/registry.py).
        autodiscover_modules("transparency")
