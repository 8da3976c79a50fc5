from django.utils.translation import gettext_lazy as _

from openmun.apps import PortalAppConfig


class ConsultationsConfig(PortalAppConfig):
    # Chosen over the PortalAppConfig base that this module imports (Django's rule for several configs).
    default = True
    name = "consultations"
    verbose_name = _("Citizen participation")
    fixtures = ("consultations.json",)

    def ready(self) -> None:
        from consultations.models import Comment, Contribution
        from consultations.notices import comment_decision_notice, contribution_decision_notice
        from consultations.selectors import home_section_data, round_followed, rounds_opening
        from consultations.views import project_section_context
        from following.registry import TargetKind, opening_source_register, target_kind_register
        from moderation.services import decision_notice_register
        from programme.sections import HomeSection, ProjectSection, home_section_register, section_register

        # Authors who left an address hear of the moderators' decisions on what they wrote.
        decision_notice_register(Comment, comment_decision_notice)
        decision_notice_register(Contribution, contribution_decision_notice)

        # The comments on a project and the contributions that shaped it, below the project's own sections.
        section_register(
            ProjectSection(
                name="participation",
                template="consultations/_project_participation.html",
                context=project_section_context,
            )
        )
        # The rounds open today, or the next one, in the home page's "participate now" block.
        home_section_register(
            HomeSection(
                name="consultations",
                template="consultations/_home_section.html",
                context=home_section_data,
                order=10,
            )
        )
        # A round's page can be followed by e-mail: the official replies and the outcomes published.
        target_kind_register(
            TargetKind(
                name="round",
                resolve=round_followed,
                events={
                    "opened": _("The consultation “%(title)s” is open: you can take part."),
                    "outcome": _("The commune has published what it did with the contributions to “%(title)s”."),
                },
            )
        )
        opening_source_register(rounds_opening)
