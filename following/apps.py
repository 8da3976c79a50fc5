from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FollowingConfig(AppConfig):
    """Follow a page without an account: double opt-in, news by e-mail, one-click unsubscribe."""

    name = "following"
    verbose_name = _("Following")

    def ready(self) -> None:
        from following.services import follow_data_purge
        from moderation.services import purge_register

        # The daily purge_personal_data also erases follows that were never confirmed.
        purge_register(follow_data_purge)
