"""What the programme publishes through search, open data, feeds, the calendar and the sitemap.

Discovered by the transparency app (transparency/registry.py). Programme data is all public.
"""

from __future__ import annotations

import datetime

from django.db.models import Count, Max, Prefetch, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from following.registry import target_key
from following.selectors import follower_counts
from openmun.links import translated_urls
from programme.models import Activity, Axis, CommitteeMeeting, Milestone, Programme, Project, ProjectUpdate
from programme.selectors import commune_name, programme_title
from transparency.opendata import translated
from transparency.registry import (
    CalendarEvent,
    CalendarSource,
    Dataset,
    FeedItem,
    FeedSource,
    Field,
    SearchDocument,
    SearchSource,
    SiteIdentity,
    SitemapSource,
    register_calendar,
    register_dataset,
    register_feed,
    register_search,
    register_site,
    register_sitemap,
)


def day_start(day: datetime.date) -> datetime.datetime:
    """Return the first moment of day in the portal's time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def history_updated(*models) -> datetime.datetime | None:
    """Return the last recorded change to any of the models (their public history), None when none is recorded."""
    dates = [model.history.aggregate(last=Max("history_date"))["last"] for model in models if hasattr(model, "history")]
    return max((date for date in dates if date), default=None)


# Search


def project_document(project: Project) -> SearchDocument:
    axis = project.axis
    body = "\n".join(
        text
        for text in [
            project.summary,
            project.cost_note,
            project.schedule_note,
            *(u.text for u in project.updates.all()),
        ]
        if text
    )
    return SearchDocument(
        title=project.title,
        body=body,
        url=project.get_absolute_url(),
        context=_("Axis %(number)s: %(title)s") % {"number": axis.number, "title": axis.title},
    )


register_search(
    SearchSource(
        kind="project",
        label=gettext_lazy("Projects"),
        model=Project,
        order=10,
        queryset=lambda: Project.objects.select_related("axis").prefetch_related("updates"),
        document=project_document,
        related={
            "programme.axis": lambda axis: Project.objects.filter(axis=axis).values_list("pk", flat=True),
            "programme.projectupdate": lambda update: [update.project_id],
        },
    )
)


ACTIVITY_TITLE_LENGTH = 300


def activity_title(text: str) -> str:
    """Return an activity's text as a search title: whole, or cut after its last whole word, with an ellipsis."""
    if len(text) <= ACTIVITY_TITLE_LENGTH:
        return text
    head = text[: ACTIVITY_TITLE_LENGTH - 1]
    if not text[ACTIVITY_TITLE_LENGTH - 1].isspace():
        words = head.rsplit(maxsplit=1)
        head = words[0] if len(words) > 1 else head
    return head.rstrip(" ,;:–-\n") + "…"


def activity_document(activity: Activity) -> SearchDocument:
    project = activity.project
    return SearchDocument(
        title=activity_title(activity.text),
        body=activity.text if len(activity.text) > ACTIVITY_TITLE_LENGTH else "",
        url=project.get_absolute_url(),
        context=project.title,
    )


register_search(
    SearchSource(
        kind="activity",
        label=gettext_lazy("Activities"),
        model=Activity,
        order=20,
        queryset=lambda: Activity.objects.select_related("project"),
        document=activity_document,
        related={
            "programme.project": lambda project: Activity.objects.filter(project=project).values_list("pk", flat=True)
        },
    )
)


# Open data

STATUS_VALUES = tuple(Project.Status.values)


def axis_rows(axes) -> list[dict]:
    return [
        {
            "slug": axis.slug,
            "number": axis.number,
            "title": translated(axis, "title"),
            "description": translated(axis, "description"),
            "project_count": axis.project_count,
            "estimated_cost": axis.estimated_cost or 0,
            "url": translated_urls(axis),
        }
        for axis in axes
    ]


