from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpenmunConfig(AppConfig):
    # Chosen over PortalAppConfig below, which is the base of the feature apps' configs.
    default = True
    name = "openmun"
    verbose_name = _("openmun")

    def ready(self) -> None:
        from openmun import signals  # noqa: F401


class PortalAppConfig(AppConfig):
    """An app whose data the portal publishes: each feature app's AppConfig declares itself with this base.

    - Any change to one of its models moves the content version that every cached page is keyed under
      (openmun/cache.py); apps that are not declared (Django's own) move nothing, and neither do derived_models.
    - derived_models names the models that only derive from others, as a cache does (the search index): the
      change they follow has moved the version already.
    - private_models names the models that no public page, feed or printed document shows: personal data kept to
      confirm or count something (a support before it counts, a voter's address). Their rows change at every
      visitor's action, which must not throw away every cached page; the service that publishes what they become
      (a support counted on its petition) moves the version itself.
    - printed_models names the models whose change also moves the version the PDFs are cached under.
    - printed_documents names, by dotted path, the functions f(*, language) that return a printed document,
      rendered once per version: the background worker calls them after a change to printed_models, so that
      visitors find them rendered (openmun/tasks.py).
    - fixtures names the files of fixtures/ that hold the commune's data for this app (load_commune_data).
    """

    default_auto_field = "django.db.models.BigAutoField"
    printed_models: frozenset[str] = frozenset()
    derived_models: frozenset[str] = frozenset()
    private_models: frozenset[str] = frozenset()
    printed_documents: tuple[str, ...] = ()
    fixtures: tuple[str, ...] = ()
