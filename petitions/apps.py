from django.utils.translation import gettext_lazy as _

from openmun.apps import PortalAppConfig


class PetitionsConfig(PortalAppConfig):
    # Chosen over the PortalAppConfig base that this module imports (Django's rule for several configs).
    default = True
    name = "petitions"
    verbose_name = _("Petitions and council sessions")

    def ready(self) -> None:
        from petitions.selectors import home_council_data, home_section_data
        from programme.sections import HomeSection, home_section_register

        # In the home page's "participate now" block: the petitions gathering support, and the council's next session.
        home_section_register(
            HomeSection(name="petitions", template="petitions/_home_section.html", context=home_section_data, order=30)
        )
        home_section_register(
            HomeSection(name="council", template="petitions/_home_council.html", context=home_council_data, order=40)
        )
