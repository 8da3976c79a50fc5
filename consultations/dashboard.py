"""Citizen participation on the staff dashboard (openmun/dashboard.py) and in the admin's header.

- Contributions and comments are moderated on the moderation queue (/<lang>/consultations/moderation/): the
  dashboard's moderation entries for them lead there (moderation/dashboard.py), and the admin's header links to it.
- The consultation rounds whose digital window opens or closes this week, each linked to its admin page.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from consultations.selectors import rounds_this_week
from moderation.dashboard import moderation_screen_register
from openmun.dashboard import (
    THIS_WEEK,
    DashboardEntry,
    DashboardSource,
    StaffScreen,
    Today,
    change_url,
    closing_detail,
    dashboard_source_register,
    opening_detail,
    staff_screen_register,
)

MODERATION_QUEUE = "consultations:moderation-queue"

moderation_screen_register("consultations.contribution", MODERATION_QUEUE)
moderation_screen_register("consultations.comment", MODERATION_QUEUE)
staff_screen_register(
    StaffScreen(
        name="consultations:moderation-queue",
        label=gettext_lazy("Moderation queue"),
        url_name=MODERATION_QUEUE,
        permissions=("consultations.moderate_contribution", "consultations.moderate_comment"),
        order=10,
    )
)


def round_entries(today: Today) -> list[DashboardEntry]:
    """Return the rounds whose digital consultation opens or closes this week, by day; one query."""
    what = _("Digital consultation")
    entries = []
    for event in rounds_this_week(today.day, today.week_end):
        detail = opening_detail if event.opens else closing_detail
        entries.append(
            DashboardEntry(
                label=event.round.title,
                url=change_url(event.round),
                detail=detail(what, event.day, today),
                day=event.day,
            )
        )
    return entries


dashboard_source_register(
    DashboardSource(
        name="consultations:rounds", panel=THIS_WEEK, models=("consultations.round",), entries=round_entries, order=10
    )
)
