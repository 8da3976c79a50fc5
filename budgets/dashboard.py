"""The participatory budget on the staff dashboard (openmun/dashboard.py).

Proposals awaiting review, and published ones that visitors reported, are in the moderation panel with every moderated
model (moderation/dashboard.py). This module adds the phases of the cycles that start or have their last day this
week, each linked to its cycle's admin page (where the phases are edited); a cycle not published yet says so.
"""

from __future__ import annotations

from django.utils.text import capfirst
from django.utils.translation import gettext as _

from budgets.selectors.participatory import phases_this_week
from openmun.dashboard import (
    THIS_WEEK,
    DashboardEntry,
    DashboardSource,
    Today,
    change_url,
    closing_detail,
    dashboard_source_register,
    opening_detail,
)


def phase_entries(today: Today) -> list[DashboardEntry]:
    """Return the participatory-budget phases that start or end this week, by day; one query."""
    entries = []
    for event in phases_this_week(today.day, today.week_end):
        cycle = event.phase.cycle
        what = capfirst(event.phase.get_kind_display())
        detail = opening_detail if event.starts else closing_detail
        label = cycle.title if cycle.is_published else _("%(cycle)s (not published)") % {"cycle": cycle.title}
        entries.append(
            DashboardEntry(label=label, url=change_url(cycle), detail=detail(what, event.day, today), day=event.day)
        )
    return entries


dashboard_source_register(
    DashboardSource(
        name="budgets:phases",
        panel=THIS_WEEK,
        models=("budgets.cycle", "budgets.phase"),
        entries=phase_entries,
        order=20,
    )
)
