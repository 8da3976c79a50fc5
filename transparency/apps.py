from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _

from openmun.apps import PortalAppConfig


class TransparencyConfig(PortalAppConfig):
    # Chosen over the PortalAppConfig base that this module imports (Django's rule for several configs).
    default = True
    name = "transparency"
    verbose_name = _("Transparency and reach")
    # The search index follows the objects it is built from, whose change has moved the version already; the
    # synonyms staff edit change what a search finds, and so every cached search page.
    derived_models = frozenset({"searchentry"})
    fixtures = ("transparency.json",)

    def ready(self) -> None:
        from transparency import signals  # noqa: F401

        # Each app's transparency.py registers what it publishes (transparency/registry.py).
        autodiscover_modules("transparency")
