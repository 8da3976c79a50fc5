"""What happened between two council sessions: the period report's sections, which apps register.

The programme app prints the session report (programme/pdf.py) and imports none of the apps built on it. An app
that reports on a period registers a PeriodSection from its `reports.py` module, which this module imports from
every installed app the first time a report is made (autodiscovery, like the admin's): consultations reports its
rounds and answered contributions, petitions the steps of petitions, budgets the participatory budget's phases.
The programme's own section (progress updates, changes of status and progress, activities marked done) is
registered below. Each section's context is read with the period, in a fixed number of queries.

An app can also say which council session the printed programme is prepared for by default
(next_session_source_register): petitions registers the next ordinary session of the council's calendar, printed
when staff leave the print settings' session empty.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q, Subquery
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules
from django.utils.safestring import SafeString

from programme.history import field_label, value_display
from programme.models import Activity, Project, ProjectUpdate


@dataclass(frozen=True)
class Period:
    """The days a report covers, both included: from start (None: since the first record) to end."""

    start: datetime.date | None
    end: datetime.date

    def dates(self, field: str) -> Q:
        """Return the filter on a DateField for the days of the period."""
        condition = Q(**{f"{field}__lte": self.end})
        return condition & Q(**{f"{field}__gte": self.start}) if self.start else condition

    def moments(self, field: str) -> Q:
        """Return the filter on a DateTimeField for the period's days in the portal's time zone."""
        condition = Q(**{f"{field}__lt": self.end_moment})
        return condition & Q(**{f"{field}__gte": day_start(self.start)}) if self.start else condition

    @property
    def end_moment(self) -> datetime.datetime:
        """Return the first moment after the period."""
        return day_start(self.end + datetime.timedelta(days=1))

    @property
    def is_empty(self) -> bool:
        return self.start is not None and self.start > self.end

    def includes(self, day: datetime.date) -> bool:
        return (self.start is None or self.start <= day) and day <= self.end


def day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


@dataclass(frozen=True)
class PeriodSection:
    """A part of the session report: its template and what it shows of a period (a fixed number of queries).

    The template receives the context and `period`; it prints its own heading, and says so when nothing happened.
    """

    name: str
    template: str
    context: Callable[[Period], dict]
    order: int = 100


registry: dict[str, PeriodSection] = {}
# Each returns the label of the session the printed programme is prepared for on a day, in the active language.
session_sources: list[Callable[[datetime.date], str]] = []
_discovered = False


def reports_discover() -> None:
    """Import every installed app's reports module once, so that their sections and sources are registered."""
    global _discovered
    if not _discovered:
        autodiscover_modules("reports")
        _discovered = True


def period_section_register(section: PeriodSection) -> None:
    """Add a section to every session report."""
    if section.name in registry:
        raise ValueError(f"The period section {section.name!r} is registered twice.")
    registry[section.name] = section


def period_sections_render(period: Period) -> list[SafeString]:
    """Return each registered section rendered for the period, in order, in the active language."""
    reports_discover()
    return [
        render_to_string(section.template, {"period": period, **section.context(period)})
        for section in sorted(registry.values(), key=lambda section: (section.order, section.name))
    ]


def next_session_source_register(source: Callable[[datetime.date], str]) -> None:
    """Add a source of the session the printed programme is prepared for when staff choose none."""
    if source not in session_sources:
        session_sources.append(source)


def next_session_label(day: datetime.date) -> str:
    """Return the label of the next council session as the registered sources know it on day, or ""."""
    reports_discover()
    for source in session_sources:
        label = source(day)
        if label:
            return str(label)
    return ""


# The programme's own section: what the portal's dated records say of the projects in the period.

# The project's fields whose changes the report lists, in this order.
TRACKED_FIELDS = ("status", "progress", "start_date", "end_date")


@dataclass(frozen=True)
class ProjectChange:
    date: datetime.date
    project: Project
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class ActivityDone:
    date: datetime.date
    activity: Activity
    number: str


def records_in(history_manager, period: Period) -> list:
    """Return, up to the period's end, every record of the objects that have a record in the period, in order."""
    changed = history_manager.filter(period.moments("history_date")).values("id")
    return list(
        history_manager.filter(id__in=Subquery(changed), history_date__lt=period.end_moment).order_by(
            "id", "history_date", "history_id"
        )
    )


def project_changes(period: Period) -> list[ProjectChange]:
    """Return the changes to the projects' status, progress and dates made in the period; two queries."""
    records = records_in(Project.history, period)
    projects = Project.objects.in_bulk({record.id for record in records})
    fields = [Project._meta.get_field(name) for name in TRACKED_FIELDS]
    changes = []
    previous = None
    for record in records:
        before, previous = (previous if previous is not None and previous.id == record.id else None), record
        day = timezone.localdate(record.history_date)
        if before is None or record.history_type != "~" or not period.includes(day) or record.id not in projects:
            continue
        for model_field in fields:
            old, new = getattr(before, model_field.attname), getattr(record, model_field.attname)
            if old != new:
                changes.append(
                    ProjectChange(
                        date=day,
                        project=projects[record.id],
                        label=field_label(model_field),
                        old=value_display(model_field, old, axes={}, activities={}),
                        new=value_display(model_field, new, axes={}, activities={}),
                    )
                )
    changes.sort(key=lambda change: (change.date, change.project.number))
    return changes


def activities_done(period: Period) -> list[ActivityDone]:
    """Return the activities marked as done in the period and still done at its end; two queries.

    Activities have no date of completion: the day is that of the change recorded in their history.
    """
    records = records_in(Activity.history, period)
    done_on: dict[int, datetime.date] = {}
    previous = None
    for record in records:
        before, previous = (previous if previous is not None and previous.id == record.id else None), record
        day = timezone.localdate(record.history_date)
        if not record.is_done or record.history_type == "-":
            done_on.pop(record.id, None)
        elif before is not None and not before.is_done and period.includes(day):
            done_on[record.id] = day
    activities = Activity.objects.select_related("project", "parent").in_bulk(done_on)
    done = [
        ActivityDone(
            date=day,
            activity=activities[pk],
            number=(
                f"{activities[pk].parent.number}.{activities[pk].number}"
                if activities[pk].parent_id
                else str(activities[pk].number)
            ),
        )
        for pk, day in done_on.items()
        if pk in activities
    ]
    done.sort(key=lambda item: (item.date, item.activity.project.number, item.number))
    return done


def programme_period_data(period: Period) -> dict:
    """Return the progress updates dated in the period, the changes to the projects and the activities done."""
    updates = list(ProjectUpdate.objects.filter(period.dates("date")).select_related("project").order_by("date", "pk"))
    changes = project_changes(period)
    done = activities_done(period)
    return {
        "updates": updates,
        "changes": changes,
        "activities_done": done,
        "is_empty": not (updates or changes or done),
    }


period_section_register(
    PeriodSection(
        name="programme", template="programme/pdf/_period_programme.html", context=programme_period_data, order=10
    )
)
