"""What needs doing today: the staff dashboard on the admin's index, from what each app declares.

openmun imports no feature app. An app with something for staff to do declares it in its `dashboard.py` module,
which this module imports from every installed app the first time the index is shown (autodiscovery, as
programme/reports.py does for the session report's sections):

- dashboard_source_register(DashboardSource(...)) adds entries to one of the panels (below: moderation,
  deadlines, this week, background jobs). A source names the models it reads: it is shown only to an account
  with the view permission on each of them (a superuser has them all), and is not even read for the others. It
  reads what it shows in a fixed number of queries, whatever the data size. Each entry links to the screen that
  does the work: an admin changelist with its filters, a change page, or a staff screen outside the admin.
- staff_screen_register(StaffScreen(...)) names a staff page that lives outside the admin (the moderation queue,
  the petitions' deadlines): the header of every admin page links to those the account may open.

This module declares the background jobs' source itself: e-mails the worker failed to send.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.urls import reverse
from django.utils import timezone
from django.utils.html import conditional_escape
from django.utils.http import urlencode
from django.utils.module_loading import autodiscover_modules
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

# The panels of the dashboard, in this order. An app may add its own with dashboard_panel_register.
MODERATION = "moderation"
DEADLINES = "deadlines"
THIS_WEEK = "this-week"
JOBS = "jobs"
# "This week": from today to the sixth day after it.
WEEK_DAYS = 7
# How the days of this week are written: the weekday, the day and the month.
WEEK_DATE_FORMAT = "l j F"
# Failed jobs are counted over this many days.
FAILED_JOBS_DAYS = 7


@dataclass(frozen=True)
class Today:
    """When the dashboard is read, and by whom: what a source's entries depend on."""

    user: AbstractBaseUser
    day: datetime.date
    now: datetime.datetime

    @property
    def week_end(self) -> datetime.date:
        """Return the last day of "this week": six days after today."""
        return self.day + datetime.timedelta(days=WEEK_DAYS - 1)

    def may(self, permission: str) -> bool:
        return self.user.has_perm(permission)


@dataclass(frozen=True)
class DashboardEntry:
    """One thing to do: what, how many (None for a single item), and the screen where it is done.

    detail says more (the oldest item's age, the days left) and may hold markup built with with_date(); urgent
    marks what is late. direction is "auto" for a label that a citizen wrote, in whichever language. day, when
    given, orders the panel's entries from several sources by date (those without one keep their place after).
    """

    label: str
    url: str
    count: int | None = None
    detail: str = ""
    urgent: bool = False
    direction: str = ""
    day: datetime.date | None = None


@dataclass(frozen=True)
class DashboardPanel:
    name: str
    title: str
    empty: str
    order: int = 100


@dataclass(frozen=True)
class DashboardSource:
    """What an app adds to a panel: entries(today) reads them, in a fixed number of queries.

    models names, as "app_label.model_name", every model the entries read or link to: the source is shown only to
    an account with the view permission on each of them.
    """

    name: str
    panel: str
    models: tuple[str, ...]
    entries: Callable[[Today], Iterable[DashboardEntry]]
    order: int = 100

    def visible_to(self, user: AbstractBaseUser) -> bool:
        return all(user.has_perm("{}.view_{}".format(*label.split("."))) for label in self.models)


@dataclass(frozen=True)
class StaffScreen:
    """A staff page outside the admin; an account that holds any of permissions may open it."""

    name: str
    label: str
    url_name: str
    permissions: tuple[str, ...]
    order: int = 100

    def visible_to(self, user: AbstractBaseUser) -> bool:
        return any(user.has_perm(permission) for permission in self.permissions)


@dataclass(frozen=True)
class ShownPanel:
    panel: DashboardPanel
    entries: list[DashboardEntry] = field(default_factory=list)


panels: dict[str, DashboardPanel] = {}
sources: dict[str, DashboardSource] = {}
screens: dict[str, StaffScreen] = {}
_discovered = False


def dashboard_discover() -> None:
    """Import every installed app's dashboard module once, so that its sources and screens are registered."""
    global _discovered
    if not _discovered:
        autodiscover_modules("dashboard")
        _discovered = True


def dashboard_panel_register(panel: DashboardPanel) -> None:
    if panel.name in panels:
        raise ValueError(f"The dashboard panel {panel.name!r} is registered twice.")
    panels[panel.name] = panel


def dashboard_source_register(source: DashboardSource) -> None:
    """Add a source of entries to its panel of the dashboard."""
    if source.name in sources:
        raise ValueError(f"The dashboard source {source.name!r} is registered twice.")
    sources[source.name] = source


def staff_screen_register(screen: StaffScreen) -> None:
    """Add a staff page outside the admin to the admin's header."""
    if screen.name in screens:
        raise ValueError(f"The staff screen {screen.name!r} is registered twice.")
    screens[screen.name] = screen


def today_for(user: AbstractBaseUser) -> Today:
    now = timezone.now()
    return Today(user=user, day=timezone.localdate(now), now=now)


