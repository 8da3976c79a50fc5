from django.utils.translation import gettext_lazy as _

from openmun.apps import PortalAppConfig


class PetitionsConfig(PortalAppConfig):
    # Chosen over the PortalAppConfig base that this module imports (Django's rule for several configs).
    default = True
    name = "petitions"
    verbose_name = _("Petitions and council sessions")
    # Supporters are shown nowhere: a support counts on its petition, whose update moves the version (services).
    private_models = frozenset({"support"})

    def ready(self) -> None:
        from following.registry import TargetKind, target_kind_register
        from petitions.selectors import home_council_data, home_section_data, petition_followed
        from programme.sections import HomeSection, home_section_register

        # In the home page's "participate now" block: the petitions gathering support, and the council's next session.
        home_section_register(
            HomeSection(name="petitions", template="petitions/_home_section.html", context=home_section_data, order=30)
        )
        home_section_register(
            HomeSection(name="council", template="petitions/_home_council.html", context=home_council_data, order=40)
        )
        # A petition's page can be followed by e-mail (and its supporters may ask to be kept informed).
        target_kind_register(
            TargetKind(
                name="petition",
                resolve=petition_followed,
                events={
                    "accepted": _(
                        "The petition “%(title)s” has been accepted and put on the agenda of a council session."
                    ),
                    "refused": _("The petition “%(title)s” has been refused: the page gives the reasons."),
                    "deliberated": _(
                        "The council has deliberated on the petition “%(title)s”: the page gives its answer."
                    ),
                    "withdrawn": _("The petition “%(title)s” has been withdrawn: its procedure has ended."),
                },
            )
        )