register_dataset(
    Dataset(
        slug="axes",
        order=10,
        key="slug",
        lookup="slug",
        title=gettext_lazy("Priority axes"),
        description=gettext_lazy(
            "The programme's priority axes, with the number of projects and their estimated cost."
        ),
        fields=(
            Field("slug", "string", gettext_lazy("Stable identifier of the axis.")),
            Field("number", "integer", gettext_lazy("Number of the axis in the programme.")),
            Field("title", "translated", gettext_lazy("Title, in Arabic and French.")),
            Field("description", "translated", gettext_lazy("Description, in Arabic and French.")),
            Field("project_count", "integer", gettext_lazy("Number of projects of the axis.")),
            Field("estimated_cost", "number", gettext_lazy("Sum of the estimated costs of its projects, in dirhams.")),
            Field(
                "url",
                "translated",
                gettext_lazy("Address of its page on the portal, in each language."),
                format="uri",
            ),
        ),
        queryset=lambda: Axis.objects.annotate(
            project_count=Count("projects"),
            estimated_cost=Sum("projects__estimated_cost"),
        ).order_by("programme_id", "number"),
        rows=axis_rows,
        updated=lambda: history_updated(Axis, Project),
    )
)

ACTIVITY_FIELDS = (
    Field("id", "integer", gettext_lazy("Stable identifier of the activity.")),
    Field("number", "integer", gettext_lazy("Order of the activity, or of the sub-step within its activity.")),
    Field(
        "parent",
        "integer",
        gettext_lazy("Identifier of the activity this sub-step belongs to; null for an activity."),
        nullable=True,
    ),
    Field("text", "translated", gettext_lazy("What is done, in Arabic and French.")),
    Field("is_done", "boolean", gettext_lazy("Whether the commune marked it as done.")),
)


def activity_row(activity: Activity) -> dict:
    return {
        "id": activity.pk,
        "number": activity.number,
        "parent": activity.parent_id,
        "text": translated(activity, "text"),
        "is_done": activity.is_done,
    }


def project_rows(projects) -> list[dict]:
    today = timezone.localdate()
    projects = list(projects)
    followers = follower_counts(target_key("project", project.pk) for project in projects)
    return [
        {
            "slug": project.slug,
            "number": project.number,
            "axis": project.axis.slug,
            "title": translated(project, "title"),
            "summary": translated(project, "summary"),
            "estimated_cost": project.estimated_cost,
            "cost_note": translated(project, "cost_note"),
            "start_date": project.start_date,
            "end_date": project.end_date,
            "schedule_note": translated(project, "schedule_note"),
            "status": project.status,
            "progress": project.reported_progress,
            "progress_is_derived": project.progress_is_derived,
            "is_late": project.is_late_on(today),
            "partners": [
                {"slug": partner.slug, "name": translated(partner, "name"), "acronym": partner.acronym}
                for partner in project.partners.all()
            ],
            "activities": [activity_row(activity) for activity in project.ordered_activities],
            "follower_count": followers[target_key("project", project.pk)],
            "url": translated_urls(project),
        }
        for project in projects
    ]


register_dataset(
    Dataset(
        slug="projects",
        order=20,
        key="slug",
        lookup="slug",
        title=gettext_lazy("Projects"),
        description=gettext_lazy(
            "The programme's projects with their cost, schedule, status, progress, partners and activities."
        ),
        fields=(
            Field("slug", "string", gettext_lazy("Stable identifier of the project.")),
            Field("number", "integer", gettext_lazy("Number of the project in the programme.")),
            Field("axis", "string", gettext_lazy("Identifier (slug) of its priority axis.")),
            Field("title", "translated", gettext_lazy("Title, in Arabic and French.")),
            Field("summary", "translated", gettext_lazy("Summary, in Arabic and French.")),
            Field("estimated_cost", "number", gettext_lazy("Estimated cost in dirhams.")),
            Field("cost_note", "translated", gettext_lazy("Note on the cost.")),
            Field(
                "start_date",
                "string",
                gettext_lazy("Start date (YYYY-MM-DD); null when a partner's calendar decides it."),
                nullable=True,
                format="date",
            ),
            Field(
                "end_date",
                "string",
                gettext_lazy("End date (YYYY-MM-DD); null when not known."),
                nullable=True,
                format="date",
            ),
            Field("schedule_note", "translated", gettext_lazy("Note on the schedule.")),
            Field(
                "status", "string", gettext_lazy("Status: planned, in_progress, done or cancelled."), enum=STATUS_VALUES
            ),
            Field(
                "progress",
                "integer",
                gettext_lazy(
                    "Progress in percent: set by the commune, or computed from the activities marked as done."
                ),
            ),
            Field(
                "progress_is_derived", "boolean", gettext_lazy("Whether the progress is computed from the activities.")
            ),
            Field(
                "is_late",
                "boolean",
                gettext_lazy("Whether the end date has passed and the project is neither done nor cancelled."),
            ),
            Field(
                "partners",
                "array",
                gettext_lazy("Partners of the project."),
                items=(
                    Field("slug", "string", gettext_lazy("Stable identifier of the partner.")),
                    Field("name", "translated", gettext_lazy("Name, in Arabic and French.")),
                    Field("acronym", "string", gettext_lazy("Acronym, if any.")),
                ),
            ),
            Field(
                "activities",
                "array",
                gettext_lazy("Activities and sub-steps, in order (also the dataset “activities”)."),
                items=ACTIVITY_FIELDS,
            ),
            Field(
                "follower_count",
                "integer",
                gettext_lazy("Number of confirmed e-mail followers of its page; their addresses are never published."),
            ),
            Field(
                "url",
                "translated",
                gettext_lazy("Address of its page on the portal, in each language."),
                format="uri",
            ),
        ),
        queryset=lambda: (
            Project.objects.for_listing()
            .prefetch_related(
                Prefetch(
                    "activities",
                    queryset=Activity.objects.order_by("parent_id", "number", "pk"),
                    to_attr="ordered_activities",
                ),
            )
            .order_by("programme_id", "number")
        ),
        rows=project_rows,
        updated=lambda: history_updated(Project, Activity, ProjectUpdate),
    )
)


