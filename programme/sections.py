"""Blocks that other apps add to the project page, the way apps register their models with the admin.

The programme app owns the project page and imports none of the apps built on it. An app that adds to the
page (consultations adds the comments and the contributions that shaped the project) registers a
ProjectSection from its AppConfig.ready(); the page renders the sections in their order, below its own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from programme.models import Project


@dataclass(frozen=True)
class ProjectSection:
    """A block of the project page: its template and what it shows of a project (a fixed number of queries)."""

    name: str
    template: str
    context: Callable[[Project], dict]
    order: int = 100


registry: dict[str, ProjectSection] = {}


def section_register(section: ProjectSection) -> None:
    """Add a section to every project page."""
    if section.name in registry:
        raise ValueError(f"The project section {section.name!r} is registered twice.")
    registry[section.name] = section


def sections_render(
    request: HttpRequest, project: Project, *, overrides: dict[str, dict] | None = None
) -> list[SafeString]:
    """Return each registered section rendered for the project, in order.

    overrides gives a section context of its own for this response, such as a form shown again with its errors.
    """
    rendered = []
    for section in sorted(registry.values(), key=lambda section: (section.order, section.name)):
        context = {"project": project, **section.context(project), **(overrides or {}).get(section.name, {})}
        rendered.append(render_to_string(section.template, context, request=request))
    return rendered
