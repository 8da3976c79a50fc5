"""The app configs that settings.INSTALLED_APPS names in place of Django's admin and django-axes.

Kept apart from openmun/admin_site.py: INSTALLED_APPS imports this module before any model can be loaded.
"""

from axes.apps import AppConfig as AxesAppConfig
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _


class StaffAdminConfig(AdminConfig):
    """Django's admin, whose default site (admin.site) asks staff for a second factor (openmun/admin_site.py)."""

    default_site = "openmun.admin_site.StaffAdminSite"

    def ready(self) -> None:
        super().ready()
        from openmun.admin_site import device_admins_unregister

        device_admins_unregister()


class AxesConfig(AxesAppConfig):
    # django-axes names no verbose_name: the admin's index would head its block "AXES", in English.
    verbose_name = _("Sign-in lockouts")
