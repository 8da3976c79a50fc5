"""Reads of the programme for the public pages; each costs a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone, translation
from modeltranslation.utils import build_localized_fieldname

from following.registry import Followed
from openmun.cache import kept_per_version
from programme.models import Activity, Axis, Commune, Programme, Project


@kept_per_version
def commune_get() -> Commune | None:
    """Return the commune that runs the portal (every page shows it): read once per content version."""
    return Commune.objects.order_by("pk").first()


def commune_name() -> str:
    """Return the commune's name, as feeds, calendars and share images name the publisher ("" if none)."""
    commune = commune_get()
    return str(commune.name) if commune else ""


# A change to a commune moves the content version (openmun/cache.py): its names are read again once per change, not
# at every form a citizen sends (a support checks the names typed against them, and its mail is signed with one).
@kept_per_version
def commune_names_by_language() -> list[dict[str, str]]:
    """Return each commune's name by language code, first commune first: one query, then none until a change."""
    codes = [code for code, _name in settings.LANGUAGES]
    fields = [build_localized_fieldname("name", code) for code in codes]
    return [dict(zip(codes, row, strict=True)) for row in Commune.objects.order_by("pk").values_list(*fields)]


def commune_names() -> list[str]:
    """Return the commune's name in every language, as staff stored it (none if no commune is loaded)."""
    return [name for row in commune_names_by_language() for name in row.values() if name]


def commune_signature() -> str:
    """Return the commune's name in the active language, as its e-mails are signed ("" if none)."""
    rows = commune_names_by_language()
    if not rows:
        return ""
    language = translation.get_language() or settings.LANGUAGE_CODE
    for code in (language, *settings.MODELTRANSLATION_FALLBACK_LANGUAGES):
        if rows[0].get(code):
            return rows[0][code]
    return ""


def programme_title() -> str:
    """Return the title of the published programme, the portal's own title ("" if none)."""
    programme = Programme.objects.current()
    return str(programme.title) if programme else ""


def programme_get() -> Programme:
    """Return the published programme, or raise Http404 when none is loaded."""
    programme = Programme.objects.current()
    if programme is None:
        raise Http404("No programme has been loaded.")
    return programme


def projects_for_listing(programme: Programme) -> QuerySet[Project]:
    """Return the programme's projects with their axis, partners and activity counts."""
    return programme.projects.for_listing().order_by("number")


@dataclass(frozen=True)
class Totals:
    project_count: int
    total_cost: Decimal
    # Over the projects that reported their progress; None when none did.
    average_progress: int | None
    late_count: int
    done_count: int


def totals_compute(projects: list[Project]) -> Totals:
    """Return the programme's computed figures from its projects."""
    today = timezone.localdate()
    count = len(projects)
    reported = [p.progress_percent for p in projects if p.progress_reported]
    return Totals(
        project_count=count,
        total_cost=sum((p.estimated_cost for p in projects), Decimal("0")),
        average_progress=round(sum(reported) / len(reported)) if reported else None,
        late_count=sum(p.is_late_on(today) for p in projects),
        done_count=sum(p.status == Project.Status.DONE for p in projects),
    )


@dataclass(frozen=True)
class AxisSummary:
    axis: Axis
    projects: list[Project]
    total_cost: Decimal


def axes_with_projects(programme: Programme, projects: list[Project]) -> list[AxisSummary]:
    """Return each axis of the programme with its projects and their computed cost."""
    by_axis: dict[int, list[Project]] = {}
    for project in projects:
        by_axis.setdefault(project.axis_id, []).append(project)
    return [
        AxisSummary(
            axis=axis,
            projects=by_axis.get(axis.pk, []),
            total_cost=sum((p.estimated_cost for p in by_axis.get(axis.pk, [])), Decimal("0")),
        )
        for axis in programme.axes.order_by("number")
    ]


def home_data() -> dict:
    """Return what the home page shows: the programme at a glance."""
    programme = programme_get()
    projects = list(projects_for_listing(programme))
    return {
        "programme": programme,
        "objectives": list(programme.objectives.all()),
        "principles": list(programme.principles.all()),
        "axes": axes_with_projects(programme, projects),
        "totals": totals_compute(projects),
        "milestones": list(programme.milestones.all()),
    }