def activity_rows(activities) -> list[dict]:
    return [{"project": activity.project.slug, **activity_row(activity)} for activity in activities]


register_dataset(
    Dataset(
        slug="activities",
        order=30,
        key="id",
        lookup="pk",
        title=gettext_lazy("Activities"),
        description=gettext_lazy("Every activity and sub-step of the projects, one per row."),
        fields=(Field("project", "string", gettext_lazy("Identifier (slug) of the project.")), *ACTIVITY_FIELDS),
        queryset=lambda: Activity.objects.select_related("project").order_by(
            "project__number", "parent_id", "number", "pk"
        ),
        rows=activity_rows,
        updated=lambda: history_updated(Activity),
    )
)


# Feeds


def project_update_items(limit: int) -> list[FeedItem]:
    updates = ProjectUpdate.objects.select_related("project").order_by("-date", "-pk")[:limit]
    return [
        FeedItem(
            title=_("%(project)s: progress update") % {"project": update.project.title},
            description=update.text,
            url=update.project.get_absolute_url() + "#updates-title",
            guid=f"project-update-{update.pk}",
            date=day_start(update.date),
        )
        for update in updates
    ]


register_feed(FeedSource(slug="updates", order=10, title=gettext_lazy("Project updates"), items=project_update_items))


# Calendar


def programme_events() -> list[CalendarEvent]:
    events = [
        CalendarEvent(
            uid=f"programme-milestone-{milestone.pk}",
            summary=milestone.title,
            start=milestone.date,
            end=milestone.date,
            url=reverse("programme:calendar"),
            description=milestone.description,
        )
        for milestone in Milestone.objects.order_by("date", "pk")
    ]
    events += [
        CalendarEvent(
            uid=f"programme-committee-meeting-{meeting.pk}",
            summary=_("Meeting of the programme committee"),
            start=meeting.date,
            end=meeting.date,
            url=reverse("programme:committee"),
            description=meeting.summary,
        )
        for meeting in CommitteeMeeting.objects.order_by("date", "pk")
    ]
    return events


register_calendar(
    CalendarSource(slug="programme", order=10, title=gettext_lazy("Open programme"), events=programme_events)
)


# Sitemap

register_sitemap(
    SitemapSource(
        slug="programme-pages",
        priority=0.8,
        items=lambda: [
            "programme:home",
            "programme:project-list",
            "programme:calendar",
            "programme:committee",
            "programme:method",
        ],
    )
)


def published_projects():
    """Return the projects of the programme the portal publishes (those of an older one have no page)."""
    return Project.objects.filter(programme=Programme.objects.current()).order_by("number")


register_sitemap(
    SitemapSource(
        slug="programme-axes",
        items=lambda: Axis.objects.filter(programme=Programme.objects.current()).order_by("number"),
    )
)
register_sitemap(SitemapSource(slug="programme-projects", priority=0.7, items=published_projects))
register_sitemap(
    SitemapSource(
        slug="programme-project-histories",
        priority=0.3,
        items=lambda: [
            ("programme:project-history", {"slug": project.slug}) for project in published_projects().only("slug")
        ],
    )
)


register_site(SiteIdentity(name=commune_name, title=programme_title))
