"""The commune's open programme: its identity, method, committee, axes, projects and their progress."""

from programme.models.printing import (
    PrintSettings,
    PrintSettingsQuerySet,
)
from programme.models.programme import (
    CommitteeMeeting,
    CommitteeMember,
    Commune,
    MethodStep,
    Milestone,
    Objective,
    Principle,
    Programme,
    ProgrammeQuerySet,
)
from programme.models.projects import (
    Activity,
    Axis,
    DatedUpdate,
    Partner,
    Project,
    ProjectQuerySet,
    ProjectUpdate,
)

__all__ = [
    "Activity",
    "Axis",
    "CommitteeMeeting",
    "CommitteeMember",
    "Commune",
    "DatedUpdate",
    "MethodStep",
    "Milestone",
    "Objective",
    "Partner",
    "Principle",
    "PrintSettings",
    "PrintSettingsQuerySet",
    "Programme",
    "ProgrammeQuerySet",
    "Project",
    "ProjectQuerySet",
    "ProjectUpdate",
]
