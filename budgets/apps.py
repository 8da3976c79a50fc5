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
