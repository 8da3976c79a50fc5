"""Where the programme stands on a day, as the printed documents show it: figures computed from the projects.

Progress is reported when staff set a percentage, mark the project done, or mark one of its activities done
(Project.progress_reported).
Where nothing was reported, the documents say so ("not reported") instead of printing 0 %, and the average
progress counts only the projects that reported. The amount spent on a project is the one of its latest progress
update that gives an amount (updates give the amount spent so far).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from programme.models import Project


def amount_spent(project: Project) -> Decimal | None:
    """Return the amount spent so far on the project, from its latest update that gives one (prefetch updates)."""
    dated = [update for update in project.updates.all() if update.amount_spent is not None]
    return max(dated, key=lambda update: (update.date, update.pk)).amount_spent if dated else None


def projects_mark(projects: list[Project], day: datetime.date) -> None:
    """Set on each project what the printed sheets show on day: printed_progress (None: not reported),
    printed_late and printed_spent. The projects are read with their activity counts and updates."""
    for project in projects:
        project.printed_progress = project.reported_progress
        project.printed_late = project.is_late_on(day)
        project.printed_spent = amount_spent(project)


@dataclass(frozen=True)
class StatusCount:
    status: str
    label: str
    count: int


@dataclass(frozen=True)
class Overview:
    day: datetime.date
    project_count: int
    by_status: list[StatusCount]
    late: list[Project]
    reported_count: int
    average_progress: int | None
    activity_count: int
    activities_done: int
    estimated: Decimal
    spent: Decimal | None
    spent_count: int


def overview_compute(projects: list[Project], day: datetime.date) -> Overview:
    """Return the programme's status on day from its projects, marked by projects_mark."""
    reported = [project.printed_progress for project in projects if project.printed_progress is not None]
    spent = [project.printed_spent for project in projects if project.printed_spent is not None]
    return Overview(
        day=day,
        project_count=len(projects),
        by_status=[
            StatusCount(status=value, label=label, count=sum(project.status == value for project in projects))
            for value, label in Project.Status.choices
        ],
        late=sorted((project for project in projects if project.printed_late), key=lambda project: project.number),
        reported_count=len(reported),
        average_progress=round(sum(reported) / len(reported)) if reported else None,
        activity_count=sum(project.leaf_count for project in projects),
        activities_done=sum(project.done_count for project in projects),
        estimated=sum((project.estimated_cost for project in projects), Decimal("0")),
        spent=sum(spent, Decimal("0")) if spent else None,
        spent_count=len(spent),
    )
