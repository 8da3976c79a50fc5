from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ModerationConfig(AppConfig):
    """The one moderation pipeline: abstract models, services, admin actions; no table of its own."""

    name = "moderation"
    verbose_name = _("Moderation")
