from django.utils.translation import gettext_lazy as _

from openmun.apps import PortalAppConfig


class PetitionsConfig(PortalAppConfig):
    # Chosen over the PortalAppConfig base that this module imports (Django's rule for several configs).
    default = True
    name = "petitions"
    verbose_name = _("Petitions and council sessions")
