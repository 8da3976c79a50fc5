from django.utils.translation import gettext_lazy as _

from openmun.apps import PortalAppConfig


class ConsultationsConfig(PortalAppConfig):
    # Chosen over the PortalAppConfig base that this module imports (Django's rule for several configs).
    default = True
    name = "consultations"
    verbose_name = _("Citizen participation")
    fixtures = ("consultations.json",)

    def ready(self) -> None:
        from consultations.views import project_section_context
        from programme.sections import ProjectSection, section_register

        # The comments on a project and the contributions that shaped it, below the project's own sections.
        section_register(
            ProjectSection(
                name="participation",
                template="consultations/_project_participation.html",
                context=project_section_context,
            )
        )
