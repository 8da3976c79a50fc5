"""Petitions on the staff dashboard (openmun/dashboard.py) and in the admin's header.

Petitions awaiting their pre-check, and published ones that visitors reported, are in the moderation panel with every
moderated model (moderation/dashboard.py). This module adds the limits for notifying a refusal (three months after
the deposit, Organic Law 113-14): the petitions past the limit or within OPENMUN_PETITION_DEADLINE_WARNING_DAYS of it,
with the days left, each linked to its admin page, and the deadlines page in the admin's header.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from openmun.dashboard import (
    DEADLINES,
    DashboardEntry,
    DashboardSource,
    StaffScreen,
    Today,
    change_url,
    dashboard_source_register,
    staff_screen_register,
    with_date,
)
from petitions.selectors import DeadlineRow, deadlines_near

DEADLINES_PAGE = "petitions:petition-deadlines"
# The dashboard lists this many petitions; the deadlines page lists them all.
SHOWN = 5

staff_screen_register(
    StaffScreen(
        name="petitions:deadlines",
        label=gettext_lazy("Petition deadlines"),
        url_name=DEADLINES_PAGE,
        permissions=("petitions.view_petition",),
        order=20,
    )
)


def days_text(row: DeadlineRow) -> str:
    """Return the days left before the limit, or how long ago it passed."""
    if row.days < 0:
        return ngettext(
            "the limit passed %(count)d day ago", "the limit passed %(count)d days ago", row.days_overdue
        ) % {"count": row.days_overdue}
    if row.days == 0:
        return _("today is the last day")
    return ngettext("%(count)d day left", "%(count)d days left", row.days_left) % {"count": row.days_left}


def deadline_entries(today: Today) -> list[DashboardEntry]:
    """Return the petitions whose limit for notifying a refusal is past or near, the most urgent first; one query."""
    rows, total = deadlines_near(today.day, limit=SHOWN)
    entries = [
        DashboardEntry(
            label=row.petition.title,
            url=change_url(row.petition),
            detail=with_date(_("%(days)s · limit: %(date)s"), row.deadline, days=days_text(row)),
            urgent=row.state == "past" or row.days <= 7,
            direction="auto",
            day=row.deadline,
        )
        for row in rows
    ]
    if total > len(rows):
        entries.append(
            DashboardEntry(
                label=ngettext(
                    "%(count)d more petition on the deadlines page",
                    "%(count)d more petitions on the deadlines page",
                    total - len(rows),
                )
                % {"count": total - len(rows)},
                url=reverse(DEADLINES_PAGE),
            )
        )
    return entries


dashboard_source_register(
    DashboardSource(
        name="petitions:deadlines", panel=DEADLINES, models=("petitions.petition",), entries=deadline_entries, order=10
    )
)
