from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from openmun.apps import PortalAppConfig


class BudgetsConfig(PortalAppConfig):
    # Chosen over the PortalAppConfig base that this module imports (Django's rule for several configs).
    default = True
    name = "budgets"
    verbose_name = _("Citizen budget and participatory budget")
    # What the citizen-budget booklet shows: proposals and votes must not re-render it.
    printed_models = frozenset({"budgetyear", "budgetline", "glossaryterm"})
    fixtures = ("budgets.json",)
    # Voters' addresses (hashed) and links are shown nowhere. Ballots are shown only as the results' counts, once
    # the vote is over: thousands of votes must not empty the page cache while no page shows them, and the services
    # and the admin move the version themselves when a change reaches public results (budgets/services.py).
    private_models = frozenset({"voter", "ballot", "ballotchoice"})

    def ready(self) -> None:
        from budgets.selectors import home_section_data
        from budgets.selectors.participatory import phases_opening
        from following.registry import Followed, TargetKind, opening_source_register, target_kind_register
        from programme.sections import HomeSection, home_section_register

        # The cycles under way, their phase and what a citizen can do in it, in the home page's "participate now".
        home_section_register(
            HomeSection(name="budget", template="budgets/_home_section.html", context=home_section_data, order=20)
        )
        # The participatory budget can be followed by e-mail: each phase of a cycle that opens.
        target_kind_register(
            TargetKind(
                name="budget",
                resolve=lambda ident: (
                    Followed(title=str(_("Participatory budget")), path=reverse("budgets:cycle-list"))
                    if ident == "participatory"
                    else None
                ),
                events={
                    "phase_opened": _("A new phase of the participatory budget has begun: see what you can do now.")
                },
            )
        )
        opening_source_register(phases_opening)