def axis_detail_data(slug: str) -> dict:
    """Return an axis with its projects, or raise Http404."""
    programme = programme_get()
    try:
        axis = programme.axes.get(slug=slug)
    except Axis.DoesNotExist:
        raise Http404("No such axis.") from None
    projects = list(projects_for_listing(programme).filter(axis=axis))
    return {"programme": programme, "axis": axis, "projects": projects, "totals": totals_compute(projects)}


def project_list_data() -> dict:
    """Return every project of the programme with the computed totals."""
    programme = programme_get()
    projects = list(projects_for_listing(programme))
    return {"programme": programme, "projects": projects, "totals": totals_compute(projects)}


def project_get(slug: str) -> Project:
    """Return a project of the published programme, or raise Http404."""
    try:
        return programme_get().projects.get(slug=slug)
    except Project.DoesNotExist:
        raise Http404("No such project.") from None


def activities_prefetch() -> Prefetch:
    """Return the prefetch of a project's top-level activities, each with its sub-steps, as top_activities."""
    activities = Activity.objects.filter(parent__isnull=True).prefetch_related(
        Prefetch("children", queryset=Activity.objects.order_by("number"))
    )
    return Prefetch("activities", queryset=activities, to_attr="top_activities")


def project_detail_data(slug: str) -> dict:
    """Return a project with its activities, sub-steps, partners and updates, or raise Http404."""
    programme = programme_get()
    try:
        project = programme.projects.for_listing().prefetch_related(activities_prefetch(), "updates").get(slug=slug)
    except Project.DoesNotExist:
        raise Http404("No such project.") from None
    return {
        "programme": programme,
        "project": project,
        "timeline": Timeline.for_projects([project]),
    }


@dataclass(frozen=True)
class TimelineRow:
    project: Project
    months: list[bool]


@dataclass(frozen=True)
class Timeline:
    """A month grid for a Gantt chart drawn with CSS grid, no script and no inline style."""

    years: list[int]
    rows: list[TimelineRow]

    @classmethod
    def for_projects(
        cls, projects: list[Project], first_year: int | None = None, last_year: int | None = None
    ) -> Timeline:
        dates = [d for p in projects for d in (p.start_date, p.end_date) if d]
        if not dates:
            return cls(years=[], rows=[])
        first = first_year or min(dates).year
        last = last_year or max(dates).year
        years = list(range(first, last + 1))
        rows = []
        for project in projects:
            months = [False] * (12 * len(years))
            if project.start_date and project.end_date:
                start = (project.start_date.year - first) * 12 + project.start_date.month - 1
                end = (project.end_date.year - first) * 12 + project.end_date.month - 1
                for index in range(max(start, 0), min(end, len(months) - 1) + 1):
                    months[index] = True
            rows.append(TimelineRow(project=project, months=months))
        return cls(years=years, rows=rows)


def calendar_data() -> dict:
    """Return the co-preparation milestones and the Gantt view of the projects."""
    programme = programme_get()
    projects = list(projects_for_listing(programme))
    milestone_years = [m.date.year for m in programme.milestones.all()]
    return {
        "programme": programme,
        "milestones": list(programme.milestones.all()),
        "timeline": Timeline.for_projects(projects, first_year=min(milestone_years, default=None)),
        "today": timezone.localdate(),
    }


def committee_data() -> dict:
    """Return the programme committee: its mission, composition, rhythm and meetings."""
    programme = programme_get()
    return {
        "programme": programme,
        "members": list(programme.committee_members.all()),
        "meetings": list(programme.committee_meetings.all()),
    }


def method_data() -> dict:
    """Return the objectives, principles and co-preparation method of the programme."""
    programme = programme_get()
    return {
        "programme": programme,
        "objectives": list(programme.objectives.all()),
        "principles": list(programme.principles.all()),
        "steps": list(programme.method_steps.all()),
    }


def project_followed(ident: str) -> Followed | None:
    """Return the title and page of a project of the published programme, to follow it by e-mail."""
    project = programme_get().projects.filter(pk=int(ident)).only("pk", "slug", "title").first()
    return Followed(title=project.title, path=project.get_absolute_url()) if project else None
