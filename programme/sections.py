"""Blocks that other apps add to the programme's pages, the way apps register their models with the admin.

The programme app owns the home page and the project page, and imports none of the apps built on it. An app that
adds to one of them registers a Section from its AppConfig.ready():

- on the project page (section_register), below the page's own sections: consultations adds the comments and the
  contributions that shaped the project; the section's context is read with the project;
- on the home page (home_section_register), in the "participate now" block: each app shows what a citizen can do
  in it today (an open round, a budget phase, petitions gathering support, the next council session) or, when
  nothing is open, what comes next; the section's context is read with the programme and the day.

Each page renders its sections in their order. A section's context costs a fixed number of queries, whatever the
data: the page's query count is the sum.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from programme.models import Programme, Project


@dataclass(frozen=True)
class Section:
    """A block of a page: its template and what it shows (a fixed number of queries)."""

    name: str
    template: str
    context: Callable[..., dict]
    order: int = 100


# context(project) for the project page; context(programme, today) for the home page. A home section's context
# sets "is_open" when a citizen can act in it today: the block says "nothing is open" when none does.
ProjectSection = Section
HomeSection = Section


@dataclass(frozen=True)
class RenderedSection:
    """A section rendered for one response; the template prints it as its HTML."""

    name: str
    html: SafeString
    is_open: bool = False

    def __str__(self) -> str:
        return self.html

    def __html__(self) -> SafeString:
        return self.html


class SectionRegistry:
    """The sections that apps add to one page, by name."""

    def __init__(self, page: str) -> None:
        self.page = page
        self.sections: dict[str, Section] = {}

    def register(self, section: Section) -> None:
        """Add a section to every one of the page's responses."""
        if section.name in self.sections:
            raise ValueError(f"The {self.page} section {section.name!r} is registered twice.")
        self.sections[section.name] = section

    def render(
        self, request: HttpRequest, *args, shared: dict, overrides: dict[str, dict] | None = None
    ) -> list[RenderedSection]:
        """Return each section rendered, in order, from its context read with args.

        shared is what every section's template sees (the project; the programme and the day); overrides gives a
        section context of its own for this response, such as a form shown again with its errors.
        """
        rendered = []
        for section in sorted(self.sections.values(), key=lambda section: (section.order, section.name)):
            context = {**shared, **section.context(*args), **(overrides or {}).get(section.name, {})}
            html = render_to_string(section.template, context, request=request)
            rendered.append(RenderedSection(name=section.name, html=html, is_open=bool(context.get("is_open"))))
        return rendered


project_sections = SectionRegistry("project")
home_sections = SectionRegistry("home")


def section_register(section: Section) -> None:
    """Add a section to every project page."""
    project_sections.register(section)


def sections_render(
    request: HttpRequest, project: Project, *, overrides: dict[str, dict] | None = None
) -> list[RenderedSection]:
    """Return each registered section rendered for the project, in order.

    overrides gives a section context of its own for this response, such as a form shown again with its errors.
    """
    return project_sections.render(request, project, shared={"project": project}, overrides=overrides)


def home_section_register(section: Section) -> None:
    """Add a section to the home page's "participate now" block."""
    home_sections.register(section)


def home_sections_render(request: HttpRequest, programme: Programme, today: datetime.date) -> list[RenderedSection]:
    """Return each home section rendered for the programme on that day, in order."""
    return home_sections.render(request, programme, today, shared={"programme": programme, "today": today})