def dashboard_panels(user: AbstractBaseUser, *, today: Today | None = None) -> list[ShownPanel]:
    """Return the panels the account may see, in order, each with its entries; a panel none of whose sources the
    account may see is left out. Each source costs its fixed number of queries, and nothing when it is not shown.
    """
    dashboard_discover()
    today = today or today_for(user)
    shown: dict[str, ShownPanel] = {}
    for source in sorted(sources.values(), key=lambda source: (source.order, source.name)):
        if source.panel not in panels or not source.visible_to(user):
            continue
        panel = shown.setdefault(source.panel, ShownPanel(panel=panels[source.panel]))
        panel.entries.extend(source.entries(today))
    for shown_panel in shown.values():
        shown_panel.entries.sort(key=lambda entry: entry.day or datetime.date.max)
    return sorted(shown.values(), key=lambda shown_panel: (shown_panel.panel.order, shown_panel.panel.name))


def staff_screens(user: AbstractBaseUser) -> list[dict[str, str]]:
    """Return the staff pages outside the admin that the account may open, as {"label", "url"}, in order."""
    dashboard_discover()
    return [
        {"label": str(screen.label), "url": reverse(screen.url_name)}
        for screen in sorted(screens.values(), key=lambda screen: (screen.order, screen.name))
        if screen.visible_to(user)
    ]


def changelist_url(model_label: str, **filters) -> str:
    """Return the admin's list of a model ("app_label.model_name"), filtered by the query parameters given."""
    url = reverse("admin:{}_{}_changelist".format(*model_label.split(".")))
    return f"{url}?{urlencode(filters)}" if filters else url


def change_url(obj) -> str:
    """Return the admin's page of obj."""
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def with_date(message: str, value: datetime.date | datetime.datetime, date_format: str = "DATE_FORMAT", **params):
    """Return a translated message whose %(date)s is value in a <time> element, in the Moroccan format; its other
    %(name)s placeholders take params, escaped."""
    from openmun.templatetags.openmun import fdate

    values = {name: conditional_escape(param) for name, param in params.items()}
    values["date"] = fdate(value, date_format)
    return mark_safe(conditional_escape(message) % values)


def opening_detail(what: str, day: datetime.date, today: Today) -> SafeString:
    """Return "what: opens on <weekday, date>" (or "today"), for the panel of what opens or closes this week."""
    if day == today.day:
        return conditional_escape(_("%(what)s: opens today") % {"what": what})
    return with_date(_("%(what)s: opens on %(date)s"), day, WEEK_DATE_FORMAT, what=what)


def closing_detail(what: str, day: datetime.date, today: Today) -> SafeString:
    """Return "what: its last day is <weekday, date>" (or "today")."""
    if day == today.day:
        return conditional_escape(_("%(what)s: today is its last day") % {"what": what})
    return with_date(_("%(what)s: its last day is %(date)s"), day, WEEK_DATE_FORMAT, what=what)


for _panel in (
    DashboardPanel(name=MODERATION, title=_("To moderate"), empty=_("Nothing awaits a moderator."), order=10),
    DashboardPanel(name=DEADLINES, title=_("Deadlines"), empty=_("No deadline is near."), order=20),
    DashboardPanel(
        name=THIS_WEEK,
        title=_("Opening or closing this week"),
        empty=_("Nothing opens or closes in the next seven days."),
        order=30,
    ),
    DashboardPanel(name=JOBS, title=_("Background jobs"), empty=_("No e-mail failed this week."), order=40),
):
    dashboard_panel_register(_panel)


# The background jobs: e-mails the worker could not send.

MAIL_TASK = "openmun.tasks.mail_send"


def failed_mail_entries(today: Today) -> list[DashboardEntry]:
    """Return the e-mail jobs that failed in the last FAILED_JOBS_DAYS days, with the latest failure; one query."""
    from django.db.models import Count, Max
    from django_tasks import TaskResultStatus

    from openmun.models import BackgroundJob

    since = today.now - datetime.timedelta(days=FAILED_JOBS_DAYS)
    failed = BackgroundJob.objects.filter(
        task_path=MAIL_TASK, status=TaskResultStatus.FAILED, finished_at__gte=since
    ).aggregate(count=Count("pk"), latest=Max("finished_at"))
    if not failed["count"]:
        return []
    return [
        DashboardEntry(
            label=str(_("E-mails not sent")),
            url=changelist_url(
                "openmun.backgroundjob", status=TaskResultStatus.FAILED, kind=MAIL_TASK, days=FAILED_JOBS_DAYS
            ),
            count=failed["count"],
            detail=with_date(_("the latest failed on %(date)s"), failed["latest"], "DATETIME_FORMAT"),
            urgent=True,
        )
    ]


dashboard_source_register(
    DashboardSource(
        name="openmun:failed-mail", panel=JOBS, models=("openmun.backgroundjob",), entries=failed_mail_entries
    )
)
