"""The moderation queue on the staff dashboard (openmun/dashboard.py): every moderated model, whichever app keeps it.

For each concrete model that inherits Moderated, to an account that may view it: the items awaiting review, with
how long the oldest has waited, and the published items that visitors reported. Each entry links to the admin's
list of the model, filtered; an app that has a screen of its own for moderating a model names it with
moderation_screen_register (consultations: the moderation queue of contributions and comments), and an account
that may moderate the model is sent there instead.
"""

from __future__ import annotations

from functools import partial

from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from moderation.models import Moderated
from moderation.selectors import QueueSummary, model_label, moderated_models, queue_summary
from openmun.dashboard import MODERATION, DashboardEntry, DashboardSource, Today, changelist_url, dashboard_discover
from openmun.dashboard import dashboard_source_register as _register

# An item that has waited this many days or more is marked as late on the dashboard.
LATE_AFTER_DAYS = 3

# Model label → the URL name of the app's own moderation screen.
moderation_screens: dict[str, str] = {}


def moderation_screen_register(label: str, url_name: str) -> None:
    """Send the accounts that may moderate the model ("app_label.model_name") to url_name to do it."""
    moderation_screens[label] = url_name


def moderation_url(today: Today, model: type[Moderated], **filters) -> str:
    """Return the screen where the account moderates model's items: the app's own, or the admin's list filtered."""
    # The apps name their screens in their dashboard modules.
    dashboard_discover()
    label = model_label(model)
    if label in moderation_screens and today.may(f"{model._meta.app_label}.moderate_{model._meta.model_name}"):
        return reverse(moderation_screens[label])
    return changelist_url(label, **filters)


def waiting_detail(summary: QueueSummary, days: int) -> str:
    """Return how long the oldest item has waited, and how many were withdrawn after reports."""
    if days <= 0:
        age = _("the oldest came in today")
    else:
        age = ngettext("the oldest has waited %(count)d day", "the oldest has waited %(count)d days", days) % {
            "count": days
        }
    if not summary.withdrawn:
        return age
    withdrawn = ngettext(
        "%(count)d withdrawn after reports", "%(count)d withdrawn after reports", summary.withdrawn
    ) % {"count": summary.withdrawn}
    return format_html("{} · {}", age, withdrawn)


def queue_entries(model: type[Moderated], today: Today) -> list[DashboardEntry]:
    """Return what awaits a moderator in model: pending items, then reported ones; one query."""
    summary = queue_summary(model)
    items = capfirst(model._meta.verbose_name_plural)
    entries = []
    if summary.pending:
        days = summary.oldest_age_on(today.day)
        entries.append(
            DashboardEntry(
                label=_("%(items)s awaiting review") % {"items": items},
                url=moderation_url(today, model, status__exact=Moderated.Status.PENDING),
                count=summary.pending,
                detail=waiting_detail(summary, days),
                urgent=days >= LATE_AFTER_DAYS,
            )
        )
    if summary.reported:
        entries.append(
            DashboardEntry(
                label=_("%(items)s reported by visitors") % {"items": items},
                url=moderation_url(today, model, status__exact=Moderated.Status.PUBLISHED, reported="yes"),
                count=summary.reported,
                detail=ngettext(
                    "%(count)d report in all, still published",
                    "%(count)d reports in all, still published",
                    summary.reports,
                )
                % {"count": summary.reports},
            )
        )
    return entries


for _order, _model in enumerate(moderated_models()):
    _register(
        DashboardSource(
            name=f"moderation:{model_label(_model)}",
            panel=MODERATION,
            models=(model_label(_model),),
            entries=partial(queue_entries, _model),
            order=_order,
        )
    )
